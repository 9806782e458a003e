"""The in-memory catalog behind the navi: every measure's (or case's) filter values as bitsets.

It is rebuilt when the content version in the database moves (see `ContentState`), so several
web processes stay correct without sharing memory. Text search narrows the set through the
search adapter; filters, facet counts and sorting happen here; only the page of rows shown is
read from the database.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.content.versions import recent_content_version
from portal.content.status import derive_status
from portal.models import Case, CaseTag, Support, SupportTag, case_supports
from portal.eligibility import Terms, entity_of
from portal.navi.bits import mask_of

_lock = threading.Lock()


@dataclass
class Catalog:
    kind: str
    version: int
    ids: list[int]
    tags: dict[str, dict[str, int]]
    # Supports only: filters with "unrestricted" meaning (no prefecture = 全国, no industry = 全業種).
    nationwide: int = 0
    all_industries: int = 0
    updated: list[float] = field(default_factory=list)
    periods: list[tuple] = field(default_factory=list)  # (start, end, unpublish, remarks)
    max_employees: list[int | None] = field(default_factory=list)
    max_capital: list[int | None] = field(default_factory=list)
    terms: list[Terms] = field(default_factory=list)  # supports: each measure's stated conditions
    _by_day: dict[date, tuple[int, list[tuple]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.position = {item_id: index for index, item_id in enumerate(self.ids)}
        self.all = (1 << len(self.ids)) - 1
        self.by_updated = sorted(range(len(self.ids)), key=lambda p: -self.updated[p])
        self.rank_by_updated = {p: r for r, p in enumerate(self.by_updated)}

    def mask(self, kind: str, value: str) -> int:
        return self.tags.get(kind, {}).get(value, 0)

    def day(self, today: date) -> tuple[int, list[tuple]]:
        """(mask of measures accepting applications today, deadline sort key per position)."""
        if today not in self._by_day:
            accepting, keys = [], []
            for position, (start, end, unpublish, remarks) in enumerate(self.periods):
                status = derive_status(today, start, end, unpublish, remarks)
                if status.accepting:
                    accepting.append(position)
                order = {"open": 0, "upcoming": 1, "always": 2, "unknown": 3, "closed": 4}[status.code]
                when = status.deadline.toordinal() if status.deadline else 0
                keys.append((order, when if order < 4 else -when, -self.updated[position]))
            self._by_day = {today: (mask_of(accepting), keys)}
        return self._by_day[today]

    def fits(self, employees: int | None, capital: int | None) -> int:
        """Measures whose known size limits admit a company of this size."""
        if employees is None and capital is None:
            return self.all
        positions = [
            p for p in range(len(self.ids))
            if (employees is None or self.max_employees[p] is None or employees <= self.max_employees[p])
            and (capital is None or self.max_capital[p] is None or capital <= self.max_capital[p])
        ]
        return mask_of(positions)


def _timestamp(value: datetime | None) -> float:
    return value.timestamp() if value else 0.0


def _tag_masks(rows, position: dict[int, int]) -> dict[str, dict[str, int]]:
    grouped: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item_id, kind, value in rows:
        if item_id in position:
            grouped[kind][value].append(position[item_id])
    return {kind: {value: mask_of(ps) for value, ps in values.items()} for kind, values in grouped.items()}


def build_support_catalog(session: Session, version: int) -> Catalog:
    rows = session.execute(select(
        Support.id, Support.updated_at, Support.reception_start, Support.reception_end,
        Support.unpublish_date, Support.reception_remarks, Support.max_employees, Support.max_capital,
        Support.max_established_years, Support.target,
    ).order_by(Support.id)).all()
    ids = [row[0] for row in rows]
    position = {item_id: index for index, item_id in enumerate(ids)}
    tag_rows = list(session.execute(select(SupportTag.support_id, SupportTag.kind, SupportTag.value)))
    tags = _tag_masks(tag_rows, position)
    places: dict[int, set[str]] = defaultdict(set)
    trades: dict[int, set[str]] = defaultdict(set)
    for support_id, kind, value in tag_rows:
        if kind == "prefecture":
            places[support_id].add(value)
        elif kind == "industry":
            trades[support_id].add(value)
    everything = (1 << len(ids)) - 1
    catalog = Catalog(
        kind="supports", version=version, ids=ids, tags=tags,
        updated=[_timestamp(row[1]) for row in rows],
        periods=[(row[2], row[3], row[4], row[5]) for row in rows],
        max_employees=[row[6] for row in rows], max_capital=[row[7] for row in rows],
        terms=[Terms(frozenset(places[row[0]]), frozenset(trades[row[0]]), row[6], row[7], row[8], entity_of(row[9]))
               for row in rows],
    )
    restricted_pref = 0
    for mask in tags.get("prefecture", {}).values():
        restricted_pref |= mask
    restricted_ind = 0
    for mask in tags.get("industry", {}).values():
        restricted_ind |= mask
    catalog.nationwide = everything & ~restricted_pref
    catalog.all_industries = everything & ~restricted_ind
    return catalog


def build_case_catalog(session: Session, version: int) -> Catalog:
    rows = session.execute(select(Case.id, Case.updated_at).order_by(Case.id)).all()
    ids = [row[0] for row in rows]
    position = {item_id: index for index, item_id in enumerate(ids)}
    tag_rows = list(session.execute(select(CaseTag.case_id, CaseTag.kind, CaseTag.value)))
    tag_rows += [(case_id, "support", str(support_id)) for case_id, support_id in
                 session.execute(select(case_supports.c.case_id, case_supports.c.support_id))]
    return Catalog(kind="cases", version=version, ids=ids, tags=_tag_masks(tag_rows, position),
                   updated=[_timestamp(row[1]) for row in rows])


BUILDERS = {"supports": build_support_catalog, "cases": build_case_catalog}


def get_catalog(session: Session, kind: str, app: Flask | None = None) -> Catalog:
    """The current catalog of `kind`, rebuilt when the content changed since it was built."""
    app = app or current_app
    catalogs = app.extensions.setdefault("navi_catalogs", {})
    version = recent_content_version(session, kind, app.config["CONTENT_VERSION_MAX_AGE"])
    catalog = catalogs.get(kind)
    if catalog is None or catalog.version != version:
        with _lock:
            catalog = catalogs.get(kind)
            if catalog is None or catalog.version != version:
                catalog = BUILDERS[kind](session, version)
                catalogs[kind] = catalog
    return catalog
