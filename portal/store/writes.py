"""Writing 事業データ: the only code that changes the section tables.

Every write goes the same way: clean all values (nothing is written when one is wrong), compare
with what is stored, change only what differs, and for each change add a history row and mark the
value's source. Functions flush but do not commit, so that a caller (a page, a connector's sync)
makes one transaction of a whole use case and a failure leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Business, FinancialPeriod, User, ValueSource
from portal.store.errors import InvalidValues
from portal.store.history import MANUAL, record_change, record_sources
from portal.store.reads import get_record
from portal.store.sections import SECTIONS, Section
from portal.store.values import FieldProblem


#: The refusal of a 法人番号 someone already registered: the page links it to how members are added.
CORPORATE_NUMBER_TAKEN = ("この法人番号の事業者は既に登録されています。同じ会社の管理者の方に、"
                          "メンバーとして招待してもらってください。")


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


def clean_values(section: Section, values: Mapping[str, object], current: object | None = None) -> dict[str, object]:
    """Canonical values for the fields given (all fields for a new record), or `InvalidValues`."""
    unknown = set(values) - {spec.name for spec in section.fields}
    if unknown:
        raise ValueError(f"{section.name} has no fields {sorted(unknown)}")
    specs = section.fields if current is None else [spec for spec in section.fields if spec.name in values]
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            cleaned[spec.name] = spec.clean(values.get(spec.name))
        except FieldProblem as problem:
            errors[spec.name] = problem.message
    merged = {spec.name: getattr(current, spec.name) for spec in section.fields} if current is not None else {}
    merged.update(cleaned)
    for field, message in section.rules(merged).items():
        errors.setdefault(field, message)
    if errors:
        raise InvalidValues(errors)
    return cleaned


def _check_unique(session: Session, business: Business | None, section: Section, record: object,
                  cleaned: Mapping[str, object]) -> None:
    if section.name == "basic" and cleaned.get("corporate_number"):
        query = select(Business.id).where(Business.corporate_number == cleaned["corporate_number"])
        if record.id:
            query = query.where(Business.id != record.id)
        if session.scalar(query) is not None:
            raise InvalidValues({"corporate_number": CORPORATE_NUMBER_TAKEN})
    if section.name == "period" and cleaned.get("period_end"):
        query = select(FinancialPeriod.id).where(FinancialPeriod.business_id == business.id,
                                                 FinancialPeriod.period_end == cleaned["period_end"])
        if record.id:
            query = query.where(FinancialPeriod.id != record.id)
        if session.scalar(query) is not None:
            raise InvalidValues({"period_end": "この決算年月日の決算期は既に登録されています。"})


def write_record(session: Session, business: Business | None, section: Section, record: object,
                 values: Mapping[str, object], source: str, user: User | None) -> list[Change]:
    """Cleans `values`, writes those that differ from `record`, records history and sources."""
    is_new = getattr(record, "id", None) is None
    cleaned = clean_values(section, values, None if is_new else record)
    _check_unique(session, business, section, record, cleaned)
    changes = [Change(name, getattr(record, name), new) for name, new in cleaned.items()
               if getattr(record, name) != new]
    if not changes and not is_new:
        return []
    for change in changes:
        setattr(record, change.field, change.new)
    if business is None:  # a business being created is its own 基本情報 record
        business = record
    elif section.is_list:
        record.business_id = business.id
    session.add(record)
    session.flush()
    record_id = record.id if section.is_list else 0
    now = clock.now()
    label = section.record_label(record)
    for change in changes:
        record_change(session, business, section.name, record_id, label, section.spec(change.field), change.old,
                      change.new, source, user, now)
    record_sources(session, business, section.name, record_id, {c.field: c.new for c in changes}, source, user, now)
    business.updated_at = now
    session.flush()
    return changes


def update_fields(session: Session, business: Business, section: str, record_id: int | None,
                  values: Mapping[str, object], source: str = MANUAL, user: User | None = None) -> list[Change]:
    """Changes some fields of one record (`record_id` None for 基本情報). Returns what changed."""
    record = get_record(session, business, section, record_id)
    return write_record(session, business, SECTIONS[section], record, values, source, user)


def add_record(session: Session, business: Business, section: str, values: Mapping[str, object],
               source: str = MANUAL, user: User | None = None) -> object:
    spec = SECTIONS[section]
    if not spec.is_list:
        raise ValueError("基本情報 is not a list; use update_fields")
    record = spec.model()
    write_record(session, business, spec, record, values, source, user)
    return record


def remove_record(session: Session, business: Business, section: str, record_id: int,
                  user: User | None = None, source: str = MANUAL) -> None:
    """Removes one record of a list; its values go to history as cleared."""
    record = get_record(session, business, section, record_id)
    remove_loaded_record(session, business, section, record, user, source)
    session.flush()


def remove_loaded_record(session: Session, business: Business, section: str, record: object,
                         user: User | None = None, source: str = MANUAL) -> None:
    """`remove_record` for a record the caller has already read (of `business`); does not flush."""
    spec = SECTIONS[section]
    if not spec.is_list:
        raise ValueError("基本情報 cannot be removed")
    now, label = clock.now(), spec.record_label(record)
    for field in spec.fields:
        value = getattr(record, field.name)
        if value is not None:
            record_change(session, business, section, record.id, label, field, value, None, source, user, now)
    session.execute(delete(ValueSource).where(ValueSource.business_id == business.id, ValueSource.section == section,
                                              ValueSource.record_id == record.id))
    session.delete(record)
    business.updated_at = now
