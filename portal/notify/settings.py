"""A user's notification settings: the digest frequency and the private calendar link.

Users without a settings row get the defaults (a weekly digest, no calendar link), so nothing is
written for the many who never open the page.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.db import insert_ignoring_conflict
from portal.errors import DomainError
from portal.models import EmailFrequency, NotificationSettings, User

DEFAULT_FREQUENCY = EmailFrequency.WEEKLY
UNSUBSCRIBE_SALT = "notify-unsubscribe"


class SettingsError(DomainError):
    pass


def settings_of(session: Session, user_id: int) -> NotificationSettings:
    """The user's row, or an unsaved one with the defaults."""
    found = session.get(NotificationSettings, user_id)
    return found or NotificationSettings(user_id=user_id, email_frequency=DEFAULT_FREQUENCY.value)


def _stored(session: Session, user_id: int) -> NotificationSettings:
    """The user's row, created if missing; two requests creating it at once (a double-pressed
    unsubscribe link) both get the one row instead of a unique-key error."""
    found = session.get(NotificationSettings, user_id)
    if found is None:
        insert_ignoring_conflict(session, NotificationSettings, user_id=user_id,
                                 email_frequency=DEFAULT_FREQUENCY.value, updated_at=clock.now())
        found = session.get(NotificationSettings, user_id)
    return found


def set_frequency(session: Session, user_id: int, value: str) -> NotificationSettings:
    if value not in {f.value for f in EmailFrequency}:
        raise SettingsError("メールの受け取り方を選んでください。", "email_frequency")
    row = _stored(session, user_id)
    row.email_frequency = value
    row.updated_at = clock.now()
    session.flush()
    return row


def renew_calendar_token(session: Session, user_id: int) -> str:
    """A new secret for the calendar URL; the old URL stops working at once."""
    row = _stored(session, user_id)
    row.calendar_token = secrets.token_urlsafe(32)
    row.updated_at = clock.now()
    session.flush()
    return row.calendar_token


def user_for_calendar(session: Session, token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = session.scalar(select(User).join(NotificationSettings, NotificationSettings.user_id == User.id)
                          .where(NotificationSettings.calendar_token == token))
    return user if user is not None and user.active else None


def unsubscribe_token(secret_key: str, user: User) -> str:
    """Signed, without expiry: a link in an old mail must still stop the mails."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps({"u": user.id})


def user_for_unsubscribe(session: Session, secret_key: str, token: str) -> User | None:
    try:
        payload = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    return session.get(User, user_id) if isinstance(user_id, int) else None
