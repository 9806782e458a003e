"""Builders for search documents and indexes used by the search tests."""

from __future__ import annotations

from pathlib import Path

from portal.search import WhooshIndex


def make_doc(doc_id: str, title: str = "", body: str = "", keywords=(), **extra) -> dict:
    """A document shaped like the ones the app feeds to an index."""
    return {"id": doc_id, "title": title, "keywords": list(keywords), "body": body, **extra}


def index_with(path: Path, *docs: dict, kind: str = "supports") -> WhooshIndex:
    """A fresh Whoosh index of ``kind`` under ``path`` holding exactly ``docs`` (Whoosh-only tests;
    the contract suite uses the ``make_index`` fixture)."""
    index = WhooshIndex(path, kind)
    index.rebuild(docs)
    return index


def ids(results: list[tuple[str, float]]) -> list[str]:
    return [doc_id for doc_id, _ in results]
