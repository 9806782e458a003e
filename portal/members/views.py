"""会社のメンバー: the members page of マイページ (members, open invitations, the invite form, removing,
passing on 管理者, the log of these steps), the page an invitation's link opens, and the public guide
to how it works.

`/mypage/members…` refuses visitors and finds the business through the logged-in user (no business
id in any URL: a member or invitation id of another business is a 404). `/members/join/<token>` is
the e-mailed link: anyone holding it may look at what it invites to, but only the invited account,
logged in, can accept it, with a POST. `/members/guide` explains the whole thing to anyone.
"""

from __future__ import annotations

import logging
import smtplib

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField

from portal import clock
from portal.access import refuse_visitors
from portal.db import get_session
from portal.forms import attach
from portal.htmx import redirect_after_post, render
from portal.mail import send_template
from portal.members import invitations
from portal.members.invitations import INVITATION_DAYS, MemberError
from portal.models import MemberRole
from portal.store import business_for_user, membership, require_business

log = logging.getLogger(__name__)

bp = Blueprint("members", __name__, url_prefix="/mypage/members")
bp.before_request(refuse_visitors)
joining = Blueprint("joining", __name__, url_prefix="/members")


class InviteForm(FlaskForm):
    email = EmailField("招待する方のメールアドレス", render_kw={"autocomplete": "off", "inputmode": "email"},
                       description=f"この方に招待のメールを送ります。リンクの有効期限は{INVITATION_DAYS}日間で、一度だけ使えます。")


def _page(form: InviteForm | None = None, status: int = 200):
    session = get_session()
    business = require_business(session, current_user)
    own = membership(session, current_user)
    return render("members/index.html", http_status=status, business=business, own=own,
                  is_owner=own.role is MemberRole.OWNER, members=invitations.members_of(session, business),
                  pending=invitations.open_invitations(session, business), form=form or InviteForm(),
                  events=invitations.events_of(session, business), labels=invitations.MEMBER_EVENTS)


@bp.get("/")
def index():
    return _page()


def _send(invitation, business) -> bool:
    """The invitation mail, after the invitation is committed; False (logged) when it could not go."""
    link = url_for("joining.join", token=invitations.token_for(invitation), _external=True)
    try:
        send_template(invitation.email, f"【{business.name}】事業データのメンバーへの招待", "mail/member_invitation.txt",
                      business=business, inviter=current_user, link=link, days=INVITATION_DAYS,
                      expires=invitation.expires_at)
    except (OSError, smtplib.SMTPException):
        log.exception("invitation %s could not be mailed", invitation.id)
        return False
    return True


@bp.post("/invite")
def invite():
    session = get_session()
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        invitation, replaced = invitations.invite(session, current_user, form.email.data)
    except MemberError as refusal:
        session.rollback()
        attach(form, {refusal.field or "email": refusal.message})
        return _page(form, 422)
    session.commit()
    business = require_business(session, current_user)
    if _send(invitation, business):
        note = "前に送った招待のリンクは使えなくなりました。" if replaced else ""
        flash(f"{invitation.email} に招待のメールを送りました（{INVITATION_DAYS}日間有効）。{note}", "success")
    else:
        flash(f"{invitation.email} への招待は作りましたが、メールを送れませんでした。時間をおいて、もう一度招待してください。", "error")
    return redirect_after_post("members.index")


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke(invitation_id: int):
    session = get_session()
    invitation = invitations.revoke(session, current_user, invitation_id)
    session.commit()
    flash(f"{invitation.email} への招待を取り消しました。送ったリンクはもう使えません。", "success")
    return redirect_after_post("members.index")


@bp.post("/<int:member_id>/remove")
def remove(member_id: int):
    session = get_session()
    try:
        user = invitations.remove(session, current_user, member_id)
    except MemberError as refusal:
        session.rollback()
        flash(refusal.message, "error")
        return redirect_after_post("members.index")
    session.commit()
    flash(f"{user.name_for_display}さんをメンバーから外しました。次の操作から、この事業データは見えなくなります。", "success")
    return redirect_after_post("members.index")


@bp.route("/<int:member_id>/owner", methods=["GET", "POST"])
def pass_owner(member_id: int):
    session = get_session()
    business, _own = invitations.require_owner(session, current_user)
    member, user = invitations.member_of(session, business, member_id)
    if request.method == "POST":
        try:
            invitations.pass_owner(session, current_user, member_id)
        except MemberError as refusal:
            session.rollback()
            flash(refusal.message, "error")
            return redirect_after_post("members.index")
        session.commit()
        flash(f"{user.name_for_display}さんに管理者を引き継ぎました。あなたはメンバーになりました。", "success")
        return redirect_after_post("members.index")
    return render("members/pass_owner.html", business=business, member=member, user=user)


# --- the link in the mail, and the guide --------------------------------------------------------------

@joining.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    session = get_session()
    try:
        opened = invitations.read_invitation(session, token)
    except MemberError as refusal:
        return render("members/join.html", http_status=410, problem=refusal.message, opened=None)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("accounts.login", next=request.path), code=303)
        return render("members/join.html", opened=opened, problem=None, login_next=request.path)
    reason = invitations.why_not_join(session, opened, current_user)
    if request.method == "POST" and reason is None:
        try:
            business = invitations.accept(session, token, current_user)
        except MemberError as refusal:
            session.rollback()
            return render("members/join.html", http_status=409, problem=refusal.message, opened=None)
        session.commit()
        flash(f"「{business.name}」のメンバーになりました。事業データを一緒に使えます。", "success")
        return redirect_after_post("mypage.index")
    return render("members/join.html", http_status=200 if reason is None else 409, opened=opened,
                  problem=reason, now=clock.now())


@joining.get("/guide")
def guide():
    joined = business_for_user(get_session(), current_user) if current_user.is_authenticated else None
    return render("members/guide.html", joined=joined, days=INVITATION_DAYS)
