"""Two instances over one database catch up with each other (issue 13 item 4): a measure imported
through one is found, counted in the facets and shown by the other's search within the stated bound;
a large lag is repaired in the background while searches go on; the readiness report tells how far
behind an index is and starts its catch-up."""

from __future__ import annotations

import time

import pytest

from portal.content.freshness import current_index, search_health
from portal.content.indexing import search_index
from portal.content.versions import content_version
from portal.db import get_db, get_session
from tests.conftest import close_app, make_test_app

from .fixtures import JGRANTS_LIST, MIRASAPO_SUPPORTS, load, write

BOUND = 5.0  # seconds: the catch-up bound the README states


def run(app, *args):
    result = app.test_cli_runner().invoke(args=[str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def other(app, tmp_path):
    """Instance A: same database, its own instance folder and default backend (so on PostgreSQL it
    writes the words with the rows; on SQLite into Whoosh files of its own)."""
    other = make_test_app(app.config["DATABASE_URL"], tmp_path / "instance-a")
    yield other
    close_app(other)


@pytest.fixture
def whoosh_elsewhere(app, tmp_path):
    """An instance whose index is nothing this app can read: its own Whoosh folder."""
    other = make_test_app(app.config["DATABASE_URL"], tmp_path / "whoosh-elsewhere", SEARCH_BACKEND="whoosh")
    yield other
    close_app(other)


def wait_for(predicate, seconds: float) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_measure_imported_through_one_instance_is_found_by_the_other_within_the_bound(app, client, other):
    app.config["CONTENT_VERSION_MAX_AGE"] = 1.0  # as in production: B trusts its version for a second
    run(other, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert "ものづくり試験補助金" not in client.get("/supports?q=試験").get_data(as_text=True)  # B's caches warm
    assert "0件" in client.get("/supports?q=試験&prefecture=13").get_data(as_text=True)
    run(other, "import", "supports", MIRASAPO_SUPPORTS)

    def found() -> bool:
        page = client.get("/supports?q=試験&prefecture=13").get_data(as_text=True)
        return "ものづくり試験補助金" in page and "東京都の試験融資" in page

    wait_for(found, BOUND)
    api = client.get("/api/v1/supports?q=試験").get_json()
    assert {item["title"] for item in api["items"]} >= {"ものづくり試験補助金", "東京都の試験融資"}


def test_an_edit_made_elsewhere_reaches_the_other_instances_cached_words(app, client, other, tmp_path):
    run(other, "import", "supports", MIRASAPO_SUPPORTS)
    assert "静岡県と北海道の専門家派遣" in client.get("/supports?q=専門家派遣").get_data(as_text=True)
    data = load(MIRASAPO_SUPPORTS)
    data["items"][2]["title"] = "静岡県と北海道の経営相談"
    run(other, "import", "supports", write(tmp_path / "edited.json", data))
    page = client.get("/supports?q=専門家派遣").get_data(as_text=True)
    assert "静岡県と北海道の" not in page
    assert "静岡県と北海道の経営相談" in client.get("/supports?q=経営相談").get_data(as_text=True)
    assert client.get("/api/v1/supports?q=専門家派遣").get_json()["total"] == 0


def test_a_lag_too_large_for_a_request_is_repaired_in_the_background(app, client, whoosh_elsewhere):
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    app.config["SEARCH_CATCH_UP_LIMIT"] = 2
    run(whoosh_elsewhere, "import", "supports", MIRASAPO_SUPPORTS)  # 4 measures this app's index lacks
    with app.test_request_context():
        session = get_session()
        _index, current = current_index(session, "supports", content_version(session, "supports"))
    assert current is False
    app.extensions["portal_search_catch_ups"]["supports"].join(30)
    assert "ものづくり試験補助金" in client.get("/supports?q=試験").get_data(as_text=True)


def test_a_page_built_while_the_index_lags_is_not_kept_in_the_region_cache(app, client, whoosh_elsewhere):
    from sqlalchemy.orm import Session

    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    run(whoosh_elsewhere, "import", "supports", MIRASAPO_SUPPORTS)
    index = search_index("supports", app)
    # Another catch-up of this index is under way: the request may not wait for it.
    with Session(get_db(app).engine) as holder, holder.begin(), index.exclusive(holder):
        first = client.get("/supports?q=試験").get_data(as_text=True)
    assert "ものづくり試験補助金" not in first  # answered at once, from the index as it was
    assert "ものづくり試験補助金" in client.get("/supports?q=試験").get_data(as_text=True)  # not the kept page


def test_the_readiness_report_tells_the_lag_and_starts_the_catch_up(app, whoosh_elsewhere, clock):
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    ok, details = search_health(app)
    assert ok and details["kinds"]["supports"]["lag_seconds"] == 0
    assert details["kinds"]["supports"]["index_version"] == details["kinds"]["supports"]["database_version"]
    assert details["backend"] == ("postgresql" if search_index("supports", app).in_database else "whoosh")
    run(whoosh_elsewhere, "import", "supports", MIRASAPO_SUPPORTS)
    clock.advance(seconds=90)  # the index has missed that import for a minute and a half
    ok, details = search_health(app, repair=False)
    supports = details["kinds"]["supports"]
    assert not ok and not supports["ok"] and supports["lag_seconds"] == 90.0
    assert supports["index_version"] < supports["database_version"]
    assert details["kinds"]["cases"]["ok"] and details["max_lag_seconds"] == 60.0
    ok, _details = search_health(app)  # this time it starts the repair
    app.extensions["portal_search_catch_ups"]["supports"].join(30)
    ok, details = search_health(app)
    assert ok and details["kinds"]["supports"]["lag_seconds"] == 0


def test_the_readiness_check_raises_with_one_line_naming_the_lagging_kind(app, whoosh_elsewhere, clock):
    from portal.content.freshness import SearchLagging, search_check

    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert search_check(app)["kinds"]["supports"]["ok"]
    app.config["SEARCH_CATCH_UP_LIMIT"] = 0
    run(whoosh_elsewhere, "import", "supports", MIRASAPO_SUPPORTS)
    clock.advance(minutes=5)
    with pytest.raises(SearchLagging, match=r"^search index behind the database \(supports: index \d+ / database \d+, "
                                            r"300 s behind\)$"):
        search_check(app)
    app.extensions["portal_search_catch_ups"]["supports"].join(30)
    assert search_check(app)["kinds"]["supports"]["lag_seconds"] == 0


def test_a_commit_inside_a_request_leaves_a_large_catch_up_to_the_background(app):
    from portal.content.services import import_supports
    from tests.factories import support_record

    app.config["SEARCH_CATCH_UP_LIMIT"] = 1
    with app.test_request_context():
        session = get_session()
        import_supports(session, [support_record(f"事業承継の相談 {i}") for i in range(3)])
        session.commit()
        index = search_index("supports")
        if not index.in_database:  # PostgreSQL wrote the words with the rows; Whoosh defers them
            assert index.ids_matching("事業承継") == set()
            app.extensions["portal_search_catch_ups"]["supports"].join(30)
        assert len(index.ids_matching("事業承継")) == 3


def test_a_search_rebuilds_an_index_ahead_of_a_restored_database(app, client):
    """The database went back to a backup; the index still holds what came after it."""
    from sqlalchemy.orm import Session

    from portal.search import Stamp

    run(app, "import", "supports", MIRASAPO_SUPPORTS)
    index = search_index("supports", app)
    with Session(get_db(app).engine) as own, own.begin():
        index.apply([{"id": "999", "title": "バックアップより後の試験制度"}], stamp=Stamp(99), connection=own)
    assert index.ids_matching("バックアップ") == {"999"}
    assert "バックアップより後" not in client.get("/supports?q=試験").get_data(as_text=True)
    assert index.ids_matching("バックアップ") == set() and index.held().version == 1
