"""連携: a business's link to one connector, its sync runs, and the changes a sync proposes.

Only `portal.linking` writes these tables. The credentials (access and refresh tokens, typed-in API
keys) are kept only as ciphertext (`portal.linking.crypto`); unlinking sets it to NULL at once. A
sync never writes 事業データ itself: it adds `ProposedChange` rows (old → new per field), and only an
accepted change goes through the once-only store.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class ConnectionState(enum.StrEnum):
    UNLINKED = "unlinked"
    LINKED = "linked"
    ERROR = "error"

    @property
    def label(self) -> str:
        return {"unlinked": "未連携", "linked": "連携中", "error": "エラー"}[self.value]


class SyncOutcome(enum.StrEnum):
    RUNNING = "running"
    OK = "ok"
    ERROR = "error"

    @property
    def label(self) -> str:
        return {"running": "取得中", "ok": "成功", "error": "エラー"}[self.value]


class Decision(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "未確認", "accepted": "反映済み", "rejected": "却下"}[self.value]


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda items: [i.value for i in items])


class Connection(Base):
    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("business_id", "connector", name="uq_connections_business_connector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True)
    connector: Mapped[str] = mapped_column(String(40))
    state: Mapped[ConnectionState] = mapped_column(_enum(ConnectionState, "connection_state"),
                                                   default=ConnectionState.UNLINKED)
    mode: Mapped[str] = mapped_column(String(10), default="sandbox")
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    credentials: Mapped[bytes | None] = mapped_column(LargeBinary())
    # When the values this service brought were deleted (解除 with 「削除」): its earlier values no
    # longer come back when another service's values are removed (`store.remove_source_values`).
    data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)


class SyncRun(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_connection_started", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[SyncOutcome] = mapped_column(_enum(SyncOutcome, "sync_outcome"), default=SyncOutcome.RUNNING)
    # The connection's mode at the time of the run (None for runs recorded before it was kept).
    mode: Mapped[str | None] = mapped_column(String(10))
    records: Mapped[int] = mapped_column(Integer, default=0)
    proposals: Mapped[int] = mapped_column(Integer, default=0)
    """Changes this run proposed that were not already waiting (0 when it failed)."""
    error: Mapped[str | None] = mapped_column(String(500))


class ProposedChange(Base):
    """One field a sync would change: `old_value` → `new_value` as the store's canonical text."""

    __tablename__ = "proposed_changes"
    __table_args__ = (Index("ix_proposed_changes_business_decision", "business_id", "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"), index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))
    record_key: Mapped[Any] = mapped_column(JSON)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "proposal_decision"), default=Decision.PENDING)
