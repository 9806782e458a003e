"""Search that catches up: the request-time check, the background catch-up, the job, and health.

A process learns that content changed from the content version (read at most every
`CONTENT_VERSION_MAX_AGE` seconds, portal/content/versions.py); its catalog rebuilds on the next
search. `current_index` makes the text index follow on the same signal: when the version it is
asked about is not the one it last verified, it reads the index's stamp (a small file for Whoosh,
one statement for PostgreSQL) and, when the index lags — another instance imported into its own
Whoosh folder, an import died after its commit, a backup was restored — repairs it in the request
if at most `SEARCH_CATCH_UP_LIMIT` documents are missing, or else in a background thread while the
request answers from the index as it is (marked not current, so nothing built from it is cached).
Only one catch-up per index runs at a time; a request never waits for another's.

So an import or edit made anywhere is found everywhere within `CONTENT_VERSION_MAX_AGE` plus the
time to write what it changed: on PostgreSQL the words were written with the rows, and with
Whoosh about a second per 700 measures (see README, 検索).

`catch_up_search(app)` is the job the queue runs after an import, at worker start and periodically;
`search_health(app)` is the readiness report, and starts a background catch-up when it finds one
needed — an instance kept out of rotation by its readiness check gets no requests to trigger it.
"""

from __future__ import annotations

import logging
import threading
from contextlib import nullcontext
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import clock
from portal.content.indexing import KINDS, backend_name, catch_up, database_stamp, search_index
from portal.models import SearchChange
from portal.search import TextIndex
from portal.search.analysis import ANALYSIS_VERSION

log = logging.getLogger(__name__)
_threads_lock = threading.Lock()


def _engine(app: Flask):
    from portal.db import get_db

    return get_db(app).engine


def _session(app: Flask) -> Session:
    return Session(_engine(app), info={"app": app})


def _context(app: Flask):
    # Never a second app context inside a request: its teardown would close the request's session.
    return nullcontext() if has_app_context() else app.app_context()


def current_index(session: Session, kind: str, version: int, app: Flask | None = None) -> tuple[TextIndex, bool]:
    """The index of `kind`, and whether it holds content `version` (after repairing it if cheap)."""
    app = app or current_app._get_current_object()
    index = search_index(kind, app)
    verified: dict[str, int] = app.extensions.setdefault("portal_search_verified", {})
    if verified.get(kind) == version:
        return index, True
    try:
        held = index.held()
        if held is not None and held.analysis == ANALYSIS_VERSION and held.version == version:
            verified[kind] = version
            return index, True
        # Behind, or ahead of the version read: newer content (this process's read is a second
        # old) or an older database (a restored backup). The catch-up asks the database which.
        result = catch_up(session, kind, limit=int(app.config["SEARCH_CATCH_UP_LIMIT"]), wait=False)
    except Exception:  # noqa: BLE001 — a search answers from the index as it is, never fails over it
        log.exception("could not check or repair the %s search index", kind)
        return index, False
    if result.deferred:
        start_catch_up(app, kind)
    if result.stamp is not None and result.stamp.version >= version:
        verified[kind] = result.stamp.version
        return index, True
    return index, False


def start_catch_up(app: Flask, kind: str) -> threading.Thread:
    """A catch-up of `kind` in a background thread of this process, unless one is running."""
    running: dict[str, threading.Thread] = app.extensions.setdefault("portal_search_catch_ups", {})
    with _threads_lock:
        thread = running.get(kind)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_catch_up_in_background, args=(app, kind), daemon=True,
                                      name=f"search-catch-up-{kind}")
            running[kind] = thread
            thread.start()
    return thread


def _catch_up_in_background(app: Flask, kind: str) -> None:
    try:
        with _context(app), _session(app) as session:
            result = catch_up(session, kind)
        log.info("search index %s caught up: %s documents written", kind, result.written)
    except Exception:  # noqa: BLE001 — a thread has no one to tell; the next check tries again
        log.exception("background catch-up of the %s search index failed", kind)


def catch_up_search(app: Flask | None = None) -> dict[str, int]:
    """Every kind's text index brought up to the database; returns the documents written per kind.

    The function for the job queue: enqueue it after an import (with Whoosh, so that a web request
    does not pay), run it at worker start and every few minutes. Idempotent, safe to run in several
    processes at once (they take turns), and cheap when nothing lags: two statements per kind."""
    app = app or current_app._get_current_object()
    with _context(app), _session(app) as session:
        return {kind: catch_up(session, kind).written for kind in KINDS}


def _lag_seconds(session: Session, kind: str, held_version: int | None, changed_at) -> float:
    since = session.scalar(select(func.min(SearchChange.changed_at)).where(
        SearchChange.kind == kind, SearchChange.version > (held_version if held_version is not None else -1)))
    since = since or changed_at
    return max(0.0, (clock.now() - since).total_seconds()) if since else 0.0


def search_health(app: Flask, repair: bool = True) -> tuple[bool, dict[str, Any]]:
    """(ok, details) for the readiness check: per kind the database's content version, the index's,
    and how long the index has lagged (the age of the oldest change it lacks). Not ok when any lag
    exceeds `SEARCH_MAX_LAG` seconds. With `repair`, a lagging index starts catching up."""
    max_lag = float(app.config["SEARCH_MAX_LAG"])
    kinds: dict[str, Any] = {}
    with _session(app) as session:
        for kind in KINDS:
            target = database_stamp(session, kind)
            held = search_index(kind, app).held(session)
            usable = held is not None and held.analysis == ANALYSIS_VERSION and held.version <= target.version
            lag = 0.0
            if held is None or not held.holds(target):
                lag = _lag_seconds(session, kind, held.version if usable else None, target.changed_at)
                if repair:
                    start_catch_up(app, kind)
            kinds[kind] = {"database_version": target.version, "index_version": held.version if held else None,
                           "lag_seconds": round(lag, 1), "ok": lag <= max_lag}
    return all(entry["ok"] for entry in kinds.values()), {
        "backend": backend_name(app), "max_lag_seconds": max_lag, "kinds": kinds}


class SearchLagging(Exception):
    """Raised by `search_check` when an index lags longer than `SEARCH_MAX_LAG`."""


def search_check(app: Flask) -> dict[str, Any]:
    """`search_health` as a readiness check of the `/readyz` registry: the details when fresh,
    `SearchLagging` (one line naming each lagging kind) when not."""
    ok, details = search_health(app)
    if not ok:
        late = [f"{kind}: index {entry['index_version']} / database {entry['database_version']}, "
                f"{entry['lag_seconds']:.0f} s behind" for kind, entry in details["kinds"].items() if not entry["ok"]]
        raise SearchLagging("search index behind the database (" + "; ".join(late) + ")")
    return details
