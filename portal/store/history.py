"""Where each value of 事業データ came from, and how it changed.

Sources: one `ValueSource` row per field that has a value — 手入力 (`MANUAL`) or the name of a
connector, and when. Writers in the store call `record_sources`; pages read `sources_of` once per
business and look values up by (section, record, field). History: one `ValueChange` row per
change, written by `portal.store.writes` and read back here newest first, in the same wording
マイページ uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Business, User, ValueChange, ValueSource
from portal.store.sections import SECTIONS
from portal.store.values import FieldSpec

MANUAL = "manual"

#: Names shown for sources. Connectors add theirs with `register_source_label`.
SOURCE_LABELS: dict[str, str] = {MANUAL: "手入力"}

SourceKey = tuple[str, int, str]


def register_source_label(source: str, label: str) -> None:
    SOURCE_LABELS[source] = label


def source_label(source: str | None) -> str:
    if source is None:
        return ""
    return SOURCE_LABELS.get(source, source)


def sources_of(session: Session, business: Business, section: str | None = None,
               record_id: int | None = None) -> dict[SourceKey, ValueSource]:
    query = select(ValueSource).where(ValueSource.business_id == business.id)
    if section is not None:
        query = query.where(ValueSource.section == section)
    if record_id is not None:
        query = query.where(ValueSource.record_id == record_id)
    return {(row.section, row.record_id, row.field): row for row in session.scalars(query)}


def record_sources(session: Session, business: Business, section: str, record_id: int,
                   values: dict[str, object], source: str, user: User | None, at: datetime) -> None:
    """Marks `values` (field → new value) as coming from `source`; a cleared value has no source."""
    existing = sources_of(session, business, section, record_id)
    for field, value in values.items():
        row = existing.get((section, record_id, field))
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(ValueSource(business_id=business.id, section=section, record_id=record_id, field=field,
                                    source=source, updated_at=at, updated_by_id=user.id if user else None))
        else:
            row.source, row.updated_at, row.updated_by_id = source, at, user.id if user else None


def record_change(session: Session, business: Business, section: str, record_id: int, record_label: str,
                  spec: FieldSpec, old: object, new: object, source: str, user: User | None, at: datetime) -> None:
    session.add(ValueChange(business_id=business.id, section=section, record_id=record_id, record_label=record_label,
                            field=spec.name, old_value=spec.to_text(old), new_value=spec.to_text(new), source=source,
                            changed_by_id=user.id if user else None, at=at))


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    section: str
    section_label: str
    record_id: int
    record_label: str
    field: str
    field_label: str
    old_text: str
    new_text: str
    source: str
    source_label: str
    changed_by: str


def _query(business: Business, section: str | None, record_id: int | None):
    query = select(ValueChange).where(ValueChange.business_id == business.id)
    if section is not None:
        query = query.where(ValueChange.section == section)
    if record_id is not None:
        query = query.where(ValueChange.record_id == record_id)
    return query


def count_history(session: Session, business: Business, section: str | None = None,
                  record_id: int | None = None) -> int:
    subquery = _query(business, section, record_id).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def history(session: Session, business: Business, section: str | None = None, record_id: int | None = None,
            limit: int = 50, offset: int = 0) -> list[HistoryLine]:
    """Changes of `business`, newest first; narrowed to one section or one record when given."""
    query = (_query(business, section, record_id).add_columns(User.display_name, User.email)
             .outerjoin(User, User.id == ValueChange.changed_by_id)
             .order_by(ValueChange.at.desc(), ValueChange.id.desc()).limit(limit).offset(offset))
    return [_line(change, name or email or "") for change, name, email in session.execute(query)]


def _line(change: ValueChange, user_name: str) -> HistoryLine:
    section = SECTIONS.get(change.section)
    spec = next((f for f in section.fields if f.name == change.field), None) if section else None

    def shown(text: str | None) -> str:
        if text is None:
            return ""
        return spec.display(spec.from_text(text)) if spec else text

    return HistoryLine(change.at, change.section, section.label if section else change.section, change.record_id,
                       change.record_label, change.field, spec.label if spec else change.field,
                       shown(change.old_value), shown(change.new_value), change.source,
                       source_label(change.source), user_name)
