"""Writers record their changes in their own transaction (`record_changes`), and `catch_up` writes
exactly what an index lacks — on SQLite with Whoosh and on PostgreSQL with its own text search."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from portal.content.indexing import catch_up, record_changes, search_index
from portal.content.services import import_supports
from portal.content.versions import content_version
from portal.db import get_db
from portal.models import SearchChange, Support
from portal.search import Stamp
from tests.conftest import close_app, make_test_app
from tests.factories import support_record


def ids_found(app, words: str) -> set[str]:
    return search_index("supports", app).ids_matching(words)


def other_instance(app, tmp_path):
    """An instance with Whoosh files of its own: what it writes, this app's index misses."""
    return make_test_app(app.config["DATABASE_URL"], tmp_path / "other", SEARCH_BACKEND="whoosh")


def write_elsewhere(app, tmp_path, *records) -> list[int]:
    other = other_instance(app, tmp_path)
    try:
        with Session(get_db(other).engine) as session:
            session.info["app"] = other
            report = import_supports(session, list(records))
            session.commit()
        return report.changed_ids
    finally:
        close_app(other)


def test_a_write_rolled_back_leaves_no_version_no_log_and_no_words(app, session):
    import_supports(session, [support_record("創業塾の案内")])
    session.rollback()
    assert content_version(session, "supports") == 0
    assert session.scalar(select(func.count()).select_from(SearchChange)) == 0
    assert ids_found(app, "創業塾") == set()


def test_the_words_commit_with_the_rows_and_not_before(app, session):
    import_supports(session, [support_record("創業塾の案内")])
    session.flush()
    with get_db(app).engine.connect() as elsewhere:  # another process, while the import is open
        assert elsewhere.scalar(text("SELECT count(*) FROM supports")) == 0
    assert ids_found(app, "創業塾") == set()
    session.commit()
    (support_id,) = session.scalars(select(Support.id))
    assert ids_found(app, "創業塾") == {str(support_id)}  # no indexing call: the commit did it
    assert search_index("supports", app).held().version == content_version(session, "supports")


def test_every_change_is_logged_at_the_version_it_made(app, session):
    import_supports(session, [support_record("創業塾", source_id="a"), support_record("融資", source_id="b")])
    session.commit()
    import_supports(session, [support_record("創業スクール", source_id="a")])
    session.commit()
    logged = dict(session.execute(select(SearchChange.doc_id, SearchChange.version)
                                  .where(SearchChange.kind == "supports")).all())
    by_source = dict(session.execute(select(Support.source_id, Support.id)).all())
    assert logged == {str(by_source["a"]): 2, str(by_source["b"]): 1}
    assert content_version(session, "supports") == 2


def test_a_catch_up_writes_only_what_the_index_lacks(app, session, tmp_path):
    import_supports(session, [support_record("創業塾", source_id="a")])
    session.commit()
    missing = write_elsewhere(app, tmp_path, support_record("事業承継の相談", source_id="b"),
                              support_record("海外展開の支援", source_id="c"))
    assert ids_found(app, "事業承継") == set()
    result = catch_up(session, "supports")
    assert (result.written, result.rebuilt) == (2, False)
    assert ids_found(app, "事業承継 相談") == {str(missing[0])} and ids_found(app, "創業塾")
    assert catch_up(session, "supports").written == 0


def test_a_document_whose_row_is_gone_leaves_the_index(app, session):
    (support_id,) = [s for s in (import_supports(session, [support_record("創業塾")]).changed_ids)]
    session.commit()
    session.execute(text("DELETE FROM supports WHERE id = :id"), {"id": support_id})
    record_changes(session, "supports", [support_id])
    session.commit()
    assert ids_found(app, "創業塾") == set()
    assert search_index("supports", app).doc_count() == 0


def test_an_index_ahead_of_the_database_is_rebuilt(app, session):
    """A backup restored under the index: it holds a version the database has not reached."""
    import_supports(session, [support_record("創業塾")])
    session.commit()
    index = search_index("supports", app)
    with Session(get_db(app).engine) as own:
        index.apply([{"id": "999", "title": "消えたはずの制度"}], stamp=Stamp(9), connection=own)
        own.commit()
    result = catch_up(session, "supports")
    assert result.rebuilt and result.written == 1
    assert ids_found(app, "消えた") == set() and ids_found(app, "創業塾")


def test_a_catch_up_beyond_its_limit_writes_nothing_and_says_so(app, session, tmp_path):
    import_supports(session, [support_record("創業塾")])
    session.commit()
    write_elsewhere(app, tmp_path, *[support_record(f"事業承継の相談 {i}") for i in range(3)])
    result = catch_up(session, "supports", limit=2)
    assert result.deferred and result.written == 0 and ids_found(app, "事業承継") == set()
    assert catch_up(session, "supports", limit=3).written == 3


def test_a_catch_up_that_may_not_wait_gives_way_to_one_in_progress(app, session, tmp_path):
    write_elsewhere(app, tmp_path, support_record("事業承継の相談"))
    index = search_index("supports", app)
    with Session(get_db(app).engine) as holder, holder.begin(), index.exclusive(holder):
        assert catch_up(session, "supports", wait=False).busy
    assert catch_up(session, "supports", wait=False).written == 1


def test_catch_ups_running_at_once_in_threads_leave_the_index_whole(app, session, tmp_path):
    import_supports(session, [support_record("創業塾")])
    session.commit()
    added = write_elsewhere(app, tmp_path, *[support_record(f"事業承継の相談 {i}") for i in range(20)])
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Session(get_db(app).engine) as own:
                own.info["app"] = app
                catch_up(own, "supports")
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert ids_found(app, "事業承継") == {str(i) for i in added}
    assert search_index("supports", app).held().version == content_version(session, "supports")


def test_a_new_title_reaches_the_cases_that_used_the_measure(app, session):
    from tests.factories import add_cases, add_supports, case_record

    add_supports(session, support_record("試験融資", source_id="m1"))
    (case_id,) = add_cases(session, case_record("町工場の設備更新", supports=["m1"]))
    cases_version = content_version(session, "cases")
    add_supports(session, support_record("設備資金の融資", source_id="m1"))
    assert content_version(session, "cases") == cases_version + 1  # the case's catalog and caches move too
    assert search_index("cases", app).ids_matching("設備資金") == {str(case_id)}
    assert search_index("cases", app).ids_matching("試験融資") == set()
