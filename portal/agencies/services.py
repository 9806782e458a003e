"""Searching the agency directory: filters, facet counts and paging over an in-memory copy.

The directory is read in one statement and kept per process until it changes (its row count, last
id or last update moves), so a search page runs a fixed, small number of statements however many
agencies there are, and nothing per agency. Facet counts follow the navi's rule: each count is the
number of results ticking that value would give (the current search with that facet's own filter
left out).
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import taxonomy
from portal.agencies.params import AgencyQuery
from portal.models import AgencyKind, SupportAgency

MAX_SPECIALTY_CHOICES = 30
_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """What a result line shows and what the filters look at, for one agency."""

    id: int
    name: str
    kind: AgencyKind
    certification_number: str
    prefecture: str | None
    address: str | None
    specialties: tuple[str, ...]
    regions: frozenset[str]
    nationwide: bool
    valid_until: date | None
    text: str  # name, kind, certification number, address and specialties, folded for matching

    def serves(self, prefecture: str) -> bool:
        return self.nationwide or self.prefecture == prefecture or prefecture in self.regions

    def expired_on(self, day: date) -> bool:
        return self.valid_until is not None and self.valid_until < day

    @property
    def region_names(self) -> list[str]:
        return region_names(self.regions, self.nationwide)


@dataclass
class FacetValue:
    id: str
    name: str
    count: int
    selected: bool


@dataclass
class AgencyResult:
    query: AgencyQuery
    total: int
    items: list[Entry]
    facets: dict[str, list[FacetValue]]
    expired_count: int  # expired agencies the search would add with 「有効期限切れも表示」

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def region_names(regions: Iterable[str], nationwide: bool) -> list[str]:
    """対応地域 as words: 全国, or the prefectures in JIS order."""
    if nationwide:
        return ["全国"]
    return [taxonomy.PREFECTURES[code] for code in sorted(set(regions)) if code in taxonomy.PREFECTURES]


def fold(text: str) -> str:
    """Full-width and half-width, upper and lower case alike, as people type them."""
    return unicodedata.normalize("NFKC", text).casefold()


def _entry(row: SupportAgency) -> Entry:
    prefecture_name = taxonomy.PREFECTURES.get(row.prefecture or "", "")
    specialties = tuple(row.specialties or ())
    text = " ".join([row.name, row.kind.label, row.certification_number, prefecture_name, row.address or "",
                     *specialties])
    return Entry(row.id, row.name, row.kind, row.certification_number, row.prefecture, row.address, specialties,
                 frozenset(row.regions or ()), bool(row.nationwide), row.valid_until, fold(text))


def directory(session: Session) -> list[Entry]:
    """Every agency, read again only when the directory has changed since the last read."""
    version = tuple(session.execute(select(func.count(SupportAgency.id), func.max(SupportAgency.id),
                                           func.max(SupportAgency.updated_at))).one())
    cache = current_app.extensions.setdefault("agency_directory", {})
    if cache.get("version") != version:
        with _lock:
            if cache.get("version") != version:
                rows = session.scalars(select(SupportAgency).order_by(SupportAgency.id))
                cache["entries"] = [_entry(row) for row in rows]
                cache["version"] = version
    return cache["entries"]


def _matches_text(entry: Entry, words: list[str]) -> bool:
    return all(word in entry.text for word in words)


def search(session: Session, query: AgencyQuery, today: date) -> AgencyResult:
    words = fold(query.q).split()
    texted = [e for e in directory(session) if _matches_text(e, words)]
    tests = {
        "prefecture": (lambda e: e.serves(query.prefecture)) if query.prefecture else None,
        "kind": (lambda e: e.kind.value in query.kind) if query.kind else None,
        "specialty": (lambda e: any(s in query.specialty for s in e.specialties)) if query.specialty else None,
        "valid": None if query.expired else (lambda e: not e.expired_on(today)),
    }

    def passing(*leave_out: str) -> list[Entry]:
        active = [test for name, test in tests.items() if test is not None and name not in leave_out]
        return [e for e in texted if all(test(e) for test in active)]

    results = passing()
    results.sort(key=lambda e: (e.expired_on(today), e.prefecture or "99", e.name, e.id))
    facets = {
        "prefecture": _prefecture_counts(passing("prefecture"), query),
        "kind": _kind_counts(passing("kind"), query),
        "specialty": _specialty_counts(passing("specialty"), query),
    }
    expired_count = 0 if query.expired else sum(e.expired_on(today) for e in passing("valid"))
    start = (query.page - 1) * query.per_page
    return AgencyResult(query, len(results), results[start:start + query.per_page], facets, expired_count)


def _prefecture_counts(entries: list[Entry], query: AgencyQuery) -> list[FacetValue]:
    counts: Counter[str] = Counter()
    nationwide = 0
    for entry in entries:
        if entry.nationwide:
            nationwide += 1
            continue
        counts.update({entry.prefecture, *entry.regions} - {None})
    return [FacetValue(code, name, counts[code] + nationwide, code == query.prefecture)
            for code, name in taxonomy.PREFECTURES.items()]


def _kind_counts(entries: list[Entry], query: AgencyQuery) -> list[FacetValue]:
    counts = Counter(entry.kind for entry in entries)
    return [FacetValue(kind.value, kind.label, counts[kind], kind.value in query.kind) for kind in AgencyKind]


def _specialty_counts(entries: list[Entry], query: AgencyQuery) -> list[FacetValue]:
    """The most common specialties of these agencies (the chosen ones always among them)."""
    counts = Counter(s for entry in entries for s in set(entry.specialties))
    common = [name for name, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    shown = common[:MAX_SPECIALTY_CHOICES]
    shown += [name for name in query.specialty if name not in shown]
    return [FacetValue(name, name, counts[name], name in query.specialty) for name in shown]
