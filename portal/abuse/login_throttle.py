"""Failed log-ins per account, with growing delays, kept in the database so every process sees them.

The per-address limit (Flask-Limiter) stops one client; this stops many clients guessing one
account's password. Each attempt for an e-mail address is counted as a failure *before* the
password is checked, in its own committed statement, and undone by a success: parallel guesses
cannot all slip through before the first failure is written. The first `LOGIN_THROTTLE_FREE_ATTEMPTS`
failures cost nothing; from then on the address waits `LOGIN_THROTTLE_BASE_DELAY` seconds, doubling
with each further failure up to `LOGIN_THROTTLE_MAX_DELAY`. While it waits, attempts are refused
without looking at the password (a right one too). Failures older than
`LOGIN_THROTTLE_FORGET_HOURS` are forgotten; a successful log-in or password reset clears them.
Addresses without an account are counted the same way, so the answer never tells them apart.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.db import insert_ignoring_conflict
from portal.models import LoginThrottle


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def delay_after(failures: int, free: int, base: float, longest: float) -> float:
    """Seconds the account waits after its `failures`-th failure in a row."""
    if failures < free:
        return 0.0
    return min(base * 2 ** (failures - free), longest)


def begin_attempt(session: Session, email: str) -> int | None:
    """Counts an attempt for `email` and commits. Returns None when the password may be checked, or
    the whole seconds to wait when log-ins to this address are held back (nothing counted then)."""
    config = current_app.config
    now = clock.now()
    key = _key(email)
    insert_ignoring_conflict(session, LoginThrottle, email=key, failures=0)
    forget = now - timedelta(hours=float(config["LOGIN_THROTTLE_FORGET_HOURS"]))
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.email == key, LoginThrottle.last_failure_at < forget)
                    .values(failures=0, blocked_until=None))
    counted = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.email == key,
               or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now))
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now))
    if counted.rowcount != 1:
        blocked_until: datetime | None = session.scalar(select(LoginThrottle.blocked_until)
                                                         .where(LoginThrottle.email == key))
        session.commit()
        return max(1, math.ceil((blocked_until - now).total_seconds())) if blocked_until else 1
    failures = session.scalar(select(LoginThrottle.failures).where(LoginThrottle.email == key)) or 0
    delay = delay_after(failures, int(config["LOGIN_THROTTLE_FREE_ATTEMPTS"]),
                        float(config["LOGIN_THROTTLE_BASE_DELAY"]), float(config["LOGIN_THROTTLE_MAX_DELAY"]))
    if delay:
        session.execute(update(LoginThrottle).where(LoginThrottle.email == key)
                        .values(blocked_until=now + timedelta(seconds=delay)))
    session.commit()
    return None


def clear(session: Session, email: str) -> None:
    """The right password (or a reset by mail) was given: the count starts again. The caller commits."""
    session.execute(update(LoginThrottle).where(LoginThrottle.email == _key(email))
                    .values(failures=0, blocked_until=None))


def wait_text(seconds: int) -> str:
    """「約2分」 / 「30秒」 for the message beside the field."""
    if seconds < 60:
        return f"{seconds}秒"
    return f"約{math.ceil(seconds / 60)}分"
