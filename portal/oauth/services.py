"""Use cases of the once-only API: consents, their revocation, and the access log.

Services take a session and plain values and never commit; the views commit. Everything a
business sees is found through its own business, so a consent id of another business is simply
not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from portal import clock
from portal.errors import NotFound
from portal.models import (
    Business,
    OAuthAccessLog,
    OAuthAuthorizationCode,
    OAuthClient,
    OAuthConsent,
    OAuthToken,
    User,
)
from portal.oauth.scopes import join_scope, labels


def active_consent(session, business: Business, client: OAuthClient) -> OAuthConsent | None:
    return session.scalar(select(OAuthConsent).where(OAuthConsent.business_id == business.id,
                                                     OAuthConsent.client_id == client.id,
                                                     OAuthConsent.revoked_at.is_(None)))


def grant_consent(session, business: Business, client: OAuthClient, user: User, scopes: list[str]) -> OAuthConsent:
    """Records what the user allowed. A site that already had a consent gets it replaced by this
    one's sections, so unticking a section now also takes it away from tokens issued before."""
    now = clock.now()
    consent = active_consent(session, business, client)
    if consent is None:
        consent = OAuthConsent(business_id=business.id, client_id=client.id, granted_at=now)
        session.add(consent)
    consent.user_id, consent.scope, consent.updated_at = user.id, join_scope(scopes), now
    session.flush()
    return consent


def revoke_tokens(session, consent: OAuthConsent, at: datetime) -> None:
    session.execute(update(OAuthToken).where(OAuthToken.consent_id == consent.id,
                                             OAuthToken.access_revoked_at.is_(None)).values(access_revoked_at=at))
    session.execute(update(OAuthToken).where(OAuthToken.consent_id == consent.id,
                                             OAuthToken.refresh_revoked_at.is_(None)).values(refresh_revoked_at=at))
    session.execute(update(OAuthAuthorizationCode).where(OAuthAuthorizationCode.consent_id == consent.id,
                                                         OAuthAuthorizationCode.used_at.is_(None)).values(used_at=at))


def revoke_consent(session, business: Business, consent_id: int, user: User) -> OAuthConsent:
    """Ends a consent of `business`; its codes, access and refresh tokens stop working at once."""
    consent = session.scalar(select(OAuthConsent).where(OAuthConsent.id == consent_id,
                                                        OAuthConsent.business_id == business.id))
    if consent is None or consent.revoked_at is not None:
        raise NotFound("その連携は見つからないか、既に解除されています。")
    now = clock.now()
    consent.revoked_at, consent.revoked_by_id = now, user.id
    revoke_tokens(session, consent, now)
    session.flush()
    return consent


@dataclass(frozen=True)
class ConsentLine:
    consent: OAuthConsent
    client: OAuthClient
    given_by: str
    last_read_at: datetime | None

    @property
    def section_labels(self) -> list[str]:
        return labels(self.consent.scope)

    @property
    def active(self) -> bool:
        return self.consent.revoked_at is None


def consents(session, business: Business) -> list[ConsentLine]:
    """The business's consents: those in force first, then revoked ones, newest first."""
    last_read = (select(OAuthAccessLog.consent_id, func.max(OAuthAccessLog.at).label("at"))
                 .where(OAuthAccessLog.business_id == business.id).group_by(OAuthAccessLog.consent_id).subquery())
    rows = session.execute(
        select(OAuthConsent, OAuthClient, User.display_name, User.email, last_read.c.at)
        .join(OAuthClient, OAuthClient.id == OAuthConsent.client_id)
        .outerjoin(User, User.id == OAuthConsent.user_id)
        .outerjoin(last_read, last_read.c.consent_id == OAuthConsent.id)
        .where(OAuthConsent.business_id == business.id)
        .order_by(OAuthConsent.revoked_at.is_not(None), OAuthConsent.updated_at.desc(), OAuthConsent.id.desc()))
    return [ConsentLine(consent, client, name or email or "", at) for consent, client, name, email, at in rows]


def log_access(session, client_id: int, consent_id: int, user_id: int, business_id: int, endpoint: str,
               sections: list[str]) -> OAuthAccessLog:
    entry = OAuthAccessLog(client_id=client_id, consent_id=consent_id, user_id=user_id, business_id=business_id,
                           endpoint=endpoint, sections=sections, at=clock.now())
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AccessLine:
    at: datetime
    client_name: str
    endpoint: str
    section_labels: list[str]
    user_name: str


def count_access(session, business: Business) -> int:
    return session.scalar(select(func.count(OAuthAccessLog.id)).where(OAuthAccessLog.business_id == business.id)) or 0


def access_log(session, business: Business, limit: int = 50, offset: int = 0) -> list[AccessLine]:
    """Reads of the business's data through the API, newest first."""
    rows = session.execute(
        select(OAuthAccessLog, OAuthClient.name, User.display_name, User.email)
        .join(OAuthClient, OAuthClient.id == OAuthAccessLog.client_id)
        .outerjoin(User, User.id == OAuthAccessLog.user_id)
        .where(OAuthAccessLog.business_id == business.id)
        .order_by(OAuthAccessLog.at.desc(), OAuthAccessLog.id.desc()).limit(limit).offset(offset))
    return [AccessLine(entry.at, client_name, entry.endpoint, labels(entry.sections), name or email or "")
            for entry, client_name, name, email in rows]
