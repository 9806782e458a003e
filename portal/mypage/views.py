"""マイページ: registering a business, its data by section, editing 基本情報, and the history.

Periods and the lists (株主・役員・事業所) have their routes in `portal.mypage.records`; the regions
and helpers all routes share are in `portal.mypage.regions`.
"""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from portal import store
from portal.bounds import page_arg
from portal.db import get_session
from portal.extensions import htmx
from portal.forms import attach
from portal.htmx import redirect_after_post, render
from portal.models import Role
from portal.store.writes import CORPORATE_NUMBER_TAKEN
from portal.mypage import (  # noqa: F401  (these modules add their routes to bp)
    connection_views, forms, linking_views, records, review_views)
from portal.mypage.regions import (REGIONS, Editor, bp, current_business, edit_page, index_context, saved_message,
                                   show_region, submit)

__all__ = ["bp"]

HISTORY_PAGE_SIZE = 50


@bp.get("/")
def index():
    session = get_session()
    business = store.business_for_user(session, current_user)
    if business is None:
        return render("mypage/register.html", form=forms.RegisterBusinessForm(),
                      can_register=current_user.role is Role.BUSINESS)
    block = htmx.target if htmx.target in REGIONS else None
    return render("mypage/index.html", block=block, **index_context(session, business))


@bp.post("/register")
def register():
    session = get_session()
    form = forms.RegisterBusinessForm()
    if form.validate_on_submit():
        try:
            store.create_business(session, current_user, form.kind.data, form.corporate_number.data, form.name.data)
        except store.InvalidValues as error:
            session.rollback()
            attach(form, error.errors)
            taken = error.errors.get("corporate_number") == CORPORATE_NUMBER_TAKEN
            return render("mypage/register.html", form=form, can_register=True, taken=taken, http_status=422)
        else:
            session.commit()
            flash("事業データを登録しました。続けて基本情報や決算の数字を入力してください。", "success")
            return redirect_after_post("mypage.index")
    return render("mypage/register.html", form=form, can_register=True, http_status=422)


def basic_editor() -> Editor:
    return Editor("basic", "basic", "基本情報の編集", url_for("mypage.save_basic"), url_for("mypage.index", _anchor="basic"))


@bp.get("/basic/edit")
def edit_basic():
    business = current_business(get_session())
    return edit_page(basic_editor(), forms.section_form("basic", store.form_values("basic", business)))


@bp.post("/basic")
def save_basic():
    def write(session: Session, values: dict[str, str]):
        return store.update_fields(session, current_business(session), "basic", None, values, store.MANUAL,
                                   current_user)

    def saved(changes, notes):
        message = "基本情報を保存しました。" if changes else "変更はありませんでした。"
        return show_region("basic", saved_message(message, notes), url_for("mypage.index", _anchor="basic"))

    return submit(basic_editor(), write, saved)


@bp.get("/history")
def history():
    session = get_session()
    business = current_business(session)
    section = request.args.get("section") or None
    section = section if section in store.SECTIONS else None
    page = page_arg(request.args)
    total = store.count_history(session, business, section)
    lines = store.history(session, business, section, limit=HISTORY_PAGE_SIZE,
                          offset=(page - 1) * HISTORY_PAGE_SIZE)
    return render("mypage/history.html", lines=lines, section=section, page=page,
                  has_next=page * HISTORY_PAGE_SIZE < total, total=total, sections=store.SECTIONS)
