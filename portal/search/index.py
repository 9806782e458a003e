"""The embedded backend: one Whoosh index per kind of document, answering with ids.

The app filters, counts facets and sorts in its own in-memory catalog, so all it needs from text
search is which documents match each query word in each field. That is one or a few posting lists
per word (see analysis.py), read without scoring; the sets are cached per index generation, so a
common word costs its posting list once until the index changes. `TextMatch` combines them: a
document matches when every query word is in one of its fields, and its score sums, per word, the
weight of the best field it was found in (title ≫ keywords > body).

Searches open a searcher per call (Whoosh searchers are not shared between threads). Writes are
serialised within the process by a lock and across processes by Whoosh's lock file, which the
writer retries for `WRITE_TIMEOUT` seconds before raising `LockError`.

The stamp of the content the index holds is a small JSON file inside the index folder, replaced
atomically after each commit: lose the folder and the stamp goes with it. A crash between the commit
and the stamp leaves the older stamp, so the next catch-up merely repeats some work. Catch-ups
(which read the database, then write) are serialised across processes by `flock` on a file beside
the folder, since Whoosh's own lock only covers one commit.
"""

from __future__ import annotations

import fcntl
import gc
import json
import logging
import os
import re
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Phrase, Term
from whoosh.writing import CLEAR

from .analysis import pairs, runs
from .base import Stamp, TextIndex, TextMatch
from .schema import PAIR_SUFFIX, PAIRED_FIELDS, TEXT_FIELDS, build_schema, document_fields, schema_signature

WRITE_TIMEOUT = 5.0
WRITE_RETRY_DELAY = 0.05
CACHE_SIZE = 4096
REBUILD_POOL_MB = 1024
# How long a catch-up waits for another one (a full rebuild of 30,000 documents takes about a minute).
EXCLUSIVE_TIMEOUT = 300.0
HELD_FILE = "held.json"

_KIND = re.compile(r"[a-z0-9_-]+")
log = logging.getLogger(__name__)


class WhooshIndex(TextIndex):
    """Whoosh index of one kind of document ("supports", "cases", ...) under `path`/`kind`."""

    def __init__(self, path: str | os.PathLike, kind: str):
        if not _KIND.fullmatch(kind):
            raise ValueError(f"invalid index kind: {kind!r}")
        self.kind = kind
        self.directory = Path(path) / kind
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[tuple, frozenset[str]] = OrderedDict()
        self._cache_generation = -1
        self._ix = self._open_or_create()

    def _open_or_create(self):
        schema = build_schema()
        # No memory-mapping: with it, every searcher opened copies the whole term file.
        storage = FileStorage(str(self.directory), supports_mmap=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = storage.open_index() if whoosh_index.exists(storage) else None
                unreadable = False
            except Exception:  # noqa: BLE001 — an index pickled by older code may not even unpickle
                ix, unreadable = None, True
            if unreadable:
                gc.collect()  # Whoosh leaves the unreadable table of contents open: close it now
        if unreadable:
            log.warning("search index %s cannot be read by this version; recreating it", self.directory)
            for path in self.directory.iterdir():
                if path.is_file():
                    path.unlink()
        if ix is not None:
            if schema_signature(ix.schema) == schema_signature(schema):
                return ix
            log.warning("search index %s has an outdated schema; recreating it", self.directory)
            ix.close()
        self._hold(None)  # a new, empty index holds no content version
        return storage.create_index(schema)

    # Writing

    @contextmanager
    def _writing(self, limitmb: int = 128, **commit_options) -> Iterator:
        with self._write_lock:
            writer = self._ix.writer(timeout=WRITE_TIMEOUT, delay=WRITE_RETRY_DELAY, limitmb=limitmb)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit(**commit_options)

    def rebuild(self, docs: Iterable[dict], *, stamp: Stamp | None = None, connection: Any = None) -> int:
        """Replace the whole index with `docs` in one commit; returns how many there are."""
        seen: set[str] = set()
        # A large in-memory pool: sorting postings through temporary files made a 30,000-document
        # rebuild several times slower.
        with self._writing(limitmb=REBUILD_POOL_MB, mergetype=CLEAR) as writer:
            for doc in docs:
                fields = document_fields(doc)
                if fields["id"] in seen:
                    raise ValueError(f"duplicate document id {fields['id']!r}")
                seen.add(fields["id"])
                writer.add_document(**fields)
        self._hold(stamp)
        return len(seen)

    def apply(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = (), *, stamp: Stamp | None = None,
              connection: Any = None) -> None:
        """Add or replace `upserts` (the last of one id wins) and remove `deletes` in one commit."""
        latest = {fields["id"]: fields for fields in map(document_fields, upserts)}
        with self._writing() as writer:
            for fields in latest.values():
                writer.update_document(**fields)
            for doc_id in deletes:
                writer.delete_by_term("id", str(doc_id))
        self._hold(stamp)

    # The content version held

    @property
    def _held_path(self) -> Path:
        return self.directory / HELD_FILE

    def held(self, connection: Any = None) -> Stamp | None:
        try:
            return Stamp.from_json(json.loads(self._held_path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _hold(self, stamp: Stamp | None) -> None:
        if stamp is None:
            self._held_path.unlink(missing_ok=True)
            return
        temporary = self._held_path.with_name(f".{HELD_FILE}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(json.dumps(stamp.as_json()), "utf-8")
        os.replace(temporary, self._held_path)

    @contextmanager
    def exclusive(self, connection: Any = None, wait: bool = True) -> Iterator[bool]:
        # Beside the folder, not in it: the folder may be deleted and recreated while someone waits.
        with open(self.directory.parent / f".{self.kind}.catch-up.lock", "a+b") as handle:
            deadline = time.monotonic() + EXCLUSIVE_TIMEOUT
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        yield False
                        return
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"another catch-up of {self.directory} holds its lock") from None
                    time.sleep(WRITE_RETRY_DELAY)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # Reading

    def _cached(self, generation: int, key: tuple, compute) -> frozenset[str]:
        with self._cache_lock:
            if generation != self._cache_generation:
                self._cache.clear()
                self._cache_generation = generation
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            if generation == self._cache_generation:
                self._cache[key] = value
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value

    def _ids_with(self, searcher, ids, field: str, term: str) -> frozenset[str]:
        if (field, term) not in searcher.reader():
            return frozenset()
        return frozenset(ids[docnum] for docnum in searcher.docs_for_query(Term(field, term)))

    def _terms_containing(self, searcher, field: str, char: str) -> list[str]:
        return [term for term in searcher.reader().field_terms(field) if char in term]

    def _prefixed(self, searcher, ids, field: str, start: str) -> frozenset[str]:
        found: set[str] = set()
        for term in searcher.reader().expand_prefix(field, start):
            found |= self._ids_with(searcher, ids, field, term.decode() if isinstance(term, bytes) else term)
        return frozenset(found)

    def _word_ids(self, searcher, ids, generation: int, field: str, words: tuple[str, ...],
                  prefix: bool = False) -> frozenset[str]:
        def exact() -> frozenset[str]:
            if len(words) > 1 and field not in PAIRED_FIELDS:
                if any((field, word) not in searcher.reader() for word in words):
                    return frozenset()
                return frozenset(ids[n] for n in searcher.docs_for_query(Phrase(field, list(words))))
            if len(words) > 1:
                result: frozenset[str] | None = None
                for term in pairs(words):
                    found = self._ids_with(searcher, ids, field + PAIR_SUFFIX, term)
                    result = found if result is None else result & found
                    if not result:
                        break
                return result or frozenset()
            word = words[0]
            if len(word) == 1:
                # One character: every word that contains it (「金」 in 資金 and 金額 too).
                found: set[str] = set()
                for term in self._terms_containing(searcher, field, word):
                    found |= self._ids_with(searcher, ids, field, term)
                return frozenset(found)
            return self._ids_with(searcher, ids, field, word)

        def compute() -> frozenset[str]:
            found = exact()
            if not prefix or (len(words) == 1 and len(words[0]) == 1):
                return found
            # The word being typed: its last unit may be the start of a longer one (ものづ → ものづくり).
            # Only whole units are extended, so 京都 never reaches 東京都 (東京/都).
            # A unit cut off in the middle (ものづ → もの/づ) is the start of one longer word: ものづくり.
            found = found | self._prefixed(searcher, ids, field, "".join(words))
            if len(words) == 1:
                return found
            if field in PAIRED_FIELDS:
                head = pairs(words)
                result: frozenset[str] | None = None
                for term in head[:-1]:
                    hit = self._ids_with(searcher, ids, field + PAIR_SUFFIX, term)
                    result = hit if result is None else result & hit
                last = self._prefixed(searcher, ids, field + PAIR_SUFFIX, head[-1])
                return found | (last if result is None else result & last)
            before = exact_words = words[:-1]
            hit = (self._word_ids(searcher, ids, generation, field, exact_words) if len(before) > 0
                   else frozenset())
            return found | (hit & self._prefixed(searcher, ids, field, words[-1]))

        return self._cached(generation, (field, words, prefix), compute)

    def match(self, q: str, version: int | None = None, prefix: bool = False) -> TextMatch | None:
        """Which documents contain each word of `q`, per field; None when `q` has no words. With
        `prefix`, the last word may also be the beginning of a longer one (a query being typed).
        (`version` is not needed: the cache follows Whoosh's own generation.)"""
        query_words = list(dict.fromkeys(runs(q)))
        if not query_words:
            return None
        with self._ix.searcher() as searcher:
            if searcher.doc_count_all() == 0:
                return TextMatch(tuple({field: frozenset() for field in TEXT_FIELDS} for _ in query_words))
            generation = searcher.reader().generation()
            generation = self._ix.latest_generation() if generation is None else generation
            ids = searcher.reader().column_reader("id")
            last = len(query_words) - 1
            found = tuple({field: self._word_ids(searcher, ids, generation, field, words, prefix and i == last)
                           for field in TEXT_FIELDS}
                          for i, words in enumerate(query_words))
        return TextMatch(found)

    def doc_count(self, connection: Any = None) -> int:
        with self._ix.searcher() as searcher:
            return searcher.doc_count()

    def close(self) -> None:
        self._ix.close()


SearchIndex = WhooshIndex  # the name this adapter had before there were two backends
