"""Full-text search for the portal, behind one interface (`TextIndex`) with two backends.

The app feeds an index plain dicts and gets ids back; `normalize` is the text normalisation
applied to documents and queries alike. `WhooshIndex` (files under the instance folder) is the
embedded default on SQLite; `PostgresIndex` keeps the words in the database, written in the same
transaction as the content. `open_index` picks one; portal/content/indexing.py decides which.
"""

from __future__ import annotations

from pathlib import Path

from .analysis import normalize
from .base import Stamp, TextIndex, TextMatch
from .index import SearchIndex, WhooshIndex

BACKENDS = ("whoosh", "postgresql")

__all__ = ["BACKENDS", "SearchIndex", "Stamp", "TextIndex", "TextMatch", "WhooshIndex", "normalize", "open_index"]


def open_index(backend: str, kind: str, *, path: str | Path | None = None, engine=None) -> TextIndex:
    """The index of `kind`: Whoosh files under `path`, or PostgreSQL entries through `engine`."""
    if backend == "whoosh":
        if path is None:
            raise ValueError("the Whoosh backend needs a folder")
        return WhooshIndex(path, kind)
    if backend == "postgresql":
        from .postgres import PostgresIndex

        if engine is None or engine.dialect.name != "postgresql":
            raise ValueError("the PostgreSQL search backend needs a PostgreSQL database")
        return PostgresIndex(engine, kind)
    raise ValueError(f"unknown search backend {backend!r} (one of {', '.join(BACKENDS)})")
