"""The usage event log: what people looked at, saved, searched and clicked, for recommendations.

Personal data is kept to what recommending needs: a user id, or for visitors who are not logged in
a random id held in their session (`visitor`), never an IP address or a user agent; free text only
as the search words someone typed. Rows are deleted after `EVENT_RETENTION_DAYS` (see
`portal.events.services.purge_expired`). There is no foreign key on the item: a measure that is
deleted leaves rows that simply match nothing until they age out, and writing stays one insert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime

#: What an event says happened. Item events carry (item_type, item_id); `search` carries filters.
EVENT_KINDS = ("view", "save", "search", "rec_click", "apply_click")
ITEM_TYPES = ("support", "case")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_user_at", "user_id", "at"),
        Index("ix_events_visitor", "visitor"),
        Index("ix_events_at", "at"),
    )

    # BIGINT on PostgreSQL (an event log grows); SQLite only auto-increments an INTEGER key.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    visitor: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    item_type: Mapped[str | None] = mapped_column(String(10))
    item_id: Mapped[int | None] = mapped_column(Integer)
    # search: {"q": "...", "purpose": [1, 2], …}; rec_click: {"method": "profile", "place": "top"}.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
