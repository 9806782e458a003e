"""Putting the methods together for a page: a person's blended list, an item's similar items.

Every list is computed for the person asking, from their own events, saved items, business and
report; nothing here takes another person's id. Items a business cannot use (a closed call, another
prefecture…) are removed from every method's list, not only from the profile method's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from portal import eligibility, store, taxonomy
from portal.content.status import status_of
from portal.events.services import recent_items
from portal.events.writer import event_writer
from portal.models import Business, Case, Support, User
from portal.mylist.services import saved_ids
from portal.recommend import locaben, profile
from portal.recommend.blend import blend
from portal.recommend.collaborative import ItemSimilarity, Scored
from portal.recommend.interests import Interests
from portal.recommend.items import TYPE_WORDS, Item, Recommendation
from portal.recommend.model import get_model


@dataclass
class Personal:
    items: list[Recommendation]
    business: Business | None = None
    interests: Interests = field(default_factory=Interests)
    has_history: bool = False
    advice: locaben.Advice | None = None
    by_method: dict[str, list[Recommendation]] = field(default_factory=dict)


def load_rows(session: Session, items: set[Item]) -> dict[Item, object]:
    """The measures and cases behind `items`: each type with its tags (目的 for the reasons), and no
    more — a case's measures, which `Case.supports` would load with their tags, are never shown here."""
    rows: dict[Item, object] = {}
    options = {"support": (), "case": (lazyload(Case.supports),)}
    for item_type, model in (("support", Support), ("case", Case)):
        ids = [i for t, i in items if t == item_type]
        if ids:
            statement = select(model).where(model.id.in_(ids)).options(*options[item_type])
            rows.update({(item_type, r.id): r for r in session.scalars(statement)})
    return rows


def _usable(row: object, person: profile.BusinessProfile | None, day: date) -> bool:
    if row is None:
        return False
    if not isinstance(row, Support):  # a case of another industry only is left out (portal.eligibility)
        return person is None or eligibility.case_fits(eligibility.facts_of(person), row)
    if person is None:
        return status_of(row, day).code != "closed"
    return not profile.excluded(person, row, day)


def _title(row: object) -> str:
    return row.title if len(row.title) <= 40 else row.title[:39] + "…"


def _similar_users(found: list[Scored], rows: dict[Item, object]) -> list[Recommendation]:
    out = []
    for s in found:
        if s.item in rows and s.because in rows:
            reason = f"あなたが見た「{_title(rows[s.because])}」を見た人が、よく見ています。"
            out.append(Recommendation(s.item, s.score, "similar_users", [reason], row=rows[s.item]))
    return out


def _popular(found: list[Scored], rows: dict[Item, object], purposes: frozenset[int]) -> list[Recommendation]:
    out = []
    for s in found:
        if s.item not in rows:
            continue
        words = TYPE_WORDS[s.item[0]]
        shared = purposes & rows_purposes(rows[s.item])
        reason = (f"「{'・'.join(taxonomy.PURPOSES[p] for p in sorted(shared))}」の{words}の中で、よく見られています。"
                  if shared else f"このポータルでよく見られている{words}です。")
        out.append(Recommendation(s.item, s.score, "popularity", [reason], row=rows[s.item]))
    return out


def rows_purposes(row: object) -> frozenset[int]:
    return frozenset(int(v) for v in row.tag_values("purpose"))


def _filtered(found: list[Scored], rows: dict[Item, object], person, day: date) -> list[Scored]:
    return [s for s in found if _usable(rows.get(s.item), person, day)]


def personal(session: Session, user: User | None, visitor: str | None, day: date, limit: int = 6) -> Personal:
    """The blended list for the logged-in user (or, when not logged in, for this visitor)."""
    business = store.business_for_user(session, user) if user is not None else None
    person = profile.load_profile(session, business) if business is not None else None
    saved = saved_ids(session, user) if user is not None else set()
    event_writer().flush()  # the person's latest views should count
    history = recent_items(session, user_id=user.id if user else None, visitor=None if user else visitor)
    model: ItemSimilarity = get_model(session)
    wide = limit * 3
    similar = model.recommend(history, wide, exclude=saved)
    purposes = person.purposes if person else frozenset()
    popular = model.popular(wide, purposes=purposes, exclude=saved | set(history)) or \
        model.popular(wide, exclude=saved | set(history))
    rows = load_rows(session, {s.item for s in similar + popular} | {s.because for s in similar if s.because})
    lists: dict[str, list[Recommendation]] = {}
    if person is not None:
        lists["profile"] = profile.recommend(session, person, day, wide, exclude=saved)
    lists["similar_users"] = _similar_users(_filtered(similar, rows, person, day), rows)
    advice = locaben.advise(session, business, person, day, wide, exclude=saved) if business is not None else None
    if advice is not None:
        lists["locaben"] = advice.recommendations
    fallback = _popular(_filtered(popular, rows, person, day), rows, purposes)
    return Personal(blend(lists, limit, fallback=fallback), business,
                    # the profile read the interests already: no second query for the same rows
                    Interests(person.purposes, person.stages) if person is not None else Interests(),
                    bool(history), advice, lists)


def similar_to(session: Session, item: Item, day: date, limit: int = 6) -> list[Recommendation]:
    """What people who looked at `item` also looked at (items of the same type), else popular ones
    with the same 目的 — "この事例を見た人はこんな事例も見ています"."""
    model = get_model(session)
    found = model.similar(item, limit * 2, item_type=item[0])
    purposes = model.purposes.get(item, frozenset())
    popular = model.popular(limit * 2, item_type=item[0], purposes=purposes, exclude={item} | {s.item for s in found})
    rows = load_rows(session, {s.item for s in found + popular})
    words = TYPE_WORDS[item[0]]
    out = [Recommendation(s.item, s.score, "similar_users",
                          [f"この{words}を見た人のうち{s.together}人が、この{words}も見ています。"], row=rows[s.item])
           for s in _filtered(found, rows, None, day)][:limit]
    for rec in _popular(_filtered(popular, rows, None, day), rows, purposes):
        if len(out) >= limit:
            break
        out.append(rec)
    return out
