"""Database-level claims: the reason `portal notify` never sends anything twice.

Two runs (or two processes at once) may find the same thing to say. Each thing has a key unique
per user, and it is written with INSERT … ON CONFLICT DO NOTHING, which PostgreSQL and SQLite both
decide atomically: exactly one insert wins, the other is skipped and learns so from the row count.
A push is claimed by `UPDATE … SET pushed_at = now WHERE pushed_at IS NULL … RETURNING id`: on
PostgreSQL the second updater waits for the first's row locks and then finds nothing to update; on
SQLite writers are serialised by the database lock. Claims are committed before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import Notification


def insert_or_skip(session: Session, model: type, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """Inserts one row unless a row with the same `conflict` columns exists. True when inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    if dialect not in {"postgresql", "sqlite"}:
        raise RuntimeError(f"insert-or-skip is not implemented for {dialect}")
    statement = (insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
                 .returning(*model.__table__.primary_key.columns))
    # RETURNING, not rowcount: psycopg reports -1 for these inserts through SQLAlchemy.
    return session.connection().execute(statement).first() is not None


def claim_pushes(session: Session, user_id: int, since: datetime, now: datetime) -> list[int]:
    """Marks the user's recent notifications that no run has pushed yet as pushed; returns their ids."""
    candidates = list(session.scalars(select(Notification.id).where(
        Notification.user_id == user_id, Notification.pushed_at.is_(None), Notification.read_at.is_(None),
        Notification.created_at >= since)))
    if not candidates:
        return []
    statement = (update(Notification)
                 .where(Notification.id.in_(candidates), Notification.pushed_at.is_(None))
                 .values(pushed_at=now).returning(Notification.id)
                 .execution_options(synchronize_session=False))
    return sorted(session.scalars(statement).all())
