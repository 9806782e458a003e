"""Editing with history and review (issue 18): a revision per save of a measure or an article, and
the articles of 経営お役立ちコンテンツ.

The live version is the row itself (`supports`, `articles`); a revision holds a full snapshot of the
editable fields (`data`) and where it stands in the review: draft → submitted → published (or
scheduled until `publish_at`), or returned with a comment; an importer's update to an edited
measure waits as `proposed`. The latest revision of an object decides what may happen next.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime
from portal.models.support import Support


class RevisionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    PROPOSED = "proposed"

    @property
    def label(self) -> str:
        return {"draft": "下書き", "submitted": "確認待ち", "returned": "差し戻し", "scheduled": "公開予約",
                "published": "公開済み", "proposed": "取り込みの提案"}[self.value]


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_object", "kind", "object_id", "number"),
                      Index("ix_revisions_state", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "support" | "article"
    object_id: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()  # 第N版, per object
    state: Mapped[str] = mapped_column(String(20), default=RevisionState.DRAFT.value)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(300), default="")
    major: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[str] = mapped_column(String(20), default="editor")  # editor | import | seed
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str] = mapped_column(Text, default="")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    reviewer = relationship("User", foreign_keys=[reviewer_id], lazy="joined")

    @property
    def state_label(self) -> str:
        return RevisionState(self.state).label


class ArticleCategory(enum.StrEnum):
    BASICS = "basics"
    FINANCE = "finance"
    SUCCESSION = "succession"
    DX = "dx"
    PEOPLE = "people"
    TAX = "tax"
    SALES = "sales"
    DISASTER = "disaster"

    @property
    def label(self) -> str:
        return {"basics": "補助金・助成金の基礎", "finance": "資金繰り・融資", "succession": "事業承継", "dx": "IT・DX",
                "people": "人材", "tax": "税務・会計", "sales": "販路開拓", "disaster": "災害への備え"}[self.value]


article_supports = Table(
    "article_supports",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("support_id", ForeignKey("supports.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_article_supports_support_id", "support_id"),
)


class Article(Base):
    """An article or guide. A draft until `published_at` is set; `unpublish_at` takes it down."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_published_at", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True)  # demo articles, for `portal seed`
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unpublish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    supports: Mapped[list[Support]] = relationship(secondary=article_supports, lazy="selectin", order_by=Support.id)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def category_label(self) -> str:
        return ArticleCategory(self.category).label
