"""Shared set-up for the notification tests: users, saved searches and `portal notify` runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal import clock
from portal.accounts.services import create_user
from portal.db import get_session
from portal.models import Notification, NotificationSettings, SavedItem, SavedSearch
from portal.notify.run import NotifyReport, run_notify


def add_user(session, email: str, frequency: str | None = None) -> int:
    with session.info["app"].app_context():
        user = create_user(session, email, "kiso-Shien-2024", confirmed=True)
        session.flush()
    if frequency:
        session.add(NotificationSettings(user_id=user.id, email_frequency=frequency, updated_at=clock.now()))
    session.commit()
    return user.id


def save_search(session, user_id: int, query: str, name: str = "東京の創業支援", ago: timedelta = timedelta(hours=1)) -> int:
    search = SavedSearch(user_id=user_id, kind="support", name=name, query=query, created_at=clock.now() - ago)
    session.add(search)
    session.commit()
    return search.id


def save_support(session, user_id: int, support_id: int) -> None:
    session.add(SavedItem(user_id=user_id, support_id=support_id))
    session.commit()


def run(app, now: datetime | None = None) -> NotifyReport:
    with app.app_context():
        return run_notify(get_session(), now)


def notifications(session, user_id: int) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id)))
