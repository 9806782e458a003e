"""The PostgreSQL backend: the words of each document as `tsvector`s in the database, so every
instance sees a write when it commits and read replicas carry the load.

The words are the ones the Whoosh backend indexes (analysis.py): the vectors are written as
literals, so PostgreSQL does no parsing or stemming of its own (that is what the 'simple'
configuration would be asked for, minus its parser, which splits some words MeCab keeps whole).
Each document is one row of `search_entries` with two vectors: `head` holds the title (weight A)
and the keywords (weight B), `body` the body (no weight); positions leave a gap after every run,
so a phrase (`u1 <-> u2`) never spans punctuation, a keyword boundary or a field. Both vectors have
a GIN index. Splitting head from body keeps the weighted look-ups on small rows: with one vector
per document, asking whether a match is in the title read (and decompressed) every long body,
about three times slower per word.

A query word costs one statement: the ids whose head matches it (with whether the title and whether
the keywords do) and the ids whose body matches it. Results are cached per word and content version
when the caller states the version. A one-character word asks for every indexed word containing the
character (「金」 → 資金, 金額 …), found in `search_words`, the distinct words of each kind.
`search_state` holds the stamp of the content the entries hold, written in the same transaction as
the entries; `exclusive` is a transaction-scoped advisory lock per kind.

These tables exist only on PostgreSQL (migration 0013 is dialect-aware), so they live in their own
`MetaData` (`portal.db.target_metadata` adds it for PostgreSQL).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Engine

from portal.db import NAMING_CONVENTION
from portal.models.base import UTCDateTime

from .analysis import runs
from .base import Stamp, TextIndex, TextMatch
from .schema import TEXT_FIELDS

CACHE_SIZE = 4096
BATCH = 1000
MAX_POSITION = 16383  # PostgreSQL's largest position; later words are kept without one
EXCLUSIVE_TIMEOUT = 300.0  # seconds a catch-up waits for another (a full rebuild takes about one)
REBUILD_STATEMENT_TIMEOUT = 600.0

metadata = MetaData(naming_convention=NAMING_CONVENTION)
entries = Table(
    "search_entries", metadata,
    Column("kind", String(20), primary_key=True),
    Column("doc_id", String(64), primary_key=True),
    Column("head", TSVECTOR, nullable=False),
    Column("body", TSVECTOR, nullable=False),
    Index("ix_search_entries_head", "head", postgresql_using="gin"),
    Index("ix_search_entries_body", "body", postgresql_using="gin"),
)
words_table = Table(
    "search_words", metadata,
    Column("kind", String(20), primary_key=True),
    Column("word", Text, primary_key=True),
)
state = Table(
    "search_state", metadata,
    Column("kind", String(20), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=True),
    Column("analysis", Integer, nullable=False),
)

_MATCH = text(
    "SELECT doc_id, head @@ CAST(:title AS tsquery), head @@ CAST(:keywords AS tsquery), false"
    " FROM search_entries WHERE kind = :kind AND head @@ CAST(:any AS tsquery)"
    " UNION ALL SELECT doc_id, false, false, true"
    " FROM search_entries WHERE kind = :kind AND body @@ CAST(:any AS tsquery)")
_UPSERT = text(
    "INSERT INTO search_entries (kind, doc_id, head, body)"
    " VALUES (:kind, :doc_id, CAST(:head AS tsvector), CAST(:body AS tsvector))"
    " ON CONFLICT (kind, doc_id) DO UPDATE SET head = excluded.head, body = excluded.body")
_ADD_WORDS = text("INSERT INTO search_words (kind, word) SELECT :kind, unnest(CAST(:words AS text[]))"
                  " ON CONFLICT DO NOTHING")
_HOLD = text(
    "INSERT INTO search_state (kind, version, changed_at, analysis) VALUES (:kind, :version, :changed_at, :analysis)"
    " ON CONFLICT (kind) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at,"
    " analysis = excluded.analysis")


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class _Vector:
    """A tsvector literal built field by field, positions running on across fields."""

    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = {}
        self.next = 1

    def add(self, value: str, weight: str = "") -> None:
        for words in runs(value):
            for word in words:
                found = self.positions.setdefault(word, [])
                if self.next <= MAX_POSITION:
                    found.append(f"{self.next}{weight}")
                self.next += 1
            self.next += 1  # the gap that ends a run

    def literal(self) -> str:
        return " ".join(_lexeme(word) + (":" + ",".join(ps) if ps else "") for word, ps in self.positions.items())


def _row(kind: str, doc: dict) -> tuple[dict[str, str], set[str]]:
    if not doc.get("id"):
        raise ValueError("search document without an id")
    keywords = doc.get("keywords") or []
    head, body = _Vector(), _Vector()
    head.add(doc.get("title") or "", "A")
    for keyword in [keywords] if isinstance(keywords, str) else keywords:
        head.add(keyword or "", "B")
    head.next += 1  # the body's positions continue after a gap (for a vector `head || body`)
    body.next = head.next
    body.add(doc.get("body") or "")
    row = {"kind": kind, "doc_id": str(doc["id"]), "head": head.literal(), "body": body.literal()}
    return row, set(head.positions) | set(body.positions)


def _query(words: tuple[str, ...], weight: str = "", any_of: list[str] | None = None, prefix: bool = False) -> str:
    suffix = f":{weight}" if weight else ""
    if any_of is not None:
        return " | ".join(_lexeme(word) + suffix for word in any_of)
    phrase = " <-> ".join(_lexeme(word) + suffix for word in words)
    if not prefix:
        return phrase
    # The word being typed: its last unit as a prefix (設備投 → 設備 <-> 投:*), or the whole run as the
    # start of one longer unit (ものづ → ものづくり). Whole units only: 京都 never reaches 東京/都.
    star = f":*{weight}"
    last = " <-> ".join([*(_lexeme(word) + suffix for word in words[:-1]), _lexeme(words[-1]) + star])
    return f"({phrase}) | ({last}) | {_lexeme(''.join(words)) + star}"


class PostgresIndex(TextIndex):
    """The entries of one kind of document in PostgreSQL (see the module docstring)."""

    in_database = True

    def __init__(self, engine: Engine, kind: str) -> None:
        self.engine = engine
        self.kind = kind
        self._cache: OrderedDict[tuple[str, ...], dict[str, frozenset[str]]] = OrderedDict()
        self._cache_version: int | None = None
        self._lock = threading.Lock()

    @contextmanager
    def _bind(self, connection: Any) -> Iterator[Any]:
        if connection is not None:
            yield connection
            return
        with self.engine.begin() as own:
            yield own

    # Writing

    def _write_rows(self, bind: Any, docs: Iterable[dict], seen: set[str] | None = None) -> int:
        count, batch, words = 0, [], set()
        for doc in docs:
            row, doc_words = _row(self.kind, doc)
            if seen is not None:
                if row["doc_id"] in seen:
                    raise ValueError(f"duplicate document id {row['doc_id']!r}")
                seen.add(row["doc_id"])
            batch.append(row)
            words |= doc_words
            if len(batch) >= BATCH:
                bind.execute(_UPSERT, batch)
                count, batch = count + len(batch), []
        if batch:
            bind.execute(_UPSERT, batch)
            count += len(batch)
        if words:
            bind.execute(_ADD_WORDS, {"kind": self.kind, "words": sorted(words)})
        return count

    def rebuild(self, docs: Iterable[dict], *, stamp: Stamp | None = None, connection: Any = None) -> int:
        with self._bind(connection) as bind:
            # A rebuild is maintenance: its few long statements may outlast a request's time limit.
            bind.execute(text(f"SET LOCAL statement_timeout = {int(REBUILD_STATEMENT_TIMEOUT * 1000)}"))
            bind.execute(text("DELETE FROM search_entries WHERE kind = :kind"), {"kind": self.kind})
            bind.execute(text("DELETE FROM search_words WHERE kind = :kind"), {"kind": self.kind})
            count = self._write_rows(bind, docs, seen=set())
            self._hold(bind, stamp)
            # A bulk load leaves its words in the GIN indexes' pending lists and the statistics
            # stale: the planner then reads every long body instead (10× slower on the bench).
            for name in ("ix_search_entries_head", "ix_search_entries_body"):
                bind.execute(text("SELECT gin_clean_pending_list(CAST(:name AS regclass))"), {"name": name})
            bind.execute(text("ANALYZE search_entries"))
        self._forget()
        return count

    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), *, stamp: Stamp | None = None,
              connection: Any = None) -> None:
        latest = {str(doc.get("id")): doc for doc in upserts}  # one row per id: the last given wins
        with self._bind(connection) as bind:
            self._write_rows(bind, latest.values())
            gone = [str(doc_id) for doc_id in deletes]
            if gone:
                bind.execute(text("DELETE FROM search_entries WHERE kind = :kind AND doc_id = ANY(:ids)"),
                             {"kind": self.kind, "ids": gone})
            self._hold(bind, stamp)
        self._forget()

    def _hold(self, bind: Any, stamp: Stamp | None) -> None:
        if stamp is None:
            bind.execute(text("DELETE FROM search_state WHERE kind = :kind"), {"kind": self.kind})
            return
        bind.execute(_HOLD, {"kind": self.kind, "version": stamp.version, "changed_at": stamp.changed_at,
                             "analysis": stamp.analysis})

    def held(self, connection: Any = None) -> Stamp | None:
        statement = text("SELECT version, changed_at, analysis FROM search_state WHERE kind = :kind").columns(
            state.c.version, state.c.changed_at, state.c.analysis)
        if connection is not None:
            row = connection.execute(statement, {"kind": self.kind}).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(statement, {"kind": self.kind}).first()
        return Stamp(row.version, row.changed_at, row.analysis) if row is not None else None

    @contextmanager
    def exclusive(self, connection: Any = None, wait: bool = True) -> Iterator[bool]:
        if connection is None:
            raise ValueError("an in-database index is locked within a transaction: pass its connection")
        # Tried rather than waited for inside one statement: a wait as long as a rebuild would
        # otherwise run into the connection's statement timeout.
        statement = text("SELECT pg_try_advisory_xact_lock(hashtext(:key))")
        deadline = time.monotonic() + EXCLUSIVE_TIMEOUT
        while not connection.execute(statement, {"key": f"portal-search:{self.kind}"}).scalar():
            if not wait:
                yield False
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"another catch-up of the {self.kind} search index holds its lock")
            time.sleep(0.05)
        yield True

    def _forget(self) -> None:
        with self._lock:
            self._cache.clear()

    # Reading

    def _compute(self, bind: Any, words: tuple[str, ...], prefix: bool = False) -> dict[str, frozenset[str]]:
        any_of = None
        if len(words) == 1 and len(words[0]) == 1:
            any_of = list(bind.scalars(
                text("SELECT word FROM search_words WHERE kind = :kind AND strpos(word, :char) > 0"),
                {"kind": self.kind, "char": words[0]}))
            if not any_of:
                return {field: frozenset() for field in TEXT_FIELDS}
        found: dict[str, set[str]] = {field: set() for field in TEXT_FIELDS}
        rows = bind.execute(_MATCH, {"kind": self.kind, "any": _query(words, any_of=any_of, prefix=prefix),
                                     "title": _query(words, "A", any_of, prefix),
                                     "keywords": _query(words, "B", any_of, prefix)})
        for doc_id, in_title, in_keywords, in_body in rows:
            if in_title:
                found["title"].add(doc_id)
            if in_keywords:
                found["keywords"].add(doc_id)
            if in_body:
                found["body"].add(doc_id)
        return {field: frozenset(ids) for field, ids in found.items()}

    def _cached(self, version: int | None, words: tuple) -> dict[str, frozenset[str]] | None:
        if version is None:
            return None
        with self._lock:
            if version != self._cache_version:
                self._cache.clear()
                self._cache_version = version
            value = self._cache.get(words)
            if value is not None:
                self._cache.move_to_end(words)
            return value

    def _remember(self, version: int | None, words: tuple, value: dict[str, frozenset[str]]) -> None:
        if version is None:
            return
        with self._lock:
            if version == self._cache_version:
                self._cache[words] = value
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)

    def match(self, q: str, version: int | None = None, prefix: bool = False) -> TextMatch | None:
        """With `prefix`, the last word may also be the beginning of a longer one (a query being typed)."""
        query_words = list(dict.fromkeys(runs(q)))
        if not query_words:
            return None
        keys = [(words, prefix and i == len(query_words) - 1 and not (len(words) == 1 and len(words[0]) == 1))
                for i, words in enumerate(query_words)]
        found: dict[tuple, dict[str, frozenset[str]]] = {}
        missing = []
        for key in keys:
            cached = self._cached(version, key)
            if cached is None:
                missing.append(key)
            else:
                found[key] = cached
        if missing:
            with self.engine.connect() as bind:
                for key in missing:
                    found[key] = self._compute(bind, *key)
                    self._remember(version, key, found[key])
        return TextMatch(tuple(found[key] for key in keys))

    def doc_count(self, connection: Any = None) -> int:
        statement = text("SELECT count(*) FROM search_entries WHERE kind = :kind")
        if connection is not None:
            return connection.scalar(statement, {"kind": self.kind})
        with self.engine.connect() as bind:
            return bind.scalar(statement, {"kind": self.kind})
