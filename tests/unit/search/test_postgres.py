"""The PostgreSQL backend's own behaviour: words written in the caller's transaction, the vectors it
stores, the per-version cache, the word list behind one-character queries."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.search import Stamp, open_index
from portal.search.postgres import MAX_POSITION, _row

from .factories import ids, make_doc


def test_words_are_written_in_the_callers_transaction_and_roll_back_with_it(make_pg_index):
    index = make_pg_index(make_doc("1", "創業支援"))
    with Session(index.engine) as session:
        index.apply([make_doc("2", "事業承継")], stamp=Stamp(2), connection=session)
        assert session.scalar(text("SELECT count(*) FROM search_entries WHERE doc_id = '2'")) == 1
        assert index.search("事業承継") == []  # other connections do not see it before the commit
        session.rollback()
    assert index.search("事業承継") == [] and index.held() is None
    with Session(index.engine) as session:
        index.apply([make_doc("2", "事業承継")], stamp=Stamp(2), connection=session)
        session.commit()
    assert ids(index.search("事業承継")) == ["2"] and index.held() == Stamp(2)


def test_title_and_keywords_share_a_weighted_head_and_the_body_follows_after_a_gap():
    row, words = _row("supports", make_doc("7", "IT導入", "導入の相談", keywords=["DX", "補助金"]))
    assert row["head"] == "'it':1A '導入':2A 'dx':4B '補助':6B '金':7B"  # 3 and 5 are the gaps
    assert row["body"] == "'導入':10 'の':11 '相談':12"
    assert words == {"it", "導入", "dx", "補助", "金", "の", "相談"}


def test_a_body_longer_than_postgresql_positions_keeps_its_later_words(make_pg_index):
    filler = "あ、" * (MAX_POSITION // 2 + 10)
    index = make_pg_index(make_doc("long", "案内", filler + "事業承継の相談"))
    assert ids(index.search("事業承継")) == []  # a phrase needs positions, which ran out
    assert ids(index.search("相談")) == ["long"]


def test_results_are_cached_per_stated_version_and_never_without_one(make_pg_index, search_engine):
    index = make_pg_index(make_doc("1", "創業支援"))
    assert ids(index.search("創業")) == ["1"]
    assert index.match("創業", version=5).ids() == {"1"}
    with search_engine.begin() as connection:  # another process empties the table behind its back
        connection.execute(text("DELETE FROM search_entries"))
    assert index.match("創業", version=5).ids() == {"1"}  # version 5 is what it was asked about
    assert index.match("創業", version=6).ids() == set()
    assert index.match("創業").ids() == set()


def test_a_one_character_query_asks_the_word_list_which_is_renewed_by_a_rebuild(make_pg_index, search_engine):
    index = make_pg_index(make_doc("1", "資金の融資"), make_doc("2", "金額の上限"))
    assert set(ids(index.search("金"))) == {"1", "2"}
    with search_engine.connect() as connection:
        listed = set(connection.scalars(text("SELECT word FROM search_words WHERE kind = 'supports'")))
    assert {"資金", "金額", "融資", "上限", "の"} <= listed
    index.delete("2")
    assert ids(index.search("金")) == ["1"]  # a stale word in the list matches nothing
    index.rebuild([make_doc("3", "相談窓口")])
    with search_engine.connect() as connection:
        listed = set(connection.scalars(text("SELECT word FROM search_words WHERE kind = 'supports'")))
    assert listed == {"相談", "窓口"}


def test_the_backend_refuses_a_database_that_is_not_postgresql(tmp_path):
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ValueError, match="PostgreSQL"):
        open_index("postgresql", "supports", engine=engine)
    engine.dispose()
