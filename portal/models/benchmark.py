"""経営カルテ reports: a business's saved ローカルベンチマーク with its inputs, results and dialogue sheets.

A report is a snapshot. `inputs` keeps the figures as entered (千円), `results` the calculation as
the API returns it (so a report reads the same after the thresholds are updated), `sheets` the
非財務 sheets. A business may share one report at a time with its linked 支援機関 and withdraw it;
`shared_agency_id` records with which agency it was shared.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class BenchmarkReport(Base):
    __tablename__ = "benchmark_reports"
    __table_args__ = (Index("ix_benchmark_reports_business_created", "business_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    title: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str] = mapped_column(String(4))
    size: Mapped[str] = mapped_column(String(20))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    results: Mapped[dict[str, Any]] = mapped_column(JSON)
    sheets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shared_agency_id: Mapped[int | None] = mapped_column(ForeignKey("support_agencies.id", ondelete="SET NULL"),
                                                         index=True)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
