"""支援制度 (support measures) and their taxonomy tags.

A measure is identified by where it came from (`source`, `source_id`), so that importing the same
file again updates rows instead of adding new ones. Taxonomy values live in `support_tags` rows
(kind, value) because every filter and facet of the navi works on them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime

# Tag kinds and what their values are: purpose 1–10, stage 1–17, service 1–5, subkind 1–21,
# industry JSIC letter A–T, prefecture JIS code 01–47, disaster (ミラサポplus disaster id).
TAG_KINDS = ("purpose", "stage", "service", "subkind", "industry", "prefecture", "disaster")


class Support(Base):
    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_supports_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_format: Mapped[str] = mapped_column(String(10), default="markdown")
    target: Mapped[str] = mapped_column(Text, default="")
    usage: Mapped[str] = mapped_column(Text, default="")
    inquiry: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(Text, default="")
    support_organization: Mapped[str] = mapped_column(String(500), default="")
    governing_law: Mapped[str] = mapped_column(Text, default="")
    application_url: Mapped[str] = mapped_column(String(1000), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    reception_start: Mapped[date | None] = mapped_column(Date)
    reception_end: Mapped[date | None] = mapped_column(Date)
    reception_remarks: Mapped[str] = mapped_column(Text, default="")
    publish_date: Mapped[date | None] = mapped_column(Date)
    unpublish_date: Mapped[date | None] = mapped_column(Date)
    special_measure: Mapped[str] = mapped_column(String(100), default="")
    max_employees: Mapped[int | None] = mapped_column()
    max_capital: Mapped[int | None] = mapped_column(BigInteger)
    max_established_years: Mapped[int | None] = mapped_column()
    subsidy_max_limit: Mapped[int | None] = mapped_column(BigInteger)
    subsidy_rate: Mapped[str] = mapped_column(String(200), default="")
    # [{"name": "中小企業庁", "kind": "gov"}] — kind is gov, lgov or other.
    authorities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"title", "url", "source", "source_id"}]; source/source_id set when the link names a measure.
    related_refs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    tags: Mapped[list[SupportTag]] = relationship(
        back_populates="support", cascade="all, delete-orphan", lazy="selectin")

    def tag_values(self, kind: str) -> list[str]:
        return sorted(tag.value for tag in self.tags if tag.kind == kind)


class SupportTag(Base):
    __tablename__ = "support_tags"
    __table_args__ = (Index("ix_support_tags_kind_value", "kind", "value"),)

    support_id: Mapped[int] = mapped_column(ForeignKey("supports.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), primary_key=True)

    support: Mapped[Support] = relationship(back_populates="tags")
