"""Index lifecycle: writes, reopening, locking, facets, sorting, threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from whoosh.index import LockError

from portal.search import SearchIndex, analysis
from portal.search import index as index_module

from .factories import ids, index_with, make_doc


def test_upsert_replaces_the_document_with_the_same_id(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援セミナー"))
    index.upsert(make_doc("a", "事業承継支援"))
    index.upsert(make_doc("b", "創業支援セミナー"))
    assert index.doc_count() == 2
    assert ids(index.search("事業承継")) == ["a"]
    assert ids(index.search("創業支援")) == ["b"]  # a phrase query: old postings gone
    assert ids(index.search("創業")) == ["b"]


def test_delete_removes_the_document(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"), make_doc("b", "創業支援融資"))
    index.delete("a")
    index.delete("unknown")
    assert ids(index.search("創業")) == ["b"]
    assert ids(index.search("創業支援")) == ["b"]
    assert index.ids_matching("創業支援") == {"b"}
    assert index.doc_count() == 1


def test_rebuild_replaces_everything_and_counts(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"), make_doc("b", "創業融資"))
    assert index.rebuild([make_doc("c", "事業承継")]) == 1
    assert index.doc_count() == 1
    assert index.search("創業") == []
    assert ids(index.search("事業承継")) == ["c"]


def test_failed_rebuild_keeps_the_previous_content(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    with pytest.raises(ValueError, match="duplicate"):
        index.rebuild([make_doc("b", "融資"), make_doc("b", "融資")])
    assert ids(index.search("創業")) == ["a"]


def test_reopened_index_still_finds_documents(tmp_path):
    index_with(tmp_path, make_doc("a", "京都府の補助金"), make_doc("b", "東京都の補助金"))
    reopened = SearchIndex(tmp_path, "supports")
    assert isinstance(reopened._ix.schema["title"].analyzer, analysis.WordAnalyzer)
    assert ids(reopened.search("京都")) == ["a"]
    assert reopened.doc_count() == 2


def test_kinds_are_separate_indexes(tmp_path):
    index_with(tmp_path, make_doc("s", "創業支援"), kind="supports")
    cases = SearchIndex(tmp_path, "cases")
    assert cases.doc_count() == 0
    assert (tmp_path / "supports").is_dir() and (tmp_path / "cases").is_dir()
    with pytest.raises(ValueError):
        SearchIndex(tmp_path, "../elsewhere")


def test_index_written_by_another_analyzer_version_is_recreated(tmp_path, monkeypatch):
    index_with(tmp_path, make_doc("a", "創業支援"))
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    assert SearchIndex(tmp_path, "supports").doc_count() == 0


def test_write_waits_for_the_lock_of_another_writer(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    other = SearchIndex(tmp_path, "supports")._ix.writer()  # e.g. another process
    threading.Timer(0.3, other.cancel).start()
    index.upsert(make_doc("b", "創業融資"))
    assert index.doc_count() == 2


def test_write_gives_up_when_the_lock_stays_taken(tmp_path, monkeypatch):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    monkeypatch.setattr(index_module, "WRITE_TIMEOUT", 0.2)
    other = SearchIndex(tmp_path, "supports")._ix.writer()
    try:
        with pytest.raises(LockError):
            index.delete("a")
    finally:
        other.cancel()
    assert index.doc_count() == 1


def test_searches_from_threads_during_writes_see_consistent_results(tmp_path):
    index = index_with(tmp_path, *[make_doc(f"d{i}", f"京都府の補助金{i}") for i in range(30)])

    def write():
        for i in range(30, 40):
            index.upsert(make_doc(f"d{i}", f"京都府の補助金{i}"))

    def read(_):
        found = index.ids_matching("京都府")
        return len(found) >= 30 and all(doc_id.startswith("d") for doc_id in found)

    writer = threading.Thread(target=write)
    writer.start()
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(read, range(40)))
    writer.join()
    assert len(index.ids_matching("京都府")) == 40


def test_searching_an_empty_index_finds_nothing(tmp_path):
    index = SearchIndex(tmp_path, "supports")
    assert index.search("補助金") == [] and index.ids_matching("京都") == set()
    assert index.match("補助金").ids() == set()


def test_index_pickled_by_code_that_no_longer_exists_is_recreated_empty(tmp_path, caplog):
    index_with(tmp_path, make_doc("a", "京都府の補助金")).close()
    toc = next((tmp_path / "supports").glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes().replace(b"WordAnalyzer", b"GoneAnalyzer"))
    reopened = SearchIndex(tmp_path, "supports")
    assert reopened.doc_count() == 0
    assert "cannot be read" in caplog.text
    reopened.rebuild([make_doc("b", "京都市の補助金")])
    assert ids(reopened.search("京都")) == ["b"]
