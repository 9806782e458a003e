"""Writing an index, the same on every backend: upserts, deletes, rebuilds, kinds, the stamp of the
content held, the catch-up lock, reads during writes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from portal.search import Stamp
from portal.search.analysis import ANALYSIS_VERSION

from .factories import ids, make_doc


@contextmanager
def transaction(index):
    """What a catch-up writes through: a session for an in-database index, nothing for files."""
    if not index.in_database:
        yield None
        return
    with Session(index.engine) as session, session.begin():
        yield session


def test_upsert_replaces_the_document_with_the_same_id(make_index):
    index = make_index(make_doc("a", "創業支援セミナー"))
    index.upsert(make_doc("a", "事業承継支援"))
    index.upsert(make_doc("b", "創業支援セミナー"))
    assert index.doc_count() == 2
    assert ids(index.search("事業承継")) == ["a"]
    assert ids(index.search("創業支援")) == ["b"]  # a phrase query: old words gone
    assert ids(index.search("創業")) == ["b"]


def test_delete_removes_the_document(make_index):
    index = make_index(make_doc("a", "創業支援"), make_doc("b", "創業支援融資"))
    index.delete("a")
    index.delete("unknown")
    assert ids(index.search("創業")) == ["b"]
    assert ids(index.search("創業支援")) == ["b"]
    assert index.ids_matching("創業支援") == {"b"}
    assert index.doc_count() == 1


def test_apply_upserts_and_deletes_in_one_write(make_index):
    index = make_index(make_doc("a", "創業支援"), make_doc("b", "創業融資"))
    index.apply([make_doc("c", "創業塾"), make_doc("c", "創業スクール")], ["a"])
    assert set(ids(index.search("創業"))) == {"b", "c"}
    assert ids(index.search("スクール")) == ["c"]  # the last version given wins
    assert index.search("塾") == []


def test_rebuild_replaces_everything_and_counts(make_index):
    index = make_index(make_doc("a", "創業支援"), make_doc("b", "創業融資"))
    assert index.rebuild([make_doc("c", "事業承継")]) == 1
    assert index.doc_count() == 1
    assert index.search("創業") == []
    assert ids(index.search("事業承継")) == ["c"]


def test_failed_rebuild_keeps_the_previous_content(make_index):
    index = make_index(make_doc("a", "創業支援"))
    with pytest.raises(ValueError, match="duplicate"):
        index.rebuild([make_doc("b", "融資"), make_doc("b", "融資")])
    assert ids(index.search("創業")) == ["a"]
    with pytest.raises(ValueError, match="without an id"):
        index.upsert(make_doc("", "融資"))


def test_kinds_are_separate_indexes(make_index):
    supports = make_index(make_doc("1", "創業支援"), kind="supports")
    cases = make_index(make_doc("1", "町工場の事業承継"), kind="cases")
    assert ids(supports.search("創業")) == ["1"] and cases.search("創業") == []
    assert ids(cases.search("事業承継")) == ["1"] and supports.search("事業承継") == []
    cases.rebuild([])
    assert supports.doc_count() == 1 and cases.doc_count() == 0


def test_searching_an_empty_index_finds_nothing(make_index):
    index = make_index()
    assert index.search("補助金") == [] and index.ids_matching("京都") == set()
    assert index.match("補助金").ids() == set()
    assert index.search("金") == []


def test_the_stamp_of_the_content_held_is_kept_with_the_write_and_dropped_by_an_unstamped_one(make_index):
    index = make_index(make_doc("a", "創業支援"))
    assert index.held() is None  # written without a stamp: nobody knows which content it holds
    stamp = Stamp(7, datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    with transaction(index) as connection:
        index.apply([make_doc("b", "融資")], stamp=stamp, connection=connection)
    assert index.held() == stamp and index.held().analysis == ANALYSIS_VERSION
    with transaction(index) as connection:
        index.rebuild([make_doc("c", "融資")], stamp=Stamp(8), connection=connection)
    assert index.held() == Stamp(8)
    index.upsert(make_doc("d", "補助金"))
    assert index.held() is None


def test_a_stamp_holds_the_same_version_of_the_same_analysis_at_the_same_time():
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert Stamp(3, noon).holds(Stamp(3, noon)) and Stamp(3).holds(Stamp(3, noon))
    assert not Stamp(3, noon).holds(Stamp(4, noon))
    assert not Stamp(3, noon).holds(Stamp(3, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)))  # a restored backup
    assert not Stamp(3, noon, analysis=ANALYSIS_VERSION - 1).holds(Stamp(3, noon))
    assert Stamp.from_json(Stamp(3, noon).as_json()) == Stamp(3, noon)


def test_only_one_catch_up_holds_an_index_at_a_time(make_index):
    index = make_index()
    entered, release = threading.Event(), threading.Event()

    def hold():
        with transaction(index) as connection, index.exclusive(connection) as got:
            assert got
            entered.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(10)
        with transaction(index) as connection, index.exclusive(connection, wait=False) as got:
            assert got is False
    finally:
        release.set()
        holder.join()
    with transaction(index) as connection, index.exclusive(connection, wait=False) as got:
        assert got is True


def test_searches_from_threads_during_writes_see_consistent_results(make_index):
    index = make_index(*[make_doc(f"d{i}", f"京都府の補助金{i}") for i in range(30)])

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
