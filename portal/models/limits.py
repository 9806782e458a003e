"""Abuse limits kept in the database, so that every web process sees the same count.

`LoginThrottle` counts the failed log-ins for one e-mail address (typed, normalised; whether or not
an account has it) and holds the next attempt back for a delay that grows with each failure.
`LimitCounter` is a fixed-window counter per kind of action and key (a client address, an address
mail goes to), stored as a SHA-256 digest of the key so the table keeps no addresses itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models.base import UTCDateTime


class LoginThrottle(Base):
    __tablename__ = "login_throttles"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LimitCounter(Base):
    __tablename__ = "limit_counters"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)  # seconds since the epoch ÷ window length
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
