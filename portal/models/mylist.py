"""マイリスト: the measures and cases a user saved, and the searches they named."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime
from portal.models.case import Case
from portal.models.support import Support


class SavedItem(Base):
    __tablename__ = "saved_items"
    __table_args__ = (
        UniqueConstraint("user_id", "support_id", name="uq_saved_items_user_support"),
        UniqueConstraint("user_id", "case_id", name="uq_saved_items_user_case"),
        CheckConstraint("(support_id IS NULL) <> (case_id IS NULL)", name="one_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    support_id: Mapped[int | None] = mapped_column(ForeignKey("supports.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    support: Mapped[Support | None] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship(lazy="joined")


class SavedSearch(Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "support" or "case"
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000), default="")  # the navi's query string
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
