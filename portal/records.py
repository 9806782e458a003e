"""The records a connector yields: one frozen dataclass per 事業データ section (domain.md §7).

Connectors import these through `portal.sdk`. A field left as `None` means "this service does not
say", never "empty": the store proposes a change only for the fields a record fills in, so a
connector that knows only 資本金 cannot wipe a hand-entered 代表者名. Amounts are integers in yen
(never floats, which would round 1円 away); each field carries its Japanese label in its metadata,
which the host shows on the consent page and beside every proposed change (old → new).
Field names follow the store's (`portal/store/sections.py`) wherever the store has the field;
an address is given whole, from the prefecture on, and the host splits it. Each record also names
its `key`, what identifies it within its section, so that a re-run sync updates the same row
instead of adding another.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar


class Section(StrEnum):
    """The data sections, by the names the consent page and マイページ use."""

    PROFILE = "基本情報"
    FINANCIALS = "事業財務情報"
    SHAREHOLDERS = "事業株主"
    OFFICERS = "事業役員"
    OFFICES = "事業所"
    SUPPORT_MEASURES = "支援制度"
    APPLICATIONS = "申請履歴"
    AGENCY = "支援機関"


def _field(label: str, *, yen: bool = False) -> Any:
    return field(default=None, metadata={"label": label, "yen": yen})


def field_labels(record: type[Record] | Record) -> dict[str, str]:
    """Field name → Japanese label, in declaration order."""
    return {f.name: f.metadata["label"] for f in fields(record) if "label" in f.metadata}


@dataclass(frozen=True)
class Record:
    """Base of every record; not yielded itself."""

    section: ClassVar[Section]

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("yen") and value is not None and (
                    isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{type(self).__name__}.{f.name} ({f.metadata['label']}) must be "
                                f"an int in yen, not {value!r}")

    @property
    def key(self) -> tuple[Any, ...]:
        return ()


@dataclass(frozen=True)
class ProfileRecord(Record):
    """基本情報: one per business."""

    section: ClassVar[Section] = Section.PROFILE
    corporate_number: str | None = _field("法人番号")
    name: str | None = _field("商号")
    name_kana: str | None = _field("商号（カナ）")
    postal_code: str | None = _field("郵便番号")
    address: str | None = _field("本社所在地（都道府県から）")
    industry_code: str | None = _field("業種コード（日本標準産業分類）")
    representative_title: str | None = _field("代表者役職")
    representative_name: str | None = _field("代表者氏名")
    established_on: date | None = _field("設立日")
    capital: int | None = _field("資本金", yen=True)
    employees: int | None = _field("従業員数")
    contact_name: str | None = _field("担当者")
    contact_phone: str | None = _field("連絡先電話番号")
    contact_email: str | None = _field("連絡先メールアドレス")
    website: str | None = _field("ウェブサイト")
    business_summary: str | None = _field("事業概要")


@dataclass(frozen=True)
class FinancialPeriodRecord(Record):
    """事業財務情報 for one 決算期, identified by its 決算年月日."""

    section: ClassVar[Section] = Section.FINANCIALS
    period_end: date = field(metadata={"label": "決算年月日"})
    period_start: date | None = _field("期首日")
    months: int | None = _field("期間（月数）")
    employees: int | None = _field("期末従業員数")
    regular_employees: int | None = _field("正社員数")
    # 貸借対照表
    total_assets: int | None = _field("資産合計", yen=True)
    current_assets: int | None = _field("流動資産合計", yen=True)
    cash_and_deposits: int | None = _field("現金及び預金", yen=True)
    notes_receivable: int | None = _field("受取手形", yen=True)
    accounts_receivable: int | None = _field("売掛金", yen=True)
    inventories: int | None = _field("棚卸資産", yen=True)
    fixed_assets: int | None = _field("固定資産合計", yen=True)
    total_liabilities: int | None = _field("負債合計", yen=True)
    current_liabilities: int | None = _field("流動負債合計", yen=True)
    notes_payable: int | None = _field("支払手形", yen=True)
    accounts_payable: int | None = _field("買掛金", yen=True)
    short_term_borrowings: int | None = _field("短期借入金", yen=True)
    fixed_liabilities: int | None = _field("固定負債合計", yen=True)
    long_term_borrowings: int | None = _field("長期借入金", yen=True)
    net_assets: int | None = _field("純資産合計", yen=True)
    capital_stock: int | None = _field("資本金", yen=True)
    # 損益計算書
    net_sales: int | None = _field("売上高", yen=True)
    cost_of_sales: int | None = _field("売上原価", yen=True)
    gross_profit: int | None = _field("売上総利益", yen=True)
    sga_expenses: int | None = _field("販売費及び一般管理費", yen=True)
    depreciation: int | None = _field("減価償却費（売上原価内＋販管費内）", yen=True)
    personnel_expenses: int | None = _field("人件費", yen=True)
    operating_income: int | None = _field("営業利益", yen=True)
    ordinary_income: int | None = _field("経常利益", yen=True)
    net_income: int | None = _field("当期純利益", yen=True)

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.period_end,)


@dataclass(frozen=True)
class ShareholderRecord(Record):
    """事業株主: one per shareholder, identified by name."""

    section: ClassVar[Section] = Section.SHAREHOLDERS
    name: str = field(metadata={"label": "株主名"})
    shares: int | None = _field("持株数")
    investment: int | None = _field("出資額", yen=True)

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.name,)


@dataclass(frozen=True)
class OfficerRecord(Record):
    """事業役員: one per officer, identified by name."""

    section: ClassVar[Section] = Section.OFFICERS
    name: str = field(metadata={"label": "氏名"})
    title: str | None = _field("役職")
    appointed_on: date | None = _field("就任日")

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.name,)


@dataclass(frozen=True)
class OfficeRecord(Record):
    """事業所: one per office, identified by its name."""

    section: ClassVar[Section] = Section.OFFICES
    name: str = field(metadata={"label": "事業所名"})
    postal_code: str | None = _field("郵便番号")
    address: str | None = _field("所在地（都道府県から）")
    phone: str | None = _field("電話番号")
    employees: int | None = _field("従業員数")

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.name,)


@dataclass(frozen=True)
class SupportMeasureRecord(Record):
    """A support measure from a public catalogue (Jグランツ's open calls), identified by its id there."""

    section: ClassVar[Section] = Section.SUPPORT_MEASURES
    external_id: str = field(metadata={"label": "連携先ID"})
    title: str = field(metadata={"label": "名称"})
    management_number: str | None = _field("管理番号")
    catch_phrase: str | None = _field("キャッチフレーズ")
    detail_html: str | None = _field("詳細")
    target_areas: tuple[str, ...] = field(default=(), metadata={"label": "対象地域"})
    industries: tuple[str, ...] = field(default=(), metadata={"label": "対象業種"})
    use_purposes: tuple[str, ...] = field(default=(), metadata={"label": "利用目的"})
    target_employees: str | None = _field("対象従業員数")
    max_amount: int | None = _field("補助上限額", yen=True)
    subsidy_rate: str | None = _field("補助率")
    acceptance_start: datetime | None = _field("受付開始日時")
    acceptance_end: datetime | None = _field("受付終了日時")
    url: str | None = _field("詳細ページ")
    attribution: str | None = _field("出典")

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.external_id,)


@dataclass(frozen=True)
class ApplicationRecord(Record):
    """One application the business made (Jグランツ 申請履歴), identified by its id there."""

    section: ClassVar[Section] = Section.APPLICATIONS
    external_id: str = field(metadata={"label": "申請ID"})
    measure_title: str = field(metadata={"label": "制度名"})
    measure_external_id: str | None = _field("制度の連携先ID")
    applied_on: date | None = _field("申請日")
    status: str | None = _field("状況")
    requested_amount: int | None = _field("申請額", yen=True)
    granted_amount: int | None = _field("交付決定額", yen=True)

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.external_id,)


@dataclass(frozen=True)
class SupportAgencyRecord(Record):
    """A 認定経営革新等支援機関 (domain.md §9) as the published list describes it, identified by its 認定番号.

    A connector yields the agency the business works with; the host proposes linking the business
    to it. `kind` and `prefecture` are the published words (「税理士」, 「東京都」), which the host maps
    to its own kinds and JIS codes; `regions` holds prefecture names or 「全国」.
    """

    section: ClassVar[Section] = Section.AGENCY
    certification_number: str = field(metadata={"label": "認定番号"})
    name: str = field(metadata={"label": "機関名"})
    kind: str | None = _field("種別")
    certified_on: date | None = _field("認定日")
    valid_until: date | None = _field("有効期限")
    prefecture: str | None = _field("都道府県")
    address: str | None = _field("所在地")
    phone: str | None = _field("連絡先")
    url: str | None = _field("ウェブサイト")
    specialties: tuple[str, ...] = field(default=(), metadata={"label": "得意分野"})
    regions: tuple[str, ...] = field(default=(), metadata={"label": "対応地域"})

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.certification_number,)
