"""事業データ: a business and the sections of its once-only store (domain.md §7).

Only `portal.store` writes these tables. Amounts are integer yen (BigInteger), never floats. Where
each value came from is kept per value in `business_value_sources`, and every change in
`business_value_history`, so that マイページ can show the source of each figure and its history.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class BusinessKind(enum.StrEnum):
    CORPORATION = "corporation"
    SOLE_PROPRIETOR = "sole_proprietor"

    @property
    def label(self) -> str:
        return {"corporation": "法人", "sole_proprietor": "個人事業主"}[self.value]


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return {"owner": "管理者", "member": "メンバー"}[self.value]


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda items: [i.value for i in items])


def _business_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True)


class Business(Base):
    """基本情報 lives on the business row itself: one business, one set of basic facts."""

    __tablename__ = "businesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BusinessKind] = mapped_column(_enum(BusinessKind, "business_kind"))
    corporate_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(7))
    prefecture: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(1))
    representative_title: Mapped[str | None] = mapped_column(String(50))
    representative_name: Mapped[str | None] = mapped_column(String(100))
    established_on: Mapped[date | None] = mapped_column(Date)
    capital: Mapped[int | None] = mapped_column(BigInteger)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class BusinessMember(Base):
    """Who may see and edit a business. A user belongs to at most one business."""

    __tablename__ = "business_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = _business_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"), default=MemberRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class FinancialPeriod(Base):
    """事業財務情報 of one 決算期. Every amount is integer yen; None means not known."""

    __tablename__ = "business_periods"
    __table_args__ = (UniqueConstraint("business_id", "period_end", name="uq_business_periods_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = _business_fk()
    period_end: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer, default=12)
    employees: Mapped[int | None] = mapped_column(Integer)
    regular_employees: Mapped[int | None] = mapped_column(Integer)
    # 貸借対照表
    total_assets: Mapped[int | None] = mapped_column(BigInteger)
    current_assets: Mapped[int | None] = mapped_column(BigInteger)
    cash_and_deposits: Mapped[int | None] = mapped_column(BigInteger)
    notes_receivable: Mapped[int | None] = mapped_column(BigInteger)
    accounts_receivable: Mapped[int | None] = mapped_column(BigInteger)
    inventories: Mapped[int | None] = mapped_column(BigInteger)
    fixed_assets: Mapped[int | None] = mapped_column(BigInteger)
    total_liabilities: Mapped[int | None] = mapped_column(BigInteger)
    current_liabilities: Mapped[int | None] = mapped_column(BigInteger)
    notes_payable: Mapped[int | None] = mapped_column(BigInteger)
    accounts_payable: Mapped[int | None] = mapped_column(BigInteger)
    short_term_borrowings: Mapped[int | None] = mapped_column(BigInteger)
    fixed_liabilities: Mapped[int | None] = mapped_column(BigInteger)
    long_term_borrowings: Mapped[int | None] = mapped_column(BigInteger)
    net_assets: Mapped[int | None] = mapped_column(BigInteger)
    capital_stock: Mapped[int | None] = mapped_column(BigInteger)
    # 損益計算書
    net_sales: Mapped[int | None] = mapped_column(BigInteger)
    cost_of_sales: Mapped[int | None] = mapped_column(BigInteger)
    gross_profit: Mapped[int | None] = mapped_column(BigInteger)
    sga_expenses: Mapped[int | None] = mapped_column(BigInteger)
    depreciation: Mapped[int | None] = mapped_column(BigInteger)
    personnel_expenses: Mapped[int | None] = mapped_column(BigInteger)
    operating_income: Mapped[int | None] = mapped_column(BigInteger)
    ordinary_income: Mapped[int | None] = mapped_column(BigInteger)
    net_income: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Shareholder(Base):
    __tablename__ = "business_shareholders"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = _business_fk()
    name: Mapped[str] = mapped_column(String(200))
    shares: Mapped[int | None] = mapped_column(BigInteger)
    investment: Mapped[int | None] = mapped_column(BigInteger)
    relation: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Officer(Base):
    __tablename__ = "business_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = _business_fk()
    title: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    appointed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Office(Base):
    __tablename__ = "business_offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = _business_fk()
    name: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(7))
    prefecture: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))
    employees: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class ValueSource(Base):
    """Where the current value of one field came from: 手入力 (`manual`) or a connector's name."""

    __tablename__ = "business_value_sources"

    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), primary_key=True)
    section: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 for 基本情報
    field: Mapped[str] = mapped_column(String(50), primary_key=True)
    source: Mapped[str] = mapped_column(String(50), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ValueChange(Base):
    """One change of one value. Values are kept as canonical text (ISO dates, plain integers)."""

    __tablename__ = "business_value_history"
    __table_args__ = (Index("ix_business_value_history_business_at", "business_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    # The record as people know it ("2024年3月31日決算", a shareholder's name), kept because the
    # record itself may since have been removed.
    record_label: Mapped[str] = mapped_column(String(200), default="")
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(50))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
