"""Fixed-window counters in the database: at most N actions of one kind per key per window.

A limit is written as the settings write Flask-Limiter's (`"10 per hour"`, several joined by `;`).
Each call counts with one conditional UPDATE (`… SET count = count + 1 WHERE count < N`), so two
processes racing for the last place cannot both get it. Windows are fixed: right at a window's
edge up to twice N can pass within one window's length. Keys are stored hashed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from limits import parse_many
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from portal import clock
from portal.db import insert_ignoring_conflict
from portal.models import LimitCounter

KEEP_EXPIRED = timedelta(days=1)


def _digest(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}\0{key}".encode()).hexdigest()


def hit(session: Session, kind: str, key: str, limit: str) -> bool:
    """Counts one action of `kind` for `key`; False (and nothing counted in that window) when one of
    the limits is reached. The caller commits."""
    now = clock.now()
    key_hash = _digest(kind, key)
    for item in parse_many(limit):
        length = int(item.get_expiry())
        window = int(now.timestamp()) // length
        column = f"{kind}/{length}"
        window_end = datetime.fromtimestamp((window + 1) * length, UTC)
        if insert_ignoring_conflict(session, LimitCounter, kind=column, key_hash=key_hash, window=window, count=0,
                                    window_end=window_end):
            # A new window started for this key: a good moment to drop counters long past.
            session.execute(delete(LimitCounter).where(LimitCounter.window_end < now - KEEP_EXPIRED))
        counted = session.execute(
            update(LimitCounter)
            .where(LimitCounter.kind == column, LimitCounter.key_hash == key_hash, LimitCounter.window == window,
                   LimitCounter.count < item.amount)
            .values(count=LimitCounter.count + 1))
        if counted.rowcount != 1:
            return False
    return True
