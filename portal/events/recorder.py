"""Noting events during a request, without adding a query to the page.

Views of measure and case pages and searches are noted by an `after_request` hook from the endpoint
and its arguments, so the navi's own code stays unaware of the log; saves are noted when a
`SavedItem` row is inserted; clicks are noted by the redirect endpoints that count them. The noted
events go to the process's `EventWriter` at the end of the request.

Who did it: the logged-in user's id, and the visitor id — a random value kept in the Flask session
for as long as the browser keeps the session. On log-in the visitor's earlier anonymous events are
given to the account (`merge_visitor`); on log-out the visitor id is dropped, so whoever uses the
browser next starts afresh.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_login import current_user, user_logged_in, user_logged_out
from sqlalchemy import event as orm_event

from portal import clock
from portal.events.writer import create_writer, event_writer
from portal.models import SavedItem
from portal.navi.params import InvalidParameter, parse_query

VISITOR_KEY = "visitor"
_VIEWS = {"navi.support_detail": ("support", "support_id"), "navi.case_detail": ("case", "case_id")}
_SEARCHES = {"navi.support_search": "supports", "navi.case_search": "cases"}


def visitor_id(create: bool = True) -> str | None:
    """This browser's random visitor id (made on first use when `create`)."""
    value = session.get(VISITOR_KEY)
    if value is None and create:
        value = secrets.token_hex(16)
        session[VISITOR_KEY] = value
    return value


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def record(kind: str, item_type: str | None = None, item_id: int | None = None,
           detail: dict[str, Any] | None = None) -> None:
    """Notes one event of the current request; it is written when the request ends."""
    if not current_app.config["EVENTS_ENABLED"]:
        return
    g.setdefault("_portal_events", []).append({
        "at": clock.now(), "user_id": _user_id(), "visitor": visitor_id(), "kind": kind,
        "item_type": item_type, "item_id": item_id, "detail": detail,
    })


def search_detail(args, kind: str) -> dict[str, Any] | None:
    """The filters of a search as the log keeps them, or None when it is not worth keeping
    (no words and no filters, a later page of the same search, or parameters that do not parse)."""
    try:
        query = parse_query(args, kind)
    except InvalidParameter:
        return None
    if query.page != 1 or not (query.q or query.has_filters):
        return None
    detail: dict[str, Any] = {"kind": kind}
    for name, value in query.pairs():
        if name in ("sort", "page", "per_page"):
            continue
        if name in ("q", "prefecture", "open", "employees", "capital"):
            detail[name] = value
        else:
            detail.setdefault(name, []).append(value)
    return detail


def _note_page(response: Response) -> Response:
    if request.method == "GET" and response.status_code == 200 and request.endpoint:
        if request.endpoint in _VIEWS:
            item_type, arg = _VIEWS[request.endpoint]
            record("view", item_type, int(request.view_args[arg]))
        elif request.endpoint in _SEARCHES:
            detail = search_detail(request.args, _SEARCHES[request.endpoint])
            if detail is not None:
                record("search", detail=detail)
    rows = g.pop("_portal_events", None)
    if rows:
        event_writer().add(rows)
    return response


def _saved(_mapper, _connection, target: SavedItem) -> None:
    if has_request_context() and "event_writer" in current_app.extensions:
        if target.support_id is not None:
            record("save", "support", target.support_id)
        else:
            record("save", "case", target.case_id)


def _logged_in(app: Flask, user, **_extra) -> None:
    from portal.db import get_db
    from portal.events.services import merge_visitor

    visitor = session.get(VISITOR_KEY)
    if visitor:
        event_writer(app).flush()
        with get_db(app).engine.begin() as connection:
            merge_visitor(connection, visitor, user.id)


def _logged_out(_app: Flask, **_extra) -> None:
    session.pop(VISITOR_KEY, None)


def init_events(app: Flask) -> None:
    from portal.db import get_db

    create_writer(app, get_db(app).engine)
    app.after_request(_note_page)
    user_logged_in.connect(_logged_in, app)
    user_logged_out.connect(_logged_out, app)
    if not orm_event.contains(SavedItem, "after_insert", _saved):
        orm_event.listen(SavedItem, "after_insert", _saved)
