"""Log-in sessions kept on the server (use cases; the Flask glue is `portal.accounts.signin`).

A session starts at log-in and holds until it is ended — by logging out, from アカウント設定, by a
password or e-mail change (every other session of the account), a password reset (all of them) —
or until it was not used for its lifetime: `PERMANENT_SESSION_LIFETIME`, or for 「ログインしたままにする」
`REMEMBER_COOKIE_DURATION`. A cookie copied before any of these opens nothing afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts.devices import device_label
from portal.errors import NotFound
from portal.models import LoginSession, User

SEPARATOR = ":"
KEEP_ENDED = timedelta(days=30)
KEEP_UNUSED = timedelta(days=400)


@dataclass(frozen=True)
class Lifetimes:
    session: timedelta
    remembered: timedelta

    def of(self, row: LoginSession) -> timedelta:
        return self.remembered if row.remember else self.session


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, user: User, *, remember: bool, method: str, user_agent: str | None,
          ip: str | None) -> tuple[LoginSession, str]:
    """A new session for `user`, and what the cookie carries (`<user id>:<key>`). The caller commits."""
    key = secrets.token_urlsafe(32)
    now = clock.now()
    # The account's sessions ended a month ago, or unused for longer than any lifetime, are not kept.
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, or_(
        LoginSession.ended_at < now - KEEP_ENDED, LoginSession.last_seen_at < now - KEEP_UNUSED))
        .execution_options(synchronize_session="fetch"))  # SQLite may hand a deleted id to the new row
    row = LoginSession(user_id=user.id, key_hash=_digest(key), method=method, remember=remember,
                       device=device_label(user_agent), ip=(ip or "")[:45] or None, created_at=now, last_seen_at=now)
    session.add(row)
    session.flush()
    return row, f"{user.id}{SEPARATOR}{key}"


def resolve(session: Session, value: str, lifetimes: Lifetimes) -> tuple[User, LoginSession] | None:
    """The user and session a cookie value stands for, if that session is still open. A value of the
    old form (a bare user id, from before sessions were kept) opens nothing: that user logs in again."""
    user_id, _, key = value.partition(SEPARATOR)
    if not key or not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 10 or len(key) > 100:
        return None
    found = session.execute(select(User, LoginSession).join(LoginSession, LoginSession.user_id == User.id)
                            .where(LoginSession.key_hash == _digest(key), LoginSession.user_id == int(user_id),
                                   LoginSession.ended_at.is_(None))).first()
    if found is None:
        return None
    user, row = found
    if clock.now() >= row.last_seen_at + lifetimes.of(row):
        return None
    return user, row


def touch(session: Session, row: LoginSession, every: timedelta) -> bool:
    """Notes that the session was used now, at most once per `every`; True when something was written."""
    now = clock.now()
    if now - row.last_seen_at < every:
        return False
    session.execute(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now)
                    .execution_options(synchronize_session=False))
    row.last_seen_at = now
    return True


def _end(session: Session, *conditions, reason: str) -> int:
    result = session.execute(update(LoginSession).where(LoginSession.ended_at.is_(None), *conditions)
                             .values(ended_at=clock.now(), end_reason=reason)
                             .execution_options(synchronize_session=False))
    return result.rowcount


def end(session: Session, user: User, session_id: int, reason: str = "ended") -> None:
    """Ends one of `user`'s sessions; another user's, or one already ended, is a 404. The caller commits."""
    if not _end(session, LoginSession.id == session_id, LoginSession.user_id == user.id, reason=reason):
        raise NotFound("そのログイン中の端末は見つかりません。すでに終了しているかもしれません。")


def end_others(session: Session, user: User, keep: int | None, reason: str) -> int:
    """Ends every open session of `user` but `keep` (None: all of them); returns how many. The caller commits."""
    conditions = [LoginSession.user_id == user.id]
    if keep is not None:
        conditions.append(LoginSession.id != keep)
    return _end(session, *conditions, reason=reason)


def open_sessions(session: Session, user: User, lifetimes: Lifetimes) -> list[LoginSession]:
    """The sessions that still open the account, the most recently used first."""
    rows = session.scalars(select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
                           .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc()))
    now: datetime = clock.now()
    return [row for row in rows if now < row.last_seen_at + lifetimes.of(row)]
