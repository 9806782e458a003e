"""Which changed measures matter to whom: saved searches and a business's profile and interests.

A saved search is matched with exactly the navi's own semantics (its text search and filters over
the in-memory catalog), restricted to the measures that changed, so an alert never disagrees with
what the user sees when they open the saved search. Profile matching is the recommendation's
(`portal.recommend.profile.eligible_reasons`), so alerts and おすすめ give the same reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from portal.models import Business, SavedSearch, Support
from portal.navi import services as navi
from portal.navi.bits import mask_of, positions_of
from portal.navi.catalog import get_catalog
from portal.navi.params import InvalidParameter, NaviQuery, parse_query
from portal.recommend.profile import eligible_reasons


def saved_query(search: SavedSearch) -> NaviQuery | None:
    """The saved search as a navi query, or None when it no longer parses (kept, but never matches)."""
    try:
        return parse_query(MultiDict(parse_qsl(search.query, keep_blank_values=True)), "supports")
    except InvalidParameter:
        return None


def search_matches(session: Session, query: NaviQuery, candidates: Iterable[int], today: date) -> set[int]:
    """The candidate measure ids that the navi would list for `query` today."""
    catalog = get_catalog(session, "supports")
    mask = mask_of(catalog.position[i] for i in candidates if i in catalog.position)
    if not mask:
        return set()
    if query.q:
        text_mask, _found = navi.text_match(catalog, query)
        mask &= text_mask
    for filter_mask in navi.filter_masks(catalog, query, today).values():
        mask &= filter_mask
    return {catalog.ids[p] for p in positions_of(mask)}


def profile_reasons(session: Session, business: Business, support: Support, today: date) -> list[str] | None:
    """Why the measure suits the business (None: it does not), as the recommendations say it."""
    return eligible_reasons(session, business, support, today)
