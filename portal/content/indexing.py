"""Keeping the text index in step with the content, on whichever backend.

**Backend.** `SEARCH_BACKEND` names it; empty (the default) means PostgreSQL's own text search on a
PostgreSQL database and Whoosh files under `SEARCH_INDEX_PATH` (default instance/search) on SQLite.
`search_index(kind)` is the one way in: it returns the `TextIndex` of a kind, kept per app.

**Kinds.** `KINDS` maps each kind to its model and its document function. Another kind (articles,
say) adds an entry — `KINDS["articles"] = SearchKind(Article, article_document)` — calls
`record_changes(session, "articles", ids)` wherever it writes, and searches with
`current_index(session, "articles", version)` (portal/content/freshness.py) or `search_index`.

**Writing.** Every writer calls `record_changes` in its own transaction, after a flush: it bumps the
kind's content version, logs the changed ids at that version (`search_changes`), and with the
PostgreSQL backend writes their words there and then, so they commit with the rows. With Whoosh the
files can only follow a commit: the session catches the index up right after it commits.

**Catching up.** `catch_up` compares the stamp the index holds with the database's and writes what
is missing: the documents logged since the held version, or everything when the index holds
nothing, another analysis, or a version the database never reached (a restored backup). It is
what the post-commit step, `portal import`, `portal seed`, `portal reindex` (forced), the request-
time check and the background job all run.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload, selectinload

from portal.content.versions import bump_version
from portal.models import Article, Case, ContentState, SearchChange, Support
from portal.search import Stamp, TextIndex, open_index
from portal.search.analysis import ANALYSIS_VERSION

_MARKUP = re.compile(r"<[^>]+>|[*_#>`\[\]()|]|https?://\S+")
_PENDING = "portal_search_pending"
LOAD_BATCH = 500
log = logging.getLogger(__name__)


def plain(text: str) -> str:
    """Markdown or HTML reduced to words for the index (cheaper than rendering it)."""
    return html.unescape(_MARKUP.sub(" ", text or ""))


def support_document(support: Support) -> dict:
    authorities = [a.get("name", "") for a in support.authorities or []]
    return {
        "id": str(support.id),
        "title": f"{support.title} {support.subtitle}",
        "keywords": [*support.keywords, support.special_measure, *authorities],
        "body": " ".join(plain(part) for part in (
            support.summary, support.body, support.target, support.usage,
            support.support_organization, support.reception_remarks)),
    }


def case_document(case: Case) -> dict:
    return {
        "id": str(case.id),
        "title": case.title,
        "keywords": [*case.keywords, case.company_name, *(s.title for s in case.supports)],
        "body": " ".join(plain(part) for part in (
            case.summary, case.background, case.challenges, case.results, case.location_name)),
    }


def article_document(article) -> dict:
    return {
        "id": str(article.id),
        "title": article.title,
        "keywords": [*article.keywords, article.category_label],
        "body": " ".join(plain(part) for part in (article.summary, article.body)),
    }


@dataclass(frozen=True)
class SearchKind:
    model: Any
    document: Callable[[Any], dict]
    options: tuple = field(default_factory=tuple)  # loader options: what the document reads, nothing more


KINDS: dict[str, SearchKind] = {
    "supports": SearchKind(Support, support_document, (lazyload(Support.tags),)),
    "cases": SearchKind(Case, case_document, (
        lazyload(Case.tags), selectinload(Case.supports).load_only(Support.id, Support.title).lazyload(Support.tags))),
    "articles": SearchKind(Article, article_document, (lazyload(Article.supports),)),
}


# --- which backend ---------------------------------------------------------------------------------

def backend_name(app: Flask) -> str:
    from portal.db import get_db

    chosen = (app.config.get("SEARCH_BACKEND") or "").strip().lower()
    dialect = get_db(app).engine.dialect.name
    if not chosen:
        return "postgresql" if dialect == "postgresql" else "whoosh"
    if chosen == "postgresql" and dialect != "postgresql":
        raise ValueError("SEARCH_BACKEND=postgresql needs DATABASE_URL to name a PostgreSQL database")
    return chosen


def search_index(kind: str, app: Flask | None = None) -> TextIndex:
    """The text index of `kind` for this app (opened once, then kept)."""
    from portal.db import get_db

    app = app or current_app
    indexes = app.extensions.setdefault("portal_search", {})
    if kind not in indexes:
        path = app.config.get("SEARCH_INDEX_PATH") or Path(app.instance_path) / "search"
        indexes[kind] = open_index(backend_name(app), kind, path=path, engine=get_db(app).engine)
    return indexes[kind]


def _app_of(session: Session) -> Flask | None:
    app = session.info.get("app")
    if app is None and has_app_context():
        app = current_app._get_current_object()
    return app


def _index_for(session: Session, kind: str) -> TextIndex | None:
    app = _app_of(session)
    if app is not None:
        return search_index(kind, app)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":  # no app to ask: the default for this database
        return open_index("postgresql", kind, engine=bind)
    return None  # Whoosh files need an app's folder; the log lets that app catch up


# --- documents ---------------------------------------------------------------------------------

def documents_for(session: Session, kind: str, doc_ids: Iterable[str]) -> tuple[list[dict], list[str]]:
    """The documents of `doc_ids` that exist, and the ids whose rows are gone."""
    spec = KINDS[kind]
    wanted = sorted({int(doc_id) for doc_id in doc_ids})
    found: dict[int, Any] = {}
    for start in range(0, len(wanted), LOAD_BATCH):
        chunk = wanted[start:start + LOAD_BATCH]
        found.update((row.id, row) for row in session.scalars(
            select(spec.model).where(spec.model.id.in_(chunk)).options(*spec.options)))
    return ([spec.document(found[i]) for i in wanted if i in found], [str(i) for i in wanted if i not in found])


def all_documents(session: Session, kind: str) -> Iterator[dict]:
    spec = KINDS[kind]
    statement = select(spec.model).order_by(spec.model.id).options(*spec.options).execution_options(yield_per=LOAD_BATCH)
    for row in session.scalars(statement):
        yield spec.document(row)


def database_stamp(session: Session, kind: str) -> Stamp:
    row = session.execute(select(ContentState.version, ContentState.changed_at)
                          .where(ContentState.kind == kind)).first()
    return Stamp(row.version, row.changed_at) if row is not None else Stamp(0)


# --- writing -----------------------------------------------------------------------------------

def _log_changes(session: Session, kind: str, doc_ids: Sequence[str], stamp: Stamp) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchChange.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "doc_id"],
        set_={"version": statement.excluded.version, "changed_at": statement.excluded.changed_at})
    session.execute(statement, [{"kind": kind, "doc_id": doc_id, "version": stamp.version,
                                 "changed_at": stamp.changed_at} for doc_id in doc_ids])


def record_changes(session: Session, kind: str, ids: Iterable[int | str]) -> None:
    """In the writer's transaction, after its flush: the documents `ids` of `kind` were created,
    changed or deleted. Bumps the content version, logs them, and writes their words now when the
    index lives in the database (else right after the commit)."""
    doc_ids = sorted({str(i) for i in ids})
    if not doc_ids:
        return
    stamp = Stamp(*bump_version(session, kind))
    _log_changes(session, kind, doc_ids, stamp)
    index = _index_for(session, kind)
    if index is None or not index.in_database:
        _catch_up_after_commit(session, kind)
        return
    with index.exclusive(session):
        held = index.held(session)
        # Current before this change, current after it; an index already behind stays behind (and
        # keeps its stamp), so a catch-up still writes what it missed. Before the first version
        # there was nothing to hold: an empty index was current.
        if held is None and stamp.version == 1 and index.doc_count(session) == 0:
            held = Stamp(0)
        current = held is not None and held.version == stamp.version - 1 and held.analysis == ANALYSIS_VERSION
        upserts, deletes = documents_for(session, kind, doc_ids)
        index.apply(upserts, deletes, stamp=stamp if current else held, connection=session)


def _catch_up_after_commit(session: Session, kind: str) -> None:
    session.info.setdefault(_PENDING, set()).add(kind)
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)


def _after_commit(session: Session) -> None:
    """The rows are committed: bring the files up to date from a fresh session (which sees exactly
    what was committed). Within a request at most `SEARCH_CATCH_UP_LIMIT` documents are written
    there and then (an instance far behind catches up in a background thread instead). Never
    raises — the commit has happened; a failure is logged and the next catch-up repairs it. An app
    context is pushed only when there is none: pushing one inside a request would, on its
    teardown, close the request's own scoped session."""
    if session.in_nested_transaction():  # a SAVEPOINT released: the rows are not committed yet
        return
    kinds = sorted(session.info.pop(_PENDING, set()))
    app = _app_of(session)
    if not kinds or app is None:
        return
    limit = int(app.config["SEARCH_CATCH_UP_LIMIT"]) if has_request_context() else None
    try:
        with nullcontext() if has_app_context() else app.app_context():
            for kind in kinds:
                if catch_up(session, kind, limit=limit).deferred:
                    from portal.content.freshness import start_catch_up

                    start_catch_up(app, kind)
    except Exception:  # noqa: BLE001 — see the docstring
        log.exception("the search index could not follow the commit; it will catch up later")


# --- catching up -------------------------------------------------------------------------------

@dataclass
class CatchUp:
    kind: str
    written: int = 0  # documents written or removed
    rebuilt: bool = False
    busy: bool = False  # another catch-up held the lock (only when not waiting)
    deferred: bool = False  # more than `limit` documents were missing: nothing written
    stamp: Stamp | None = None  # what the index holds afterwards, when known


def catch_up(session: Session, kind: str, *, limit: int | None = None, wait: bool = True,
             force: bool = False) -> CatchUp:
    """Brings the index of `kind` up to the database, in a transaction of its own on `session`'s
    database (so the caller's is left alone). `force` rebuilds even a current index."""
    index = _index_for(session, kind)
    if index is None:
        return CatchUp(kind, deferred=True)
    with Session(session.get_bind(), info={"app": _app_of(session)}) as own, own.begin():
        with index.exclusive(own, wait=wait) as got:
            if not got:
                return CatchUp(kind, busy=True)
            target = database_stamp(own, kind)  # first: changes committed after it are caught up next time
            held = index.held(own)
            if not force and held is not None and held.holds(target):
                return CatchUp(kind, stamp=held)
            if not force and held is not None and held.analysis == target.analysis and held.version < target.version:
                changed = list(own.scalars(select(SearchChange.doc_id).where(
                    SearchChange.kind == kind, SearchChange.version > held.version)))
                if limit is not None and len(changed) > limit:
                    return CatchUp(kind, deferred=True)
                upserts, deletes = documents_for(own, kind, changed)
                index.apply(upserts, deletes, stamp=target, connection=own)
                return CatchUp(kind, written=len(changed), stamp=target)
            model = KINDS[kind].model
            if limit is not None and (own.scalar(select(func.count(model.id))) or 0) > limit:
                return CatchUp(kind, deferred=True)
            written = index.rebuild(all_documents(own, kind), stamp=target, connection=own)
            return CatchUp(kind, written=written, rebuilt=True, stamp=target)


def catch_up_all(session: Session, force: bool = False) -> list[CatchUp]:
    return [catch_up(session, kind, force=force) for kind in KINDS]


def reindex(session: Session) -> dict[str, int]:
    """`portal reindex`: every kind rebuilt from the database."""
    return {result.kind: result.written for result in catch_up_all(session, force=True)}

