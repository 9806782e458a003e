"""The collaborative model of a web process: fitted from the event log, kept, refitted when old.

Each process keeps its own model and refits it when it is older than `RECOMMEND_MODEL_MAX_AGE`
seconds. While one thread refits, the others go on answering from the old model; only the very
first fit makes a request wait. People are the account when logged in; a visitor's events that
reached the log after the log-in merge are still given to the account that visitor id belongs to.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.events.services import INTEREST_KINDS
from portal.events.writer import event_writer
from portal.models import Event
from portal.navi.bits import positions_of
from portal.navi.catalog import get_catalog
from portal.recommend.collaborative import ItemSimilarity
from portal.recommend.items import Item

_TYPES = {"supports": "support", "cases": "case"}
_lock = threading.Lock()


def item_purposes(session: Session) -> dict[Item, frozenset[int]]:
    """目的 ids of every measure and case, read from the navi's catalogs (no query when they are current)."""
    found: dict[Item, set[int]] = defaultdict(set)
    for kind, item_type in _TYPES.items():
        catalog = get_catalog(session, kind)
        for value, mask in catalog.tags.get("purpose", {}).items():
            for position in positions_of(mask):
                found[(item_type, catalog.ids[position])].add(int(value))
    return {item: frozenset(values) for item, values in found.items()}


def interactions(session: Session) -> Iterator[tuple[tuple[str, object], Item]]:
    owners = dict(session.execute(select(Event.visitor, Event.user_id).distinct()
                                  .where(Event.visitor.is_not(None), Event.user_id.is_not(None))).all())
    rows = session.execute(
        select(Event.user_id, Event.visitor, Event.item_type, Event.item_id)
        .where(Event.kind.in_(INTEREST_KINDS), Event.item_id.is_not(None))
        .order_by(Event.at, Event.id).execution_options(yield_per=5000))
    for user_id, visitor, item_type, item_id in rows:
        if user_id is None and visitor in owners:
            user_id = owners[visitor]
        yield (("u", user_id) if user_id is not None else ("v", visitor)), (item_type, item_id)


def build_model(session: Session, min_users: int) -> ItemSimilarity:
    return ItemSimilarity.fit(interactions(session), min_users=min_users, purposes=item_purposes(session))


def get_model(session: Session, app: Flask | None = None) -> ItemSimilarity:
    app = app or current_app
    kept = app.extensions.get("recommend_model")
    max_age = float(app.config["RECOMMEND_MODEL_MAX_AGE"])
    if kept is not None and time.monotonic() - kept[1] < max_age:
        return kept[0]
    # Refit in one thread; the others keep answering from the old model meanwhile.
    if not _lock.acquire(blocking=kept is None):
        return kept[0]
    try:
        kept = app.extensions.get("recommend_model")
        if kept is None or time.monotonic() - kept[1] >= max_age:
            event_writer(app).flush()
            model = build_model(session, int(app.config["RECOMMEND_MIN_USERS"]))
            kept = (model, time.monotonic())
            app.extensions["recommend_model"] = kept
        return kept[0]
    finally:
        _lock.release()
