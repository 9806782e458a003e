"""Reading 事業データ, always through a business the caller already holds.

Every read is scoped by that business: a record id of another business is `NotFound`, never its
data. Pages get `RecordView`s — each value with its display text, its source and when it was set.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.models import Business, FinancialPeriod
from portal.store.history import SourceKey, source_label, sources_of
from portal.store.sections import PERIOD_GROUPS, SECTIONS, Section
from portal.store.values import FieldSpec


def get_record(session: Session, business: Business, section: str, record_id: int | None) -> object:
    """The record of `business` in `section` (the business itself for 基本情報), or `NotFound`."""
    spec = SECTIONS[section]
    if not spec.is_list:
        return business
    record = session.scalar(select(spec.model).where(spec.model.id == record_id,
                                                     spec.model.business_id == business.id))
    if record is None:
        raise NotFound(f"その{spec.label}は見つかりません。")
    return record


def records(session: Session, business: Business, section: str) -> list:
    """The records of a list section: 決算期 newest first, the others in the order they were added."""
    model = SECTIONS[section].model
    order = (FinancialPeriod.period_end.desc(),) if model is FinancialPeriod else (model.id,)
    return list(session.scalars(select(model).where(model.business_id == business.id).order_by(*order)))


@dataclass(frozen=True)
class Shown:
    """One value as マイページ shows it."""

    spec: FieldSpec
    value: object
    text: str
    source: str | None
    source_label: str
    updated_at: datetime | None


@dataclass(frozen=True)
class RecordView:
    section: Section
    record: object
    values: tuple[Shown, ...]

    @property
    def id(self) -> int:
        return self.record.id if self.section.is_list else 0

    @property
    def label(self) -> str:
        return self.section.record_label(self.record)

    def __getitem__(self, name: str) -> Shown:
        for shown in self.values:
            if shown.spec.name == name:
                return shown
        raise KeyError(name)

    def groups(self) -> list[tuple[str, list[Shown]]]:
        """The values under their headings (決算期・貸借対照表・損益計算書 for a period)."""
        names = PERIOD_GROUPS if self.section.name == "period" else ("",)
        return [(name, [v for v in self.values if v.spec.group == name]) for name in names]

    def provenance(self) -> list[tuple[str, datetime]]:
        """Each source of this record's values with its latest time, newest first."""
        latest: dict[str, datetime] = {}
        for shown in self.values:
            if shown.source and (shown.source_label not in latest or shown.updated_at > latest[shown.source_label]):
                latest[shown.source_label] = shown.updated_at
        return sorted(latest.items(), key=lambda item: item[1], reverse=True)


def record_view(section: str, record: object, sources: dict[SourceKey, object]) -> RecordView:
    spec = SECTIONS[section]
    record_id = record.id if spec.is_list else 0
    shown = []
    for field in spec.fields:
        value = getattr(record, field.name)
        origin = sources.get((section, record_id, field.name)) if value is not None else None
        shown.append(Shown(field, value, field.display(value), origin.source if origin else None,
                           source_label(origin.source) if origin else "", origin.updated_at if origin else None))
    return RecordView(spec, record, tuple(shown))


@dataclass(frozen=True)
class BusinessData:
    """Everything マイページ shows of one business."""

    business: Business
    basic: RecordView
    periods: list[RecordView]
    shareholders: list[RecordView]
    officers: list[RecordView]
    offices: list[RecordView]


LIST_SECTIONS = ("period", "shareholder", "officer", "office")


def business_data(session: Session, business: Business, lists: Collection[str] = LIST_SECTIONS) -> BusinessData:
    """基本情報 and the list sections named in `lists`; the others are not read and come back empty.

    Each list section is one query, so a page that needs only 決算期 (the 経営カルテ screen, a
    measure's checklist, the API's financials) passes `lists=("period",)` instead of reading
    株主・役員・事業所 it never shows.
    """
    sources = sources_of(session, business)

    def views(section: str) -> list[RecordView]:
        if section not in lists:
            return []
        return [record_view(section, record, sources) for record in records(session, business, section)]

    return BusinessData(business, record_view("basic", business, sources), views("period"),
                        views("shareholder"), views("officer"), views("office"))


def view_of(session: Session, business: Business, section: str, record_id: int | None = None) -> RecordView:
    """One record with its sources, for a page that shows just that record."""
    record = get_record(session, business, section, record_id)
    return record_view(section, record, sources_of(session, business, section))


def form_values(section: str, record: object | None) -> dict[str, str]:
    """What an edit form shows before the user changes anything."""
    if record is None:
        return {}
    return {spec.name: spec.to_input(getattr(record, spec.name)) for spec in SECTIONS[section].fields}
