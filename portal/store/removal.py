"""Removing what one source brought: 解除 of a linked service with 「取り込んだデータを削除」.

The rule is "the values whose *current* source is that connector": a figure the user has since
typed over (source 手入力) or another service has since replaced is not that connector's any more
and stays. A list record (決算期, 株主, 役員, 事業所) every stored value of which came from the
connector is removed whole; in a record with values from elsewhere only the connector's values are
cleared. A value the record cannot do without (商号, a period's 決算年月日 and 月数, a required
field, or one a section rule needs) stays where it is and is reported back as kept, so removal
never leaves a record the store would refuse.

Each removed value goes to the history like any change, with `unlinked_source(connector)` as its
source, which the history shows as 「<service>（連携解除により削除）」: the note that the value went
because the link was removed. Like every store write this flushes and does not commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Business, User, ValueSource
from portal.store.history import register_source_label
from portal.store.reads import get_record
from portal.store.sections import SECTIONS
from portal.store.writes import remove_record, write_record

UNLINKED_PREFIX = "unlinked:"


def unlinked_source(source: str) -> str:
    """The history source of values removed because the link to `source` was removed."""
    return f"{UNLINKED_PREFIX}{source}"


def register_unlinked_label(source: str, title: str) -> None:
    """Name the removal note of `source` in the history (called wherever connectors are named)."""
    register_source_label(unlinked_source(source), f"{title}（連携解除により削除）")


@dataclass
class Removal:
    """What `remove_source_values` did, for the page's message and the audit log."""

    cleared: int = 0
    records_removed: dict[str, int] = field(default_factory=dict)
    kept: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def removed_records(self) -> int:
        return sum(self.records_removed.values())

    def summary(self) -> str:
        records = ",".join(f"{name}:{count}" for name, count in sorted(self.records_removed.items()))
        return f"cleared={self.cleared} records={records or 0} kept={len(self.kept)}"


def _keepable(section_name: str, record: object, names: set[str]) -> set[str]:
    """The fields among `names` that cannot be emptied in `record` without the store refusing it."""
    section = SECTIONS[section_name]
    keep = {spec.name for spec in section.fields if spec.required and spec.name in names}
    merged = {spec.name: getattr(record, spec.name) for spec in section.fields}
    for name in names - keep:
        merged[name] = None
    for name in section.rules(merged):
        if name in names:
            keep.add(name)
    return keep


def remove_source_values(session: Session, business: Business, source: str,
                         user: User | None = None) -> Removal:
    """Clears (or, for list records wholly from `source`, removes) the values whose current source
    is `source`; see the module docstring. Returns what was done."""
    rows = session.scalars(select(ValueSource).where(ValueSource.business_id == business.id,
                                                     ValueSource.source == source))
    by_record: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in rows:
        if row.section in SECTIONS:
            by_record[(row.section, row.record_id)].add(row.field)
    note = unlinked_source(source)
    result = Removal()
    for (section_name, record_id), names in sorted(by_record.items()):
        section = SECTIONS[section_name]
        record = get_record(session, business, section_name, record_id if section.is_list else None)
        filled = {spec.name for spec in section.fields if getattr(record, spec.name) is not None}
        if section.is_list and filled <= names:
            remove_record(session, business, section_name, record.id, user, source=note)
            result.records_removed[section_name] = result.records_removed.get(section_name, 0) + 1
            continue
        keep = _keepable(section_name, record, names)
        clear = {name: None for name in names - keep if getattr(record, name) is not None}
        if clear:
            changes = write_record(session, business, section, record, clear, note, user)
            result.cleared += len(changes)
        result.kept.extend((section_name, record_id, name) for name in sorted(keep))
    session.flush()
    return result
