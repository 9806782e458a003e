"""Own your data: everything the portal holds about a person and their business in one archive, and
deleting the account.

The archive is a zip with one JSON file and one CSV file per section (`account`, `login_history`,
`business_periods`…) and a README. Sections are the portal's own tables, read whole for the rows that
belong to the person or their business; secrets are left out (password hashes, stored connector
credentials, token and session hashes), since they are no use outside the portal and would only
make the file dangerous to keep.

Deleting an account: a business with other members stays (the person's membership goes, and the
role of 管理者 passes to the longest-standing member when the person held it); the last member's
deletion deletes the business with all its data, after revoking every consent of the once-only API
(tokens and codes too) and clearing every connector's stored credentials, so that nothing a third
party holds keeps working. The person's own rows (sessions, マイリスト, notifications, push
subscriptions, GビズID link, the API tokens issued on their authorization) go with the account; the
log-in records stay, without the e-mail address, as the privacy policy says.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts.services import record_event
from portal.models import (
    AgencyMember,
    ApplicationHistory,
    AuditEvent,
    BenchmarkReport,
    Business,
    BusinessAgencyLink,
    BusinessInterest,
    BusinessInvitation,
    BusinessMember,
    Connection,
    ConnectionState,
    Event,
    ExternalIdentity,
    FinancialPeriod,
    Inquiry,
    LoginSession,
    MemberRole,
    Notification,
    NotificationSettings,
    OAuthAccessLog,
    OAuthClient,
    OAuthConsent,
    Office,
    Officer,
    ProposedChange,
    PushSubscription,
    SavedItem,
    SavedSearch,
    Shareholder,
    SupportAgency,
    SyncRun,
    User,
    ValueChange,
    ValueSource,
)
from portal.oauth.services import revoke_tokens

#: Columns never written to the archive: secrets that are of no use outside the portal.
SECRET_COLUMNS = {"password_hash", "credentials", "key_hash", "access_token_hash", "refresh_token_hash",
                  "code_hash", "p256dh", "auth", "calendar_token", "token_hash"}


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    rows: Callable[[Session, User, Business | None], list]


def _where(model, column: str, value):
    return select(model).where(getattr(model, column) == value).order_by(*model.__table__.primary_key.columns)


def _person(model, column: str = "user_id"):
    return lambda session, user, _business: list(session.scalars(_where(model, column, user.id)))


def _business(model, column: str = "business_id"):
    def rows(session, _user, business):
        return [] if business is None else list(session.scalars(_where(model, column, business.id)))
    return rows


def _sync_runs(session, _user, business):
    if business is None:
        return []
    return list(session.scalars(select(SyncRun).join(Connection, Connection.id == SyncRun.connection_id)
                                .where(Connection.business_id == business.id).order_by(SyncRun.id)))


def _members(session, _user, business):
    if business is None:
        return []
    rows = session.execute(select(BusinessMember.role, BusinessMember.created_at, User.email, User.display_name)
                           .join(User, User.id == BusinessMember.user_id)
                           .where(BusinessMember.business_id == business.id).order_by(BusinessMember.id))
    return [{"role": role, "joined_at": at, "email": email, "display_name": name} for role, at, email, name in rows]


def _consents(session, _user, business):
    if business is None:
        return []
    rows = session.execute(select(OAuthConsent, OAuthClient.name).join(OAuthClient, OAuthClient.id == OAuthConsent.client_id)
                           .where(OAuthConsent.business_id == business.id).order_by(OAuthConsent.id))
    return [{**_plain(consent), "application_site": name} for consent, name in rows]


def _agencies(session, user, _business):
    rows = session.execute(select(SupportAgency.name, SupportAgency.certification_number, AgencyMember.created_at)
                           .join(AgencyMember, AgencyMember.agency_id == SupportAgency.id)
                           .where(AgencyMember.user_id == user.id))
    return [{"agency": name, "certification_number": number, "joined_at": at} for name, number, at in rows]


SECTIONS: tuple[Section, ...] = (
    Section("account", "アカウント", lambda session, user, _b: [user]),
    Section("login_history", "ログインなどの記録", _person(AuditEvent)),
    Section("login_sessions", "ログインした端末", _person(LoginSession)),
    Section("external_identities", "GビズIDとの連携", _person(ExternalIdentity)),
    Section("saved_items", "マイリストに保存した支援制度・事例", _person(SavedItem)),
    Section("saved_searches", "保存した検索条件", _person(SavedSearch)),
    Section("notifications", "通知", _person(Notification)),
    Section("notification_settings", "通知の設定", _person(NotificationSettings)),
    Section("push_subscriptions", "プッシュ通知の宛先", _person(PushSubscription)),
    Section("events", "閲覧の記録", _person(Event)),
    Section("inquiries", "お問い合わせ", _person(Inquiry)),
    Section("agency_memberships", "所属する支援機関（支援者）", _agencies),
    Section("business", "事業者の基本情報", lambda _s, _u, business: [] if business is None else [business]),
    Section("business_members", "事業者のメンバー", _members),
    Section("business_periods", "財務情報（決算期ごと）", _business(FinancialPeriod)),
    Section("business_shareholders", "株主", _business(Shareholder)),
    Section("business_officers", "役員", _business(Officer)),
    Section("business_offices", "事業所", _business(Office)),
    Section("business_value_sources", "値ごとの出所", _business(ValueSource)),
    Section("business_value_history", "値の変更履歴", _business(ValueChange)),
    Section("application_history", "申請履歴", _business(ApplicationHistory)),
    Section("agency_links", "連携している支援機関", _business(BusinessAgencyLink)),
    Section("interests", "関心のある分野", _business(BusinessInterest)),
    Section("invitations", "メンバーへの招待", _business(BusinessInvitation)),
    Section("benchmark_reports", "経営カルテ", _business(BenchmarkReport)),
    Section("connections", "外部サービスとの連携（認証情報は含みません）", _business(Connection)),
    Section("sync_runs", "外部サービスからの取り込みの記録", _sync_runs),
    Section("proposed_changes", "外部サービスからの変更の提案", _business(ProposedChange)),
    Section("oauth_consents", "申請サイトへの同意（ワンスオンリーAPI）", _consents),
    Section("oauth_access_log", "申請サイトによる読み取りの記録", _business(OAuthAccessLog)),
)


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return None
    return value


def _plain(row) -> dict:
    if isinstance(row, dict):
        return {key: _value(value) for key, value in row.items()}
    return {column.key: _value(getattr(row, column.key)) for column in row.__mapper__.column_attrs
            if column.key not in SECRET_COLUMNS}


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    names = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                         for key, value in row.items()})
    return "\ufeff" + out.getvalue()  # a BOM, so that Excel reads the Japanese as UTF-8


def business_of(session: Session, user: User) -> Business | None:
    return session.scalar(select(Business).join(BusinessMember, BusinessMember.business_id == Business.id)
                          .where(BusinessMember.user_id == user.id))


def collect(session: Session, user: User) -> dict[str, list[dict]]:
    business = business_of(session, user)
    return {section.name: [_plain(row) for row in section.rows(session, user, business)] for section in SECTIONS}


def archive(session: Session, user: User, site_name: str) -> bytes:
    """The zip: README.txt, then `<section>.json` and `<section>.csv` for every section."""
    data = collect(session, user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        lines = [f"{site_name}が保存している、あなたと事業者のデータ（{clock.now_jst():%Y年%m月%d日 %H:%M} 現在）", "",
                 "各項目を JSON（<項目>.json）と CSV（<項目>.csv、Excel で開ける UTF-8）で収めています。",
                 "パスワード、外部サービスの認証情報、トークンなどの秘密の値は含みません。", ""]
        lines += [f"{section.name}: {section.title}（{len(data[section.name])}件）" for section in SECTIONS]
        zipped.writestr("README.txt", "\r\n".join(lines) + "\r\n")
        for section in SECTIONS:
            rows = data[section.name]
            zipped.writestr(f"{section.name}.json", json.dumps(rows, ensure_ascii=False, indent=2))
            zipped.writestr(f"{section.name}.csv", _csv(rows))
    return buffer.getvalue()


# --- deleting the account --------------------------------------------------------------------------

@dataclass(frozen=True)
class DeletionPlan:
    business: Business | None
    other_members: int

    @property
    def deletes_business(self) -> bool:
        return self.business is not None and self.other_members == 0


def plan(session: Session, user: User) -> DeletionPlan:
    business = business_of(session, user)
    others = 0 if business is None else session.scalar(
        select(func.count()).select_from(BusinessMember)
        .where(BusinessMember.business_id == business.id, BusinessMember.user_id != user.id)) or 0
    return DeletionPlan(business, others)


def _revoke_business_grants(session: Session, business: Business, at: datetime) -> int:
    """Every consent of the once-only API revoked (with its tokens and codes), every connector's
    credentials cleared: the count of consents revoked."""
    consents = list(session.scalars(select(OAuthConsent).where(OAuthConsent.business_id == business.id,
                                                               OAuthConsent.revoked_at.is_(None))))
    for consent in consents:
        consent.revoked_at = at
        revoke_tokens(session, consent, at)
    session.execute(update(Connection).where(Connection.business_id == business.id)
                    .values(credentials=None, state=ConnectionState.UNLINKED, updated_at=at))
    return len(consents)


def delete_account(session: Session, user: User, ip: str | None) -> DeletionPlan:
    """Deletes `user` (and their business when they are its last member); the caller commits."""
    from portal import store

    at = clock.now()
    decided = plan(session, user)
    business = decided.business
    if business is not None:
        if decided.deletes_business:
            revoked = _revoke_business_grants(session, business, at)
            record_event(session, "business_deleted", None, None, ip,
                         f"business={business.id} consents_revoked={revoked}")
            session.flush()
            store.delete_business(session, business)
        else:
            own = session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))
            if own.role is MemberRole.OWNER:
                heir = session.scalar(select(BusinessMember).where(BusinessMember.business_id == business.id,
                                                                   BusinessMember.id != own.id)
                                      .order_by(BusinessMember.created_at, BusinessMember.id))
                heir.role = MemberRole.OWNER
            record_event(session, "member_left", None, None, ip, f"business={business.id} member={user.id}")
    # The API tokens and codes issued on the person's authorization, their sessions, マイリスト, notifications,
    # push subscriptions and GビズID link go with the account row (ON DELETE CASCADE).
    session.execute(update(AuditEvent).where(AuditEvent.user_id == user.id).values(email=None))
    record_event(session, "account_deleted", None, None, ip, f"user={user.id}")
    session.flush()
    session.delete(user)
    session.flush()
    return decided
