"""A call a live Jグランツ sync brings that the catalogue already has: update it, never add a second.

Jグランツ names a call by its own id, but the same programme is often in the catalogue already —
imported earlier under another Jグランツ id (a new 公募回), or written by hand or from ミラサポplus
(「中小企業省力化投資補助金（一般型）」 of the demo data). A record is the same measure as a stored one
when it has the same official id — its 管理番号 (`number`, e.g. S-00008123) or a stored measure whose
link names its Jグランツ id — or the same title and the same authority. The Jグランツ API names no
ministry (the importer writes a placeholder authority), so for such a record "the same authority"
means the same area: the same prefectures, or both nationwide.

A duplicate of an earlier Jグランツ row is imported under that row's id, so the importer updates it
in place. A duplicate of a measure from another source keeps that measure's own text and tags (the
catalogue's wording is richer than a call listing) and takes only what the call knows better: its
period, its maximum amount and rate, its 電子申請 link and its 管理番号.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import clock
from portal.content.importers import jgrants
from portal.content.records import SupportRecord
from portal.models import Support

#: What a call listing knows better than the catalogue's own entry for the same programme.
CALL_FIELDS = ("reception_start", "reception_end", "subsidy_max_limit", "subsidy_rate", "application_url", "number")


def _same_area(row: Support, record: SupportRecord) -> bool:
    named = {a.get("name") for a in record.authorities if a.get("name") != jgrants.AUTHORITY["name"]}
    if named:
        return bool(named & {a.get("name") for a in row.authorities})
    return sorted(record.tags.get("prefecture", [])) == row.tag_values("prefecture")


def find_duplicate(session: Session, record: SupportRecord) -> Support | None:
    """The stored measure `record` is another copy of, if any (not the one with its own source id)."""
    conditions = [Support.title == record.title.strip()]
    if record.number:
        conditions.append(Support.number == record.number)
    conditions.append(Support.application_url.contains(record.source_id))
    conditions.append(Support.source_url.contains(record.source_id))
    candidates = [row for row in session.scalars(select(Support).where(or_(*conditions)).order_by(Support.id))
                  if (row.source, row.source_id) != (record.source, record.source_id)]
    for row in candidates:  # an official id first: it is the stronger evidence
        if (record.number and row.number == record.number) or record.source_id in (row.application_url or "") \
                or record.source_id in (row.source_url or ""):
            return row
    return next((row for row in candidates if row.title == record.title.strip() and _same_area(row, record)), None)


def _take_call_fields(row: Support, record: SupportRecord) -> bool:
    changed = False
    for name in CALL_FIELDS:
        value = getattr(record, name)
        if value in (None, "") or getattr(row, name) == value:
            continue
        setattr(row, name, value)
        changed = True
    if changed:
        row.updated_at = row.imported_at = clock.now()
    return changed


def fold_duplicates(session: Session, records: Sequence[SupportRecord]) -> tuple[list[SupportRecord], list[int]]:
    """The records still to import (a duplicate of a Jグランツ row renamed to its id), and the ids of
    the measures of other sources that were updated in place."""
    direct = dict(session.execute(select(Support.source_id, Support.id).where(
        Support.source == jgrants.SOURCE, Support.source_id.in_([r.source_id for r in records]))).all())
    known = set(direct)
    remaining: list[SupportRecord] = []
    updated: list[int] = []
    claimed: set[int] = set(direct.values())  # a row its own record updates is no one else's duplicate
    for record in records:
        duplicate = None if record.source_id in known else find_duplicate(session, record)
        if duplicate is None or duplicate.id in claimed:
            remaining.append(record)
            continue
        claimed.add(duplicate.id)
        if duplicate.source == record.source:
            remaining.append(replace(record, source_id=duplicate.source_id))
        elif _take_call_fields(duplicate, record):
            updated.append(duplicate.id)
    session.flush()
    return remaining, updated
