"""Keeping the search index in step with the content.

Each app opens one `SearchIndex` per kind under `SEARCH_INDEX_PATH` (default: instance/search).
Writers call `index_supports`/`index_cases` with the ids they changed, after their commit;
`portal reindex` rebuilds everything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Case, Support
from portal.search import SearchIndex

BULK_THRESHOLD = 500
_MARKUP = re.compile(r"<[^>]+>|[*_#>`\[\]()|]|https?://\S+")


def plain(text: str) -> str:
    """Markdown or HTML reduced to words for the index (cheaper than rendering it)."""
    return html.unescape(_MARKUP.sub(" ", text or ""))


def search_index(kind: str, app: Flask | None = None) -> SearchIndex:
    app = app or current_app
    indexes = app.extensions.setdefault("portal_search", {})
    if kind not in indexes:
        path = app.config.get("SEARCH_INDEX_PATH") or Path(app.instance_path) / "search"
        indexes[kind] = SearchIndex(path, kind)
    return indexes[kind]


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


def _sync(session: Session, kind: str, model, to_document, ids: Iterable[int]) -> None:
    wanted = set(ids)
    if not wanted:
        return
    index = search_index(kind)
    if len(wanted) > BULK_THRESHOLD and len(wanted) * 2 > index.doc_count():
        # One commit for the whole kind is much faster than a commit per document.
        index.rebuild(to_document(row) for row in session.scalars(select(model).order_by(model.id)))
        return
    found = {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}
    index.upsert_many(to_document(found[item_id]) for item_id in sorted(wanted) if item_id in found)
    for item_id in sorted(wanted - set(found)):
        index.delete(str(item_id))


def index_supports(session: Session, ids: Iterable[int]) -> None:
    _sync(session, "supports", Support, support_document, ids)


def index_cases(session: Session, ids: Iterable[int]) -> None:
    _sync(session, "cases", Case, case_document, ids)


def reindex(session: Session) -> dict[str, int]:
    supports = search_index("supports").rebuild(
        support_document(s) for s in session.scalars(select(Support).order_by(Support.id)))
    cases = search_index("cases").rebuild(
        case_document(c) for c in session.scalars(select(Case).order_by(Case.id)))
    return {"supports": supports, "cases": cases}
