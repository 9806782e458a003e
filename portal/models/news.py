"""お知らせ (更新情報): news items that 職員 write, in the four categories of the original site.

An item is a draft until `published_at` is set; the public pages and feeds show only published
items. `key` names demo items so that `portal seed` can load them again without duplicates.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class NewsCategory(enum.StrEnum):
    NOTICE = "notice"
    SUBSIDY = "subsidy"
    EVENT = "event"
    DISASTER = "disaster"

    @property
    def label(self) -> str:
        return {"notice": "お知らせ", "subsidy": "補助金・助成金", "event": "イベント", "disaster": "災害支援"}[self.value]


class NewsItem(Base):
    __tablename__ = "news_items"
    __table_args__ = (Index("ix_news_items_published_at", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)
    category: Mapped[NewsCategory] = mapped_column(
        Enum(NewsCategory, name="news_category", native_enum=False, length=20,
             values_callable=lambda kinds: [k.value for k in kinds]))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
