"""Searching measures and cases: text through the search adapter, filters and facets in the catalog.

Facet counts follow contracts.md: for each facet, the current query with that facet's own filter
left out, so each count says how many results ticking that value would give. The text index is
asked about the catalog's content version (`current_index`), so it catches up when the catalog
does; a result built while it still lags is marked not `cacheable`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only, selectinload

from portal import taxonomy
from portal.content.freshness import current_index
from portal.db import get_session
from portal.models import Case, Support
from portal.eligibility import Facts, fitting_mask
from portal.navi.bits import any_of, mask_of, positions_of
from portal.navi.catalog import Catalog, get_catalog
from portal.navi.params import NaviQuery
from portal.search import TextMatch, synonyms

SUPPORT_FACETS = ("purpose", "stage", "service", "industry", "prefecture")
# What a result list shows: loading whole rows (bodies of several kilobytes) was a fifth of a page.
# A case shows the titles of the measures it used, not their tags (which `Support.tags` would load).
LIST_COLUMNS = {
    "supports": (load_only(Support.id, Support.title, Support.subtitle, Support.summary, Support.reception_start,
                           Support.reception_end, Support.unpublish_date, Support.reception_remarks,
                           Support.authorities, Support.updated_at),),
    "cases": (load_only(Case.id, Case.title, Case.summary, Case.year, Case.company_name, Case.updated_at),
              selectinload(Case.supports).load_only(Support.id, Support.title).lazyload(Support.tags)),
}
CASE_FACETS = ("purpose", "industry", "prefecture")


@dataclass
class FacetValue:
    id: str | int
    name: str
    count: int
    selected: bool


@dataclass
class NaviResult:
    query: NaviQuery
    total: int
    items: list
    facets: dict[str, list[FacetValue]]
    open_count: int = 0
    # 自社が対象になりそうなもの: how many of the results with every other filter (None: no business)
    eligible_count: int | None = None
    cacheable: bool = True  # False while the text index lags behind the catalog

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def facet_names(kind: str, facet: str) -> list[tuple[str | int, str]]:
    if facet == "purpose":
        return list(taxonomy.PURPOSES.items())
    if facet == "stage":
        return [(k, name) for k, (name, _group) in taxonomy.STAGES.items()]
    if facet == "service":
        return list(taxonomy.SERVICES.items())
    if facet == "industry":
        return list(taxonomy.INDUSTRIES.items())
    if facet == "prefecture":
        return list(taxonomy.PREFECTURES.items())
    raise KeyError(facet)


def filter_masks(catalog: Catalog, query: NaviQuery, today: date, facts: Facts | None = None) -> dict[str, int]:
    """One mask per active filter; AND them for the result, leave one out for its facet."""
    masks: dict[str, int] = {}
    for name in ("purpose", "stage", "service"):
        values = getattr(query, name)
        if values:
            masks[name] = any_of(catalog.mask(name, str(v)) for v in values)
    if query.industry:
        masks["industry"] = any_of(catalog.mask("industry", v) for v in query.industry)
        if catalog.kind == "supports":
            masks["industry"] |= catalog.all_industries
    if query.prefecture:
        masks["prefecture"] = catalog.mask("prefecture", query.prefecture)
        if catalog.kind == "supports":
            masks["prefecture"] |= catalog.nationwide
    if query.support:
        masks["support"] = any_of(catalog.mask("support", str(v)) for v in query.support)
    if query.open:
        masks["open"] = catalog.day(today)[0]
    if query.employees is not None or query.capital is not None:
        masks["fit"] = catalog.fits(query.employees, query.capital)
    if query.eligible and facts is not None and catalog.kind == "supports":
        masks["eligible"] = fitting_mask(catalog, facts, today)
    return masks


def _typed_match(index, q: str, version: int | None) -> TextMatch | None:
    """`q` as people type it: the last word may be unfinished (a prefix), and an everyday word from
    the synonym table (パン屋, 居酒屋 …) matches any of the words the catalog uses for it."""
    tokens = q.split()
    if not any(synonyms.words_for(token) for token in tokens):
        return index.match(q, version=version, prefix=True)
    words: list[dict[str, frozenset[str]]] = []
    current = True
    for position, token in enumerate(tokens):
        last = position == len(tokens) - 1
        alternatives = synonyms.words_for(token)
        if alternatives is None:
            found = index.match(token, version=version, prefix=last)
            if found is not None:
                words += found.words
                current = current and found.current
            continue
        merged: dict[str, set[str]] = {}
        for word in alternatives:
            found = index.match(word, version=version)
            if found is None:
                continue
            current = current and found.current
            for fields in found.words[:1] if len(found.words) == 1 else [_all_of(found)]:
                for name, ids in fields.items():
                    merged.setdefault(name, set()).update(ids)
        words.append({name: frozenset(ids) for name, ids in merged.items()})
    return TextMatch(tuple(words), current) if words else None


def _all_of(found: TextMatch) -> dict[str, frozenset[str]]:
    """A several-word alternative (「飲食 店」) as one word: the documents matching all its words."""
    ids = frozenset(found.ids())
    return {name: frozenset(i for i in ids if any(i in f.get(name, ()) for f in found.words))
            for name in found.words[0]}


def text_match(catalog: Catalog, query: NaviQuery, session: Session | None = None) -> tuple[int, TextMatch | None]:
    """The positions whose text matches `q` (everything when there is no searchable word)."""
    if not query.q:
        return catalog.all, None
    index, current = current_index(session or get_session(), catalog.kind, catalog.version)
    found = _typed_match(index, query.q, catalog.version if current else None)
    if found is None:
        return catalog.all, None
    if not current:
        found = replace(found, current=False)
    position = catalog.position
    return mask_of(position[p] for p in (int(i) for i in found.ids()) if p in position), found


def _facet_counts(catalog: Catalog, facet: str, base: int, selected: set) -> list[FacetValue]:
    out = []
    extra = 0
    if catalog.kind == "supports" and facet == "prefecture":
        extra = catalog.nationwide
    elif catalog.kind == "supports" and facet == "industry":
        extra = catalog.all_industries
    for value_id, name in facet_names(catalog.kind, facet):
        count = (base & (catalog.mask(facet, str(value_id)) | extra)).bit_count()
        out.append(FacetValue(value_id, name, count, value_id in selected))
    return out


def _ordered(catalog: Catalog, mask: int, query: NaviQuery, found: TextMatch | None, today: date) -> list[int]:
    sort = query.effective_sort
    if sort == "relevance" and found is not None:
        positions = positions_of(mask)
        scores = found.scores(str(catalog.ids[p]) for p in positions)
        rank = catalog.rank_by_updated  # ties: the newest first
        return sorted(positions, key=lambda p: (-scores[str(catalog.ids[p])], rank[p]))
    if sort == "deadline" and catalog.kind == "supports":
        keys = catalog.day(today)[1]
        return sorted(positions_of(mask), key=lambda p: keys[p])
    members = set(positions_of(mask))
    return [p for p in catalog.by_updated if p in members]


def search(session: Session, query: NaviQuery, today: date, facts: Facts | None = None) -> NaviResult:
    """`facts` (the logged-in business's, see `portal.eligibility`) enable the `eligible` filter."""
    catalog = get_catalog(session, query.kind)
    text_mask, found = text_match(catalog, query, session)
    masks = filter_masks(catalog, query, today, facts)
    result_mask = text_mask
    for mask in masks.values():
        result_mask &= mask
    facets = {}
    for facet in SUPPORT_FACETS if query.kind == "supports" else CASE_FACETS:
        base = text_mask
        for name, mask in masks.items():
            if name != facet:
                base &= mask
        selected = set(getattr(query, facet)) if facet != "prefecture" else {query.prefecture}
        facets[facet] = _facet_counts(catalog, facet, base, selected)
    open_count = 0
    if query.kind == "supports":
        base = text_mask
        for name, mask in masks.items():
            if name != "open":
                base &= mask
        open_count = (base & catalog.day(today)[0]).bit_count()
    eligible_count = None
    if query.kind == "supports" and facts is not None:
        base = text_mask
        for name, mask in masks.items():
            if name != "eligible":
                base &= mask
        eligible_count = (base & fitting_mask(catalog, facts, today)).bit_count()
    ordered = _ordered(catalog, result_mask, query, found, today)
    start = (query.page - 1) * query.per_page
    page_ids = [catalog.ids[p] for p in ordered[start:start + query.per_page]]
    model = Support if query.kind == "supports" else Case
    rows = {}
    if page_ids:
        statement = select(model).where(model.id.in_(page_ids)).options(*LIST_COLUMNS[query.kind])
        rows = {row.id: row for row in session.scalars(statement)}
    return NaviResult(query=query, total=result_mask.bit_count(), items=[rows[i] for i in page_ids if i in rows],
                      facets=facets, open_count=open_count, eligible_count=eligible_count, cacheable=found is None or found.current)
