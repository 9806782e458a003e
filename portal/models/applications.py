"""申請履歴: the applications a business made on an application site (Jグランツ), as that site reports them.

It is the site's record, not something the business types in, so it is not a proposed change: a
sync writes it as it is (through `portal.store`), a re-sync updates the same rows by their id at
the site, and unlinking that site with 「削除」 removes them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class ApplicationHistory(Base):
    __tablename__ = "business_applications"
    __table_args__ = (UniqueConstraint("business_id", "source", "external_id", name="uq_business_applications_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(50))  # the connector that reported it
    external_id: Mapped[str] = mapped_column(String(100))
    measure_title: Mapped[str] = mapped_column(String(300))
    measure_external_id: Mapped[str | None] = mapped_column(String(100))
    applied_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(50))
    requested_amount: Mapped[int | None] = mapped_column(BigInteger)
    granted_amount: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
