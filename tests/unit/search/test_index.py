"""The Whoosh backend's own lifecycle: files, reopening, recreating, its write lock (the behaviour
both backends share is in test_matching.py and test_writes.py)."""

from __future__ import annotations

import shutil
import threading

import pytest
from whoosh.index import LockError

from portal.search import SearchIndex, Stamp, analysis
from portal.search import index as index_module

from .factories import ids, index_with, make_doc


def test_reopened_index_still_finds_documents(tmp_path):
    index_with(tmp_path, make_doc("a", "京都府の補助金"), make_doc("b", "東京都の補助金"))
    reopened = SearchIndex(tmp_path, "supports")
    assert isinstance(reopened._ix.schema["title"].analyzer, analysis.WordAnalyzer)
    assert ids(reopened.search("京都")) == ["a"]
    assert reopened.doc_count() == 2


def test_kinds_are_separate_folders(tmp_path):
    index_with(tmp_path, make_doc("s", "創業支援"), kind="supports")
    cases = SearchIndex(tmp_path, "cases")
    assert cases.doc_count() == 0
    assert (tmp_path / "supports").is_dir() and (tmp_path / "cases").is_dir()
    with pytest.raises(ValueError):
        SearchIndex(tmp_path, "../elsewhere")


def test_index_written_by_another_analyzer_version_is_recreated_without_its_stamp(tmp_path, monkeypatch):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    index.rebuild([make_doc("a", "創業支援")], stamp=Stamp(3))
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    reopened = SearchIndex(tmp_path, "supports")
    assert reopened.doc_count() == 0 and reopened.held() is None


def test_the_stamp_goes_with_the_folder(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    index.rebuild([make_doc("a", "創業支援")], stamp=Stamp(3))
    assert SearchIndex(tmp_path, "supports").held() == Stamp(3)
    index.close()
    shutil.rmtree(tmp_path / "supports")
    assert SearchIndex(tmp_path, "supports").held() is None


def test_an_unreadable_stamp_counts_as_none(tmp_path):
    index = index_with(tmp_path, make_doc("a", "創業支援"))
    (index.directory / index_module.HELD_FILE).write_text("{not json", "utf-8")
    assert index.held() is None


def test_a_phrase_in_the_body_uses_positions_with_a_gap_between_runs(tmp_path):
    index = index_with(tmp_path, make_doc("a", "案内", "商業、サービス。サービス業の商業化"))
    assert index.search("商業サービス") == []
    assert index._ix.schema["body"].format.supports("positions")


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


def test_index_pickled_by_code_that_no_longer_exists_is_recreated_empty(tmp_path, caplog):
    index_with(tmp_path, make_doc("a", "京都府の補助金")).close()
    toc = next((tmp_path / "supports").glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes().replace(b"WordAnalyzer", b"GoneAnalyzer"))
    reopened = SearchIndex(tmp_path, "supports")
    assert reopened.doc_count() == 0
    assert "cannot be read" in caplog.text
    reopened.rebuild([make_doc("b", "京都市の補助金")])
    assert ids(reopened.search("京都")) == ["b"]
