"""Removing what one source brought: 解除 of a linked service with 「取り込んだデータを削除」.

Only values whose *current* source is that connector are touched: a figure the user has since typed
over (手入力) or another service has since replaced is not that connector's any more and stays.
Each of the connector's values is put back to what the field held before it — the newest earlier
value from a source that still counts: 手入力, or a service whose data was not deleted since
(`withdrawn` names the services unlinked with 「削除」 and when). A field that never had such a
value is emptied. So with 手入力 → freee → マネーフォワード, removing マネーフォワード brings back freee's
figure and then removing freee brings back the hand-typed one; removed the other way round, the
hand-typed figure comes back once both are gone.

A list record (決算期, 株主, 役員, 事業所) left with no value from a source that still counts is removed
whole. A value the record cannot do without (商号, a period's 決算年月日 and 月数, a required field, or
one a section rule needs) stays where it is and is reported back as kept, so removal never leaves a
record the store would refuse.

The history shows both steps: the connector's value removed, with `unlinked_source(connector)` as its
source (「<service>（連携解除により削除）」), then the earlier value put back, with
`restored_source(origin)` (「手入力（連携解除により復元）」). The restored value's source and date are
its own again. Like every store write this flushes and does not commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Business, User, ValueChange, ValueSource
from portal.store.history import MANUAL, record_change, register_source_label, source_label
from portal.store.reads import records
from portal.store.sections import SECTIONS, Section
from portal.store.writes import remove_loaded_record

UNLINKED_PREFIX = "unlinked:"
RESTORED_PREFIX = "restored:"


def unlinked_source(source: str) -> str:
    """The history source of values removed because the link to `source` was removed."""
    return f"{UNLINKED_PREFIX}{source}"


def restored_source(origin: str) -> str:
    """The history source of an earlier value of `origin` put back when a link was removed."""
    return f"{RESTORED_PREFIX}{origin}"


def register_unlinked_label(source: str, title: str) -> None:
    """Name the removal and restore notes of `source` in the history (called wherever connectors are named)."""
    register_source_label(unlinked_source(source), f"{title}（連携解除により削除）")
    register_source_label(restored_source(source), f"{title}（連携解除により復元）")


register_source_label(restored_source(MANUAL), f"{source_label(MANUAL)}（連携解除により復元）")


@dataclass
class Removal:
    """What `remove_source_values` did, for the page's message and the audit log."""

    cleared: int = 0
    """Values emptied: the field never had a value from elsewhere."""
    restored: int = 0
    """Values put back to what the field held before the connector's."""
    records_removed: dict[str, int] = field(default_factory=dict)
    kept: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def removed_records(self) -> int:
        return sum(self.records_removed.values())

    def summary(self) -> str:
        records = ",".join(f"{name}:{count}" for name, count in sorted(self.records_removed.items()))
        return f"restored={self.restored} cleared={self.cleared} records={records or 0} kept={len(self.kept)}"


@dataclass(frozen=True)
class Earlier:
    """The value a field goes back to: its canonical text (None: empty by hand) and where it came from."""

    text: str | None
    origin: str
    at: datetime
    by_id: int | None


@dataclass(frozen=True)
class Step:
    """One row of a field's history, read as plain values (thousands of them are never ORM objects)."""

    old_value: str | None
    new_value: str | None
    source: str
    at: datetime
    by_id: int | None


@dataclass(frozen=True)
class Origin:
    """Where a field's current value came from (its `ValueSource` row, as plain values)."""

    source: str
    at: datetime


def _origin(change_source: str) -> str | None:
    """The source a history row's new value belongs to; None for a removal note."""
    if change_source.startswith(UNLINKED_PREFIX):
        return None
    return change_source.removeprefix(RESTORED_PREFIX)


def counts(origin: str, at: datetime, removing: str, withdrawn: Mapping[str, datetime]) -> bool:
    """Whether a value `origin` set at `at` may come back while `removing` goes."""
    if origin == MANUAL:
        return True
    return origin != removing and not (origin in withdrawn and at <= withdrawn[origin])


def earlier_value(steps: list[Step], removing: str, withdrawn: Mapping[str, datetime]) -> Earlier | None:
    """The newest value in `steps` (one field's history, oldest first) that may come back; None when
    the field never had one."""
    for step in reversed(steps):
        origin = _origin(step.source)
        if origin is not None and counts(origin, step.at, removing, withdrawn):
            return Earlier(step.new_value, origin, step.at, step.by_id)
    first = steps[0] if steps else None
    if first is not None and first.old_value is not None:  # a value older than the history itself
        return Earlier(first.old_value, MANUAL, first.at, None)
    return None


def _keepable(section: Section, record: object, final: Mapping[str, object]) -> set[str]:
    """The fields among `final` that cannot take their final value without the store refusing the record."""
    keep = {name for name, value in final.items() if value is None and section.spec(name).required}
    merged = {spec.name: getattr(record, spec.name) for spec in section.fields}
    merged.update({name: value for name, value in final.items() if name not in keep})
    keep |= {name for name in section.rules(merged) if name in final}
    return keep


def _histories(session: Session, business: Business, keys: set[tuple[str, int]]) -> dict[tuple, list[Step]]:
    sections = {section for section, _record in keys}
    rows = session.execute(select(ValueChange.section, ValueChange.record_id, ValueChange.field, ValueChange.old_value,
                                  ValueChange.new_value, ValueChange.source, ValueChange.at, ValueChange.changed_by_id)
                           .where(ValueChange.business_id == business.id, ValueChange.section.in_(sections))
                           .order_by(ValueChange.at, ValueChange.id))
    found: dict[tuple, list[Step]] = defaultdict(list)
    for section, record_id, name, old, new, source, at, by_id in rows:
        if (section, record_id) in keys:
            found[(section, record_id, name)].append(Step(old, new, source, at, by_id))
    return found


def _records(session: Session, business: Business, keys: set[tuple[str, int]]) -> dict[tuple[str, int], object]:
    """The records the keys name, one query per list section (the business itself for 基本情報)."""
    found: dict[tuple[str, int], object] = {}
    for section in sorted({section for section, _record in keys}):
        if SECTIONS[section].is_list:
            found.update({(section, record.id): record for record in records(session, business, section)})
        else:
            found[(section, 0)] = business
    return found


def remove_source_values(session: Session, business: Business, source: str, user: User | None = None,
                         withdrawn: Mapping[str, datetime] | None = None) -> Removal:
    """Puts back or empties the values whose current source is `source`, and removes list records left
    with nothing that still counts; see the module docstring. Returns what was done."""
    withdrawn = dict(withdrawn or {})
    sources = {(section, record_id, name): Origin(origin, at) for section, record_id, name, origin, at in session.execute(
        select(ValueSource.section, ValueSource.record_id, ValueSource.field, ValueSource.source, ValueSource.updated_at)
        .where(ValueSource.business_id == business.id)) if section in SECTIONS}
    by_record: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (section_name, record_id, name), origin in sources.items():
        if origin.source == source:
            by_record[(section_name, record_id)].add(name)
    histories = _histories(session, business, set(by_record))
    loaded = _records(session, business, set(by_record))
    result = Removal()
    now, note = clock.now(), unlinked_source(source)
    for (section_name, record_id), names in sorted(by_record.items()):
        section = SECTIONS[section_name]
        record = loaded.get((section_name, record_id))
        if record is None:  # a source row left behind by a record removed long ago
            continue
        earlier = {name: earlier_value(histories.get((section_name, record_id, name), []), source, withdrawn)
                   for name in names}
        final = {name: section.spec(name).from_text(e.text) if e else None for name, e in earlier.items()}
        if section.is_list and not _anything_left(section, record, record_id, names, final, sources, withdrawn):
            remove_loaded_record(session, business, section_name, record, user, source=note)
            result.records_removed[section_name] = result.records_removed.get(section_name, 0) + 1
            continue
        keep = _keepable(section, record, final)
        label = section.record_label(record)
        for name in sorted(names - keep):
            spec, old, new = section.spec(name), getattr(record, name), final[name]
            if old is None and new is None:
                continue
            record_change(session, business, section_name, record_id, label, spec, old, None, note, user, now)
            setattr(record, name, new)
            where = (ValueSource.business_id == business.id, ValueSource.section == section_name,
                     ValueSource.record_id == record_id, ValueSource.field == name)
            if new is None:
                session.execute(delete(ValueSource).where(*where))
                result.cleared += 1
                continue
            origin = earlier[name]
            record_change(session, business, section_name, record_id, label, spec, None, new,
                          restored_source(origin.origin), user, now)
            session.execute(update(ValueSource).where(*where).values(source=origin.origin, updated_at=origin.at,
                                                                     updated_by_id=origin.by_id))
            result.restored += 1
        result.kept.extend((section_name, record_id, name) for name in sorted(keep))
        business.updated_at = now
    session.flush()
    return result


def _anything_left(section: Section, record: object, record_id: int, names: set[str], final: Mapping[str, object],
                   sources: Mapping[tuple, Origin], withdrawn: Mapping[str, datetime]) -> bool:
    """Whether the record keeps a value from a source that still counts once `names` take `final`."""
    if any(value is not None for value in final.values()):
        return True
    for spec in section.fields:
        if spec.name in names or getattr(record, spec.name) is None:
            continue
        origin = sources.get((section.name, record_id, spec.name))
        if origin is None or counts(origin.source, origin.at, "", withdrawn):
            return True
    return False
