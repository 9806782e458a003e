"""The in-portal inbox: a user's alerts, newest first, and the unread count in the header.

Every function takes the user id and touches only that user's rows, so one account never sees or
marks another's alerts.
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.models import Notification

PAGE_SIZE = 50


def unread_count(session: Session, user_id: int) -> int:
    """One indexed COUNT (ix_notifications_user_read), asked at most once per request."""
    cached = g.get("notify_unread")
    if cached is None or cached[0] != user_id:
        count = session.scalar(select(func.count(Notification.id))
                               .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
        g.notify_unread = cached = (user_id, count)
    return cached[1]


def inbox_items(session: Session, user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime) -> Notification:
    item = session.scalar(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == user_id))
    if item is None:
        raise NotFound("そのお知らせは見つかりません。")
    if item.read_at is None:
        item.read_at = now
    g.pop("notify_unread", None)
    return item


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(update(Notification)
                             .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                             .values(read_at=now).execution_options(synchronize_session=False))
    g.pop("notify_unread", None)
    return result.rowcount
