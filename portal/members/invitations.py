"""Who shares a business, and how one more person joins: the use cases of 会社のメンバー.

The 管理者 (the business's first registrant, or a GビズIDプライム account of the company) invites
someone by e-mail. The link in the mail is signed and names the invitation; it works for
`INVITATION_DAYS` days, only for an account with the invited address, and once: accepting claims
the invitation with one UPDATE that matches only an open invitation, so of two requests racing
with the same link exactly one gets it (the other is told the link was used). A 管理者 also
withdraws invitations, removes members — the next request of a removed member finds no business,
since every page looks the membership up anew — and passes 管理者 on to a member.

Every step is written to the audit log (`AuditEvent`, detail `business=<id> …`, the e-mail concerned
in `email`), which the members page lists. All of it is scoped by the business of the acting
user: an invitation or a member of another business is simply not found. Nothing here commits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts.services import EVENT_LABELS, record_event
from portal.accounts.tokens import ClockSigner
from portal.errors import DomainError, Forbidden, NotFound
from portal.models import AuditEvent, Business, BusinessInvitation, BusinessMember, MemberRole, Role, User
from portal.store import add_member, business_for_user, membership

INVITATION_DAYS = 7
MAX_OPEN_INVITATIONS = 20
PURPOSE = "business-invitation"
MEMBER_EVENTS = {
    "member_invited": "メンバーの招待", "member_invitation_revoked": "招待の取り消し",
    "member_joined": "招待による参加", "member_removed": "メンバーから外す", "owner_passed": "管理者の引き継ぎ",
}
EVENT_LABELS.update(MEMBER_EVENTS)  # the account page names them too
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


class MemberError(DomainError):
    """A request about members that cannot be done; the message says why, `field` where."""


@dataclass(frozen=True)
class Opened:
    """An invitation read from its link: the row, the business and who sent it."""

    invitation: BusinessInvitation
    business: Business
    inviter: User | None


# --- who may do what ------------------------------------------------------------------------------

def require_owner(session: Session, user: User) -> tuple[Business, BusinessMember]:
    """The business of `user` and their membership, when they are its 管理者; Forbidden otherwise."""
    business = business_for_user(session, user)
    if business is None:
        raise NotFound("事業データがまだ登録されていません。")
    own = membership(session, user)
    if own.role is not MemberRole.OWNER:
        raise Forbidden("メンバーの招待・削除と管理者の引き継ぎは、この会社の管理者だけができます。")
    return business, own


def _event(session: Session, event: str, user: User, business: Business, email: str | None, detail: str = "") -> None:
    record_event(session, event, user, email=email, detail=f"business={business.id} {detail}".strip())


def events_of(session: Session, business: Business, limit: int = 30) -> list[tuple[AuditEvent, User | None]]:
    """The business's member events, newest first, each with who did it."""
    rows = session.execute(select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.user_id).where(
        AuditEvent.event.in_(MEMBER_EVENTS), AuditEvent.detail.startswith(f"business={business.id} ")
        | (AuditEvent.detail == f"business={business.id}"))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [(event, user) for event, user in rows]


# --- invitations ----------------------------------------------------------------------------------

def normalise_email(text: str | None) -> str:
    email = unicodedata.normalize("NFKC", text or "").strip().lower()
    if not email:
        raise MemberError("招待する方のメールアドレスを入力してください。", "email")
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise MemberError("メールアドレスの形式が正しくありません（例：sato@example.jp、254文字まで）。", "email")
    return email


def open_invitations(session: Session, business: Business) -> list[BusinessInvitation]:
    now = clock.now()
    return list(session.scalars(select(BusinessInvitation).where(
        BusinessInvitation.business_id == business.id, BusinessInvitation.accepted_at.is_(None),
        BusinessInvitation.revoked_at.is_(None), BusinessInvitation.expires_at > now)
        .order_by(BusinessInvitation.created_at.desc(), BusinessInvitation.id.desc())))


def invite(session: Session, owner: User, email_text: str) -> tuple[BusinessInvitation, bool]:
    """A new invitation from the 管理者 `owner` to `email_text`, and whether it replaced an open one
    to the same address (which stops working). The caller sends the mail once it has committed."""
    business, _own = require_owner(session, owner)
    email = normalise_email(email_text)
    member_emails = session.scalars(select(User.email).join(BusinessMember, BusinessMember.user_id == User.id)
                                    .where(BusinessMember.business_id == business.id))
    if email in set(member_emails):
        raise MemberError("このメールアドレスの方は、既にこの会社のメンバーです。", "email")
    now = clock.now()
    pending = open_invitations(session, business)
    replaced = [row for row in pending if row.email == email]
    if len(pending) - len(replaced) >= MAX_OPEN_INVITATIONS:
        raise MemberError(f"まだ使われていない招待が{MAX_OPEN_INVITATIONS}件あります。使われていない招待を取り消してから、"
                          "もう一度招待してください。", "email")
    for row in replaced:
        row.revoked_at = now
    invitation = BusinessInvitation(business_id=business.id, email=email, role=MemberRole.MEMBER,
                                    invited_by_id=owner.id, created_at=now,
                                    expires_at=now + timedelta(days=INVITATION_DAYS))
    session.add(invitation)
    session.flush()
    _event(session, "member_invited", owner, business, email, f"invitation={invitation.id}")
    return invitation, bool(replaced)


def revoke(session: Session, owner: User, invitation_id: int) -> BusinessInvitation:
    business, _own = require_owner(session, owner)
    invitation = session.scalar(select(BusinessInvitation).where(BusinessInvitation.id == invitation_id,
                                                                 BusinessInvitation.business_id == business.id))
    if invitation is None or not invitation.is_open(clock.now()):
        raise NotFound("その招待は見つからないか、既に使われたか取り消されています。")
    invitation.revoked_at = clock.now()
    _event(session, "member_invitation_revoked", owner, business, invitation.email, f"invitation={invitation.id}")
    session.flush()
    return invitation


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PURPOSE, signer=ClockSigner)


def token_for(invitation: BusinessInvitation) -> str:
    return _serializer().dumps({"i": invitation.id, "e": invitation.email})


def read_invitation(session: Session, token: str) -> Opened:
    """The invitation a link names, while it still works; MemberError saying why not otherwise."""
    try:
        payload = _serializer().loads(token, max_age=INVITATION_DAYS * 24 * 3600)
    except SignatureExpired:
        raise MemberError(f"この招待の有効期限（{INVITATION_DAYS}日間）が過ぎています。会社の管理者に、もう一度招待してもらってください。") from None
    except BadSignature:
        raise MemberError("招待のリンクが正しくありません。メールに書かれたURLをそのまま開いてください。") from None
    invitation = session.get(BusinessInvitation, payload.get("i")) if isinstance(payload, dict) else None
    if invitation is None or invitation.email != payload.get("e"):
        raise MemberError("この招待は見つかりません。会社の管理者に確かめてください。")
    now = clock.now()
    if invitation.accepted_at is not None:
        raise MemberError("この招待のリンクは既に使われています。招待のリンクは一度だけ使えます。")
    if invitation.revoked_at is not None:
        raise MemberError("この招待は、会社の管理者が取り消しました。必要なら、もう一度招待してもらってください。")
    if now >= invitation.expires_at:
        raise MemberError(f"この招待の有効期限（{INVITATION_DAYS}日間）が過ぎています。会社の管理者に、もう一度招待してもらってください。")
    return Opened(invitation, session.get(Business, invitation.business_id),
                  session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None)


def why_not_join(session: Session, opened: Opened, user: User) -> str | None:
    """Why `user` cannot accept this invitation (None when they can)."""
    if user.role is not Role.BUSINESS:
        return f"{user.role.label}のアカウントでは、事業者の会社に参加できません。事業者のアカウントでログインしてください。"
    if user.email != opened.invitation.email:
        return (f"この招待は {opened.invitation.email} あてです。いまは {user.email} でログインしています。"
                "招待されたメールアドレスのアカウントでログインし直してください（まだなら新規登録してください）。")
    own = business_for_user(session, user)
    if own is not None and own.id == opened.business.id:
        return "このアカウントは、既にこの会社のメンバーです。"
    if own is not None:
        return (f"このアカウントは既に「{own.name}」の事業データを使っています。一つのアカウントが使える事業データは一つです。"
                "別のアカウントで参加してください。")
    return None


def accept(session: Session, token: str, user: User) -> Business:
    """`user` joins the business of the invitation as a メンバー. The claim is one UPDATE that only
    matches an open invitation, so a link works once even when two requests race."""
    opened = read_invitation(session, token)
    if (reason := why_not_join(session, opened, user)) is not None:
        raise MemberError(reason)
    now = clock.now()
    claimed = session.execute(update(BusinessInvitation).where(
        BusinessInvitation.id == opened.invitation.id, BusinessInvitation.accepted_at.is_(None),
        BusinessInvitation.revoked_at.is_(None), BusinessInvitation.expires_at > now)
        .values(accepted_at=now, accepted_by_id=user.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise MemberError("この招待のリンクは既に使われています。招待のリンクは一度だけ使えます。")
    add_member(session, opened.business, user, opened.invitation.role)
    _event(session, "member_joined", user, opened.business, user.email, f"invitation={opened.invitation.id}")
    session.flush()
    return opened.business


# --- members ----------------------------------------------------------------------------------------

def members_of(session: Session, business: Business) -> list[tuple[BusinessMember, User]]:
    rows = session.execute(select(BusinessMember, User).join(User, User.id == BusinessMember.user_id)
                           .where(BusinessMember.business_id == business.id)
                           .order_by(BusinessMember.role.desc(), BusinessMember.id))
    return [(member, user) for member, user in rows]


def member_of(session: Session, business: Business, member_id: int) -> tuple[BusinessMember, User]:
    row = session.execute(select(BusinessMember, User).join(User, User.id == BusinessMember.user_id).where(
        BusinessMember.id == member_id, BusinessMember.business_id == business.id)).first()
    if row is None:
        raise NotFound("そのメンバーは見つかりません。")
    return row[0], row[1]


def remove(session: Session, owner: User, member_id: int) -> User:
    """Takes a member out of the 管理者's business; from their next request they see none of it."""
    business, own = require_owner(session, owner)
    member, user = member_of(session, business, member_id)
    if member.id == own.id:
        raise MemberError("自分自身は外せません。ほかの方に管理者を引き継いでから、その方に外してもらってください。")
    session.delete(member)
    _event(session, "member_removed", owner, business, user.email, f"member={user.id}")
    session.flush()
    return user


def pass_owner(session: Session, owner: User, member_id: int) -> User:
    """Makes a member the business's 管理者; the one passing it on becomes a メンバー."""
    business, own = require_owner(session, owner)
    member, user = member_of(session, business, member_id)
    if member.id == own.id:
        raise MemberError("自分自身には引き継げません。引き継ぐ相手を選んでください。")
    member.role, own.role = MemberRole.OWNER, MemberRole.MEMBER
    _event(session, "owner_passed", owner, business, user.email, f"member={user.id}")
    session.flush()
    return user
