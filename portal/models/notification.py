"""通知: what a user is told (inbox items), how (e-mail digest, Web Push), and the claims that make
`portal notify` send everything exactly once.

Every inbox item has a `key` unique per user (e.g. `support:12:20260310T010203000000` for a version
of a measure, `deadline:12:2026-03-31:7` for a reminder), so two runs that find the same thing insert
one row: the second insert is skipped by the database. A digest mail is claimed the same way by a
`NotificationDelivery` row unique per (user, period); a push by setting `pushed_at` only where it
is still empty.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class EmailFrequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"daily": "毎日まとめて受け取る", "weekly": "週に1回まとめて受け取る", "none": "メールでは受け取らない"}[self.value]


class NotificationSettings(Base):
    """One row per user who changed a setting or asked for a calendar link; absent = defaults."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_frequency: Mapped[str] = mapped_column(String(10), default=EmailFrequency.WEEKLY.value)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # search | profile | deadline
    support_id: Mapped[int | None] = mapped_column(ForeignKey("supports.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(1000), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_deliveries.id", ondelete="SET NULL"), index=True)


class NotificationDelivery(Base):
    """A claimed digest mail: (user, period key) is unique, so only one process ever sends it."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notification_deliveries_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))  # daily:2026-03-10 | weekly:2026-W11
    state: Mapped[str] = mapped_column(String(10), default="sending")  # sending | sent | failed
    items: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushSubscription(Base):
    """A browser's PushSubscription (endpoint and keys) for one user of the installed app."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
