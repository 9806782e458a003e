"""事例 (case studies): a company's story and the measures it used."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime
from portal.models.support import Support

case_supports = Table(
    "case_supports",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("support_id", ForeignKey("supports.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_case_supports_support_id", "support_id"),
)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_cases_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column()
    company_name: Mapped[str] = mapped_column(String(200), default="")
    company_type: Mapped[str] = mapped_column(String(20), default="")
    employees: Mapped[int | None] = mapped_column()
    location_name: Mapped[str] = mapped_column(String(100), default="")
    background: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The measures as the source named them: [{"title", "url", "source", "source_id"}].
    support_refs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    tags: Mapped[list[CaseTag]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin")
    supports: Mapped[list[Support]] = relationship(secondary=case_supports, lazy="selectin",
                                                   order_by=Support.id)

    def tag_values(self, kind: str) -> list[str]:
        return sorted(tag.value for tag in self.tags if tag.kind == kind)


class CaseTag(Base):
    """kind: purpose, stage, industry (JSIC letter), prefecture (JIS code)."""

    __tablename__ = "case_tags"
    __table_args__ = (Index("ix_case_tags_kind_value", "kind", "value"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(16), primary_key=True)

    case: Mapped[Case] = relationship(back_populates="tags")
