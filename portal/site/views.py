"""利用規約, プライバシーポリシー, よくある質問, アクセシビリティ方針, サイトマップ, お問い合わせ, and the
職員's list of what was sent through お問い合わせ."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from portal import clock
from portal.accounts.passwords import verify_password
from portal.accounts.services import record_event
from portal.db import get_session
from portal.extensions import limiter
from portal.htmx import is_safe_next, redirect_after_post, render
from portal.mail import queue_template
from portal.models import Inquiry
from portal.models.inquiry import TOPICS
from portal.site import operator, owndata, terms
from portal.staff import staff_required

bp = Blueprint("site", __name__)

PER_PAGE = 50


class ContactForm(FlaskForm):
    topic = SelectField("お問い合わせの種類", choices=[SelectChoice(key, label) for key, label in TOPICS.items()],
                        validators=[DataRequired(message="お問い合わせの種類を選んでください。")])
    name = StringField("お名前", validators=[DataRequired(message="お名前を入力してください。"),
                                            Length(max=100, message="100文字以内で入力してください。")])
    email = EmailField("メールアドレス", validators=[
        DataRequired(message="メールアドレスを入力してください。"),
        Email(message="メールアドレスの形式が正しくありません（例：taro@example.jp）。", check_deliverability=False),
        Length(max=254, message="メールアドレスが長すぎます。")])
    body = TextAreaField("お問い合わせの内容", validators=[
        DataRequired(message="お問い合わせの内容を入力してください。"),
        Length(max=4000, message="4,000文字以内で入力してください。")])


class AgreeForm(FlaskForm):
    agree = BooleanField("利用規約とプライバシーポリシーに同意します",
                         validators=[DataRequired(message="続けるには、利用規約とプライバシーポリシーへの同意が必要です。")])


def _contact_limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


@bp.get("/terms", endpoint="terms")
def terms_page():
    return render("site/terms.html")


@bp.get("/privacy")
def privacy():
    return render("site/privacy.html", retention_days=current_app.config["EVENT_RETENTION_DAYS"])


@bp.get("/faq")
def faq():
    return render("site/faq.html")


@bp.get("/accessibility")
def accessibility():
    return render("site/accessibility.html")


@bp.get("/sitemap")
def sitemap():
    return render("site/sitemap.html")


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def contact():
    form = ContactForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = form.name.data or current_user.display_name
        form.email.data = form.email.data or current_user.email
    if form.validate_on_submit():
        session = get_session()
        inquiry = Inquiry(topic=form.topic.data, name=form.name.data.strip(), email=form.email.data.strip(),
                          body=form.body.data.strip(),
                          user_id=current_user.id if current_user.is_authenticated else None)
        session.add(inquiry)
        session.flush()
        to = operator(current_app.config)["email"]
        if to:
            queue_template(session, to, f"【{current_app.config['SITE_NAME']}】お問い合わせ（{inquiry.topic_label}）",
                           "mail/inquiry.txt", inquiry=inquiry,
                           link=url_for("site.inquiries", _external=True, _anchor=f"inquiry-{inquiry.id}"))
        session.commit()
        return redirect_after_post("site.contact_sent")
    return render("site/contact.html", form=form, http_status=422 if form.errors else 200)


@bp.get("/contact/sent")
def contact_sent():
    return render("site/contact_sent.html")


@bp.route("/account/terms", methods=["GET", "POST"])
@login_required
def agree_terms():
    next_url = request.args.get("next") or request.form.get("next") or ""
    next_url = next_url if is_safe_next(next_url) else ""
    form = AgreeForm()
    if form.validate_on_submit():
        session = get_session()
        terms.record_agreement(session, current_user._get_current_object(), request.remote_addr)
        session.commit()
        flash("利用規約への同意を記録しました。", "success")
        return redirect(next_url or url_for("main.index"), code=303)
    return render("site/agree.html", form=form, next_url=next_url, needed=terms.needs_agreement(current_user),
                  http_status=422 if form.errors else 200)


@bp.get("/staff/inquiries")
@staff_required
def inquiries():
    session = get_session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total = session.scalar(select(func.count()).select_from(Inquiry)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    rows = list(session.scalars(select(Inquiry).order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
                                .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return render("site/inquiries.html", inquiries=rows, total=total, page=page, pages=pages)


class ExportForm(FlaskForm):
    """Only the CSRF token: the archive is made on a POST, so no link or image can fetch it."""


class DeleteForm(FlaskForm):
    password = PasswordField("現在のパスワード")
    confirm = StringField("確認のため「削除します」と入力してください",
                          validators=[DataRequired(message="「削除します」と入力してください。")])


@bp.get("/account/data")
@login_required
def own_data():
    db = get_session()
    return render("site/own_data.html", form=ExportForm(), plan=owndata.plan(db, current_user),
                  sections=owndata.SECTIONS)


@bp.post("/account/data/export")
@login_required
def export_data():
    if not ExportForm().validate_on_submit():
        abort(400)
    db = get_session()
    user = current_user._get_current_object()
    body = owndata.archive(db, user, current_app.config["SITE_NAME"])
    record_event(db, "data_exported", user, user.email, request.remote_addr)
    db.commit()
    name = f"portal-data-{clock.now_jst():%Y%m%d}.zip"
    return current_app.response_class(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    db = get_session()
    user = current_user._get_current_object()
    form = DeleteForm()
    decided = owndata.plan(db, user)
    if form.validate_on_submit():
        if form.confirm.data.strip() != "削除します":
            form.confirm.errors = [*form.confirm.errors, "「削除します」と正確に入力してください。"]
        elif user.password_hash and not verify_password(user.password_hash, form.password.data or ""):
            form.password.errors = [*form.password.errors, "パスワードが正しくありません。"]
        else:
            email, name = user.email, user.name_for_display
            business_name = decided.business.name if decided.deletes_business else None
            owndata.delete_account(db, user, request.remote_addr)
            queue_template(db, email, f"【{current_app.config['SITE_NAME']}】アカウントを削除しました",
                           "mail/account_deleted.txt", name=name, business_name=business_name)
            db.commit()
            logout_user()
            flask_session.clear()
            return redirect_after_post("site.account_deleted")
    return render("site/delete.html", form=form, plan=decided, http_status=422 if form.errors else 200)


@bp.get("/account/deleted")
def account_deleted():
    return render("site/deleted.html")
