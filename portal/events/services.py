"""Reading and tidying the event log: a person's own recent items, the log-in merge, the purge.

Everything here is scoped by one user id or one visitor id given by the caller: no function returns
another person's events.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Event

#: Events that show interest in an item (a recommendation click is followed by a view anyway).
INTEREST_KINDS = ("view", "save", "apply_click")


def merge_visitor(connection: Connection | Session, visitor: str, user_id: int) -> int:
    """Gives a visitor's anonymous events to the account that just logged in; returns how many."""
    result = connection.execute(update(Event).where(Event.visitor == visitor, Event.user_id.is_(None))
                                .values(user_id=user_id))
    return result.rowcount or 0


def recent_items(session: Session, user_id: int | None = None, visitor: str | None = None,
                 limit: int = 50) -> list[tuple[str, int]]:
    """The distinct items this user (or, when not logged in, this visitor) showed interest in,
    most recent first."""
    if user_id is not None:
        who = Event.user_id == user_id
    elif visitor:
        who = (Event.visitor == visitor) & Event.user_id.is_(None)
    else:
        return []
    rows = session.execute(
        select(Event.item_type, Event.item_id).where(who, Event.kind.in_(INTEREST_KINDS), Event.item_id.is_not(None))
        .order_by(Event.at.desc(), Event.id.desc()).limit(limit * 4))
    seen: dict[tuple[str, int], None] = {}
    for item_type, item_id in rows:
        seen.setdefault((item_type, item_id), None)
        if len(seen) >= limit:
            break
    return list(seen)


def purge_expired(session: Session, days: int, now: datetime | None = None) -> int:
    """Deletes events older than `days` days; returns how many. The caller commits."""
    cutoff = (now or clock.now()) - timedelta(days=days)
    return session.execute(delete(Event).where(Event.at < cutoff)).rowcount or 0
