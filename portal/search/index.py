"""The search adapter: one Whoosh index per kind of document, answering with ids.

The app filters, counts facets and sorts in its own in-memory catalog, so all it needs from text
search is which documents match each query word in each field. That is one or a few posting lists
per word (see analysis.py), read without scoring; the sets are cached per index generation, so a
common word costs its posting list once until the index changes. `TextMatch` combines them: a
document matches when every query word is in one of its fields, and its score sums, per word, the
weight of the best field it was found in (title ≫ keywords > body).

Searches open a searcher per call (Whoosh searchers are not shared between threads). Writes are
serialised within the process by a lock and across processes by Whoosh's lock file, which the
writer retries for `WRITE_TIMEOUT` seconds before raising `LockError`.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
from whoosh.writing import CLEAR

from .analysis import pairs, runs
from .schema import FIELD_WEIGHTS, PAIR_SUFFIX, PAIRED_FIELDS, TEXT_FIELDS, build_schema, document_fields, schema_signature

WRITE_TIMEOUT = 5.0
WRITE_RETRY_DELAY = 0.05
CACHE_SIZE = 4096
REBUILD_POOL_MB = 1024

_KIND = re.compile(r"[a-z0-9_-]+")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextMatch:
    """Per query word, the ids found in each field."""

    words: tuple[dict[str, frozenset[str]], ...]

    def ids(self) -> set[str]:
        result: set[str] | None = None
        for fields in self.words:
            found = set().union(*fields.values())
            result = found if result is None else result & found
            if not result:
                return set()
        return result or set()

    def scores(self, ids: Iterable[str] | None = None) -> dict[str, int]:
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


class SearchIndex:
    """Full-text index of one kind of document ("supports", "cases", ...)."""

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

    def rebuild(self, docs: Iterable[dict]) -> int:
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
        return len(seen)

    def upsert_many(self, docs: Iterable[dict]) -> None:
        """Add or replace several documents in one commit."""
        with self._writing() as writer:
            for doc in docs:
                writer.update_document(**document_fields(doc))

    def upsert(self, doc: dict) -> None:
        self.upsert_many([doc])

    def delete(self, doc_id: str) -> None:
        """Remove the document `doc_id`; unknown ids are ignored."""
        with self._writing() as writer:
            writer.delete_by_term("id", str(doc_id))

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

    def _word_ids(self, searcher, ids, generation: int, field: str, words: tuple[str, ...]) -> frozenset[str]:
        def compute() -> frozenset[str]:
            if len(words) > 1:
                result: frozenset[str] | None = None
                terms = pairs(words) if field in PAIRED_FIELDS else list(dict.fromkeys(words))
                term_field = field + PAIR_SUFFIX if field in PAIRED_FIELDS else field
                for term in terms:
                    found = self._ids_with(searcher, ids, term_field, term)
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

        return self._cached(generation, (field, words), compute)

    def match(self, q: str) -> TextMatch | None:
        """Which documents contain each word of `q`, per field; None when `q` has no words."""
        query_words = list(dict.fromkeys(runs(q)))
        if not query_words:
            return None
        with self._ix.searcher() as searcher:
            if searcher.doc_count_all() == 0:
                return TextMatch(tuple({field: frozenset() for field in TEXT_FIELDS} for _ in query_words))
            generation = searcher.reader().generation()
            generation = self._ix.latest_generation() if generation is None else generation
            ids = searcher.reader().column_reader("id")
            found = tuple({field: self._word_ids(searcher, ids, generation, field, words) for field in TEXT_FIELDS}
                          for words in query_words)
        return TextMatch(found)

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

    def doc_count(self) -> int:
        with self._ix.searcher() as searcher:
            return searcher.doc_count()

    def close(self) -> None:
        self._ix.close()
