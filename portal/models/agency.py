"""認定経営革新等支援機関 (domain.md §9): the directory of agencies, their staff, and each business's link.

The directory (`SupportAgency`) is public reference data keyed by the 認定番号; it is filled from
the published list through the 認定支援機関 connector and by the demo seed. `AgencyMember` says which
支援者 accounts work for which agency. `BusinessAgencyLink` is part of a business's 事業データ — the
one agency it works with — so, like every business table, only `portal.store` writes it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class AgencyKind(enum.StrEnum):
    """The kinds the SME Agency's list uses (domain.md §9); anything else is その他."""

    TAX_ACCOUNTANT = "tax_accountant"
    CPA = "cpa"
    LAWYER = "lawyer"
    SME_CONSULTANT = "sme_consultant"
    FINANCIAL_INSTITUTION = "financial_institution"
    CHAMBER = "chamber"
    CONSULTING_FIRM = "consulting_firm"
    NPO = "npo"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AGENCY_KIND_LABELS[self]

    @classmethod
    def from_label(cls, text: str | None) -> AgencyKind:
        """The kind a published label names (「税理士法人」 is a 税理士, 「信用金庫」 a 金融機関)."""
        text = (text or "").strip()
        for kind, words in _KIND_WORDS.items():
            if any(word in text for word in words):
                return kind
        return cls.OTHER


AGENCY_KIND_LABELS: dict[AgencyKind, str] = {
    AgencyKind.TAX_ACCOUNTANT: "税理士", AgencyKind.CPA: "公認会計士", AgencyKind.LAWYER: "弁護士",
    AgencyKind.SME_CONSULTANT: "中小企業診断士", AgencyKind.FINANCIAL_INSTITUTION: "金融機関",
    AgencyKind.CHAMBER: "商工会・商工会議所", AgencyKind.CONSULTING_FIRM: "コンサルティング会社",
    AgencyKind.NPO: "NPO法人", AgencyKind.OTHER: "その他",
}
# Checked in this order: 「税理士・公認会計士」 counts as 税理士, 「商工会議所」 before 「会社」.
_KIND_WORDS: dict[AgencyKind, tuple[str, ...]] = {
    AgencyKind.TAX_ACCOUNTANT: ("税理士",),
    AgencyKind.CPA: ("公認会計士", "監査法人"),
    AgencyKind.LAWYER: ("弁護士",),
    AgencyKind.SME_CONSULTANT: ("中小企業診断士", "診断士"),
    AgencyKind.FINANCIAL_INSTITUTION: ("金融機関", "銀行", "信用金庫", "信用組合", "公庫", "信用保証協会"),
    AgencyKind.CHAMBER: ("商工会", "中小企業団体中央会"),
    AgencyKind.NPO: ("NPO", "特定非営利活動法人"),
    AgencyKind.CONSULTING_FIRM: ("コンサルティング", "コンサルタント", "株式会社", "合同会社"),
}


class SupportAgency(Base):
    """One certified agency as the published list describes it."""

    __tablename__ = "support_agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgencyKind] = mapped_column(Enum(AgencyKind, name="agency_kind", native_enum=False, length=30,
                                                  values_callable=lambda items: [i.value for i in items]))
    certified_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    prefecture: Mapped[str | None] = mapped_column(String(2))  # JIS code, "13" for 東京都
    address: Mapped[str | None] = mapped_column(String(300))  # after the prefecture
    phone: Mapped[str | None] = mapped_column(String(30))
    url: Mapped[str | None] = mapped_column(String(500))
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # prefecture JIS codes it serves
    nationwide: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    def __str__(self) -> str:
        """How a link is named in history and proposed changes: 「機関名（認定番号）」."""
        return f"{self.name}（{self.certification_number}）"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class AgencyMember(Base):
    """A 支援者 account working for an agency; a user belongs to at most one agency."""

    __tablename__ = "agency_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("support_agencies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class BusinessAgencyLink(Base):
    """The one agency a business works with, how it was linked (`source`: 手入力 or a connector) and when."""

    __tablename__ = "business_agency_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("support_agencies.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    source: Mapped[str] = mapped_column(String(50))

    agency: Mapped[SupportAgency] = relationship(lazy="joined")
