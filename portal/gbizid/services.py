"""GビズID log-in, linking and what the account type allows. Services flush; views commit.

First log-in of an account (decided in `login`):

- プライム: a new 事業者 user; its business is created from the claims with 基本情報 pre-filled
  (source 「GビズID」) — or, when a business with the same 法人番号 is already registered, the user
  joins it as its 管理者.
- メンバー: a new user who joins the business with the same 法人番号. When there is none yet, the
  log-in is refused and the message says that the company's プライム account must log in first:
  a メンバー speaks for the company only through its プライム, so it never creates the business.
  A 個人事業主's メンバー has no 法人番号 to find the business by, so it is refused as well.
- エントリー: a new user, and a business from the claims when its 法人番号 is not yet registered.
  An エントリー account is not checked by GビズID, so it never joins an existing business, and it
  may not share data through the once-only API (`can_share_via_api`).

A GビズID account whose e-mail already belongs to a local account is not merged silently: the
person logs in with the password and links GビズID from アカウント設定 (`link`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, store
from portal.accounts.services import find_user, record_event
from portal.errors import DomainError
from portal.gbizid.claims import GbizClaims
from portal.models import Business, ExternalIdentity, MemberRole, Role, User
from portal.store.sections import SECTIONS
from portal.store.values import FieldProblem

SOURCE = "gbizid"
store.register_source_label(SOURCE, "GビズID")


class GbizRefused(DomainError):
    """GビズID log-in or linking is not possible; the message tells the person what to do."""


@dataclass(frozen=True)
class Outcome:
    user: User
    new_user: bool
    note: str = ""


# --- reading ----------------------------------------------------------------------------------

def find_identity(session: Session, issuer: str, subject: str) -> ExternalIdentity | None:
    return session.scalar(select(ExternalIdentity).where(ExternalIdentity.issuer == issuer,
                                                         ExternalIdentity.subject == subject))


def identity_of(session: Session, user: User) -> ExternalIdentity | None:
    """The GビズID account linked to `user`, if any (the most recently linked when several issuers)."""
    if not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    return session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)
                          .order_by(ExternalIdentity.linked_at.desc(), ExternalIdentity.id.desc()).limit(1))


def account_type_of(session: Session, user: User) -> str | None:
    """'prime', 'member' or 'entry' for a user who logs in with GビズID; None for a local account."""
    identity = identity_of(session, user)
    return identity.account_type if identity else None


def can_share_via_api(session: Session, user: User) -> bool:
    """False for a GビズIDエントリー account: its identity was not checked, so the once-only API must not
    hand its business data to application sites. Local accounts and プライム/メンバー may share."""
    return account_type_of(session, user) != "entry"


# --- log-in -----------------------------------------------------------------------------------

def login(session: Session, issuer: str, claims: GbizClaims, ip: str | None) -> Outcome:
    identity = find_identity(session, issuer, claims.subject)
    now = clock.now()
    if identity is not None:
        user = session.get(User, identity.user_id)
        if not user.active:
            record_event(session, "gbizid_login_failed", user, user.email, ip, "account disabled")
            raise GbizRefused("このアカウントは利用停止中です。運営事務局にお問い合わせください。")
        _remember(identity, claims)
        identity.last_login_at = user.last_login_at = now
        record_event(session, "gbizid_login", user, user.email, ip, claims.account_label)
        return Outcome(user, new_user=False)

    joining = _member_business(session, claims) if claims.account_type == "member" else None
    if find_user(session, claims.email) is not None:
        raise GbizRefused("このメールアドレスのアカウントが既にあります。メールアドレスとパスワードでログインしてから、"
                          "アカウント設定の「GビズIDと連携」で連携してください。")
    # terms_version "": an account made here has agreed to nothing yet; the next page asks (portal/site/terms.py).
    user = User(email=claims.email, password_hash=None, role=Role.BUSINESS, display_name=claims.person_name[:100],
                email_confirmed_at=now, last_login_at=now, terms_version="")
    session.add(user)
    session.flush()
    identity = ExternalIdentity(user_id=user.id, issuer=issuer, subject=claims.subject, linked_at=now,
                                last_login_at=now)
    _remember(identity, claims)
    session.add(identity)
    if joining is not None:
        store.add_member(session, joining, user, MemberRole.MEMBER)
        note = f"{joining.name}の事業データを、同じ会社のメンバーとして共有します。"
    else:
        note = _business_from_claims(session, user, claims)
    record_event(session, "gbizid_login", user, user.email, ip, f"{claims.account_label} (first log-in)")
    session.flush()
    return Outcome(user, new_user=True, note=note)


def _member_business(session: Session, claims: GbizClaims) -> Business:
    if claims.corporate_number is None:
        raise GbizRefused("個人事業主のGビズIDメンバーは、どの事業者のメンバーかをポータルで確かめられないため、"
                          "このアカウントではログインできません。事業主ご本人のGビズIDプライムでログインしてください。")
    business = _business_with_number(session, claims.corporate_number)
    if business is None:
        raise GbizRefused(f"{claims.business_name}（法人番号 {claims.corporate_number}）の事業データがまだありません。"
                          "先に、同じ会社のGビズIDプライムのアカウントで一度ログインしてください。"
                          "そのあと、メンバーのアカウントでログインすると事業データを共有できます。")
    return business


def _business_with_number(session: Session, number: str | None) -> Business | None:
    if number is None:
        return None
    return session.scalar(select(Business).where(Business.corporate_number == number))


def _remember(identity: ExternalIdentity, claims: GbizClaims) -> None:
    identity.account_type = claims.account_type
    identity.corp_type = claims.corp_type
    identity.corporate_number = claims.corporate_number


def _business_from_claims(session: Session, user: User, claims: GbizClaims) -> str:
    """Creates or joins the business a プライム or エントリー account speaks for; returns what happened."""
    existing = _business_with_number(session, claims.corporate_number)
    if existing is not None:
        if claims.account_type == "entry":
            return ("この法人番号の事業データは既に登録されています。GビズIDエントリーのアカウントでは参加できません。"
                    "GビズIDプライムまたはメンバーのアカウントでログインしてください。")
        role = MemberRole.OWNER if claims.account_type == "prime" else MemberRole.MEMBER
        store.add_member(session, existing, user, role)
        return f"登録済みの{existing.name}の事業データに参加しました。"
    try:
        business = store.create_business(session, user, claims.corp_type, claims.corporate_number,
                                         claims.business_name[:200], source=SOURCE)
    except store.InvalidValues as error:
        raise GbizRefused("GビズIDの事業者情報から事業データを作れませんでした。"
                          "マイページから事業データを登録してください。") from error
    values = _storable(claims.basic_values())
    if values:
        store.update_fields(session, business, "basic", None, values, SOURCE, user)
    return f"GビズIDの登録内容から{business.name}の事業データを作りました。基本情報を確かめてください。"


def _storable(values: dict[str, str]) -> dict[str, str]:
    """The claims the store accepts; one odd claim (an unknown prefecture name) must not lose the rest."""
    section = SECTIONS["basic"]
    kept = {}
    for name, value in values.items():
        try:
            section.spec(name).clean(value)
        except FieldProblem:
            continue
        kept[name] = value
    return kept


# --- linking a local account ------------------------------------------------------------------

def link(session: Session, user: User, issuer: str, claims: GbizClaims, ip: str | None) -> str:
    """Links `user` to the GビズID account; returns a note on the business when it changed."""
    if user.role is not Role.BUSINESS:
        raise GbizRefused("GビズIDと連携できるのは事業者のアカウントです。")
    existing = find_identity(session, issuer, claims.subject)
    if existing is not None and existing.user_id != user.id:
        raise GbizRefused("このGビズIDは既に別のアカウントと連携されています。そのアカウントで連携を解除してから、"
                          "もう一度お試しください。")
    if existing is not None:
        return "このGビズIDとは既に連携しています。"
    current = identity_of(session, user)
    if current is not None:
        raise GbizRefused("このアカウントは既に別のGビズIDと連携しています。連携を解除してから、もう一度お試しください。")
    now = clock.now()
    identity = ExternalIdentity(user_id=user.id, issuer=issuer, subject=claims.subject, linked_at=now)
    _remember(identity, claims)
    session.add(identity)
    note = ""
    if store.membership(session, user) is None:
        if claims.account_type == "member":
            business = _business_with_number(session, claims.corporate_number)
            if business is not None:
                store.add_member(session, business, user, MemberRole.MEMBER)
                note = f"{business.name}の事業データを、同じ会社のメンバーとして共有します。"
        else:
            note = _business_from_claims(session, user, claims)
    record_event(session, "gbizid_linked", user, user.email, ip, claims.account_label)
    session.flush()
    return note


def unlink(session: Session, user: User, ip: str | None) -> None:
    identity = identity_of(session, user)
    if identity is None:
        raise GbizRefused("GビズIDとは連携していません。")
    if not user.password_hash:
        raise GbizRefused("このアカウントにはパスワードがないため、連携を解除するとログインできなくなります。"
                          "先に「パスワードを忘れた方」からパスワードを設定してください。")
    session.delete(identity)
    record_event(session, "gbizid_unlinked", user, user.email, ip, identity.issuer[:200])
    session.flush()
