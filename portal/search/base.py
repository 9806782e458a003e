"""The one interface every text-search backend offers, and what they share.

An index holds documents of one kind ("supports", "cases", "articles" …) given as plain dicts
(`id`, `title`, `keywords`, `body`) and answers which ids match each query word in each field
(`TextMatch`); the caller filters, counts and sorts. An index also records which content version it
holds (`Stamp`), so the portal can tell when it lags behind the database and repair it (see
portal/content/freshness.py).

Writes take an optional `connection` (a SQLAlchemy Session or Connection): a backend whose index
lives in the database (`in_database`) writes through it, in the caller's transaction; Whoosh
ignores it. Every write states the stamp the index holds afterwards; `None` means "unknown", which
the next catch-up answers with a full rebuild — so ad-hoc writes can never make a stale index look
current.

Room to grow: a prefix match of the last word typed is `'word':*` in PostgreSQL and a `Prefix` over
a field's terms in Whoosh, and hiragana readings are one more token stream from analysis.py and one
more field (or weight); both fit behind `match` without changing its callers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from .analysis import ANALYSIS_VERSION
from .schema import FIELD_WEIGHTS


@dataclass(frozen=True)
class Stamp:
    """A content version as the database states it, and the analysis that produced the words."""

    version: int
    changed_at: datetime | None = None
    analysis: int = ANALYSIS_VERSION

    def holds(self, target: Stamp) -> bool:
        """Whether an index stamped `self` holds exactly the content stamped `target`."""
        if (self.version, self.analysis) != (target.version, target.analysis):
            return False
        # A restored backup can reach the same number again; the time of the change tells them apart.
        return self.changed_at is None or target.changed_at is None or self.changed_at == target.changed_at

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "analysis": self.analysis,
                "changed_at": self.changed_at.isoformat() if self.changed_at else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stamp:
        changed = data.get("changed_at")
        return cls(int(data["version"]), datetime.fromisoformat(changed) if changed else None,
                   int(data.get("analysis", -1)))


@dataclass(frozen=True)
class TextMatch:
    """Per query word, the ids found in each field; `current` is False when the index was known to
    lag behind the content version it was asked about (callers then avoid caching what they build)."""

    words: tuple[dict[str, frozenset[str]], ...]
    current: bool = field(default=True, compare=False)

    def ids(self) -> set[str]:
        result: set[str] | None = None
        for fields in self.words:
            found = set().union(*fields.values())
            result = found if result is None else result & found
            if not result:
                return set()
        return result or set()

    def scores(self, ids: Iterable[str] | None = None) -> dict[str, int]:
        """Per id, the sum over query words of the weight of the best field the word was found in."""
        ids = self.ids() if ids is None else ids
        ranked = sorted(FIELD_WEIGHTS, key=FIELD_WEIGHTS.get, reverse=True)
        scores = dict.fromkeys(ids, 0)
        for fields in self.words:
            for doc_id in scores:
                for name in ranked:
                    if doc_id in fields[name]:
                        scores[doc_id] += FIELD_WEIGHTS[name]
                        break
        return scores


class TextIndex(ABC):
    """Full-text index of one kind of document."""

    kind: str
    in_database: ClassVar[bool] = False

    @abstractmethod
    def match(self, q: str, version: int | None = None, prefix: bool = False) -> TextMatch | None:
        """Which documents contain each word of `q`, per field; None when `q` has no words. With
        `prefix`, the last word also matches as the start of a longer word (ものづ → ものづくり), whole
        units only, so 京都 never matches 東京都.

        `version` is the content version the caller knows the index to hold; a backend may cache
        per version (and must not cache when it is None)."""

    @abstractmethod
    def doc_count(self, connection: Any = None) -> int:
        """How many documents the index holds (as `connection`'s transaction sees them, in-database)."""

    @abstractmethod
    def rebuild(self, docs: Iterable[dict], *, stamp: Stamp | None = None, connection: Any = None) -> int:
        """Replace the whole index with `docs` at once; returns how many there are. A duplicate id
        raises ValueError and leaves the previous content."""

    @abstractmethod
    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), *, stamp: Stamp | None = None,
              connection: Any = None) -> None:
        """Add or replace `upserts` and remove `deletes` (unknown ids are ignored) in one write."""

    @abstractmethod
    def held(self, connection: Any = None) -> Stamp | None:
        """The stamp recorded by the last write, or None when unknown."""

    @abstractmethod
    def exclusive(self, connection: Any = None, wait: bool = True) -> AbstractContextManager[bool]:
        """Serialises catch-ups of this index across threads and processes; yields whether it got
        the lock (always True when `wait`). For an in-database index the lock lasts until the end
        of `connection`'s transaction."""

    def close(self) -> None:  # noqa: B027 — most backends hold nothing to close
        pass

    # Conveniences over the abstract operations

    def upsert_many(self, docs: Iterable[dict]) -> None:
        self.apply(docs)

    def upsert(self, doc: dict) -> None:
        self.apply([doc])

    def delete(self, doc_id: str) -> None:
        self.apply(deletes=[str(doc_id)])

    def search(self, q: str, limit: int | None = None) -> list[tuple[str, float]]:
        """Ids and scores of the documents matching every word of `q`, best first."""
        found = self.match(q)
        if found is None:
            return []
        ranked = sorted(found.scores().items(), key=lambda item: (-item[1], item[0]))
        return [(doc_id, float(score)) for doc_id, score in ranked[:limit]]

    def ids_matching(self, q: str) -> set[str]:
        """All ids matching `q` (unscored); a blank `q` gives none."""
        found = self.match(q)
        return found.ids() if found is not None else set()
