"""The search backends under one fixture, so that one contract suite runs against each.

`make_index(*docs, kind=...)` gives a fresh index of the backend under test holding exactly `docs`:
Whoosh files in the test's folder, or PostgreSQL entries in a private schema (the search tables
only, emptied before each test). `make_pg_index` is the same for PostgreSQL alone.
`PORTAL_TEST_BACKENDS=sqlite` leaves PostgreSQL out, as it does for every database test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from portal.search import TextIndex, open_index
from tests.conftest import BACKENDS

SEARCH_BACKENDS = ["whoosh"] + (["postgresql"] if "postgresql" in BACKENDS else [])


@pytest.fixture(scope="session")
def search_engine(fresh_database_url):
    """An engine on a private PostgreSQL schema holding the search tables."""
    from portal.search.postgres import metadata

    engine = create_engine(fresh_database_url("postgresql"))
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _maker(backend: str, path, engine):
    if engine is not None:
        with engine.begin() as connection:
            connection.execute(text("TRUNCATE search_entries, search_words, search_state"))
    opened: list[TextIndex] = []

    def make(*docs: dict, kind: str = "supports") -> TextIndex:
        index = open_index(backend, kind, path=path, engine=engine)
        index.rebuild(docs)
        opened.append(index)
        return index

    return make, opened


@pytest.fixture(params=SEARCH_BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_index(backend, request, tmp_path):
    engine = request.getfixturevalue("search_engine") if backend == "postgresql" else None
    make, opened = _maker(backend, tmp_path, engine)
    yield make
    for index in opened:
        index.close()


@pytest.fixture
def make_pg_index(request, tmp_path):
    if "postgresql" not in SEARCH_BACKENDS:
        pytest.skip("PORTAL_TEST_BACKENDS leaves PostgreSQL out")
    make, _opened = _maker("postgresql", tmp_path, request.getfixturevalue("search_engine"))
    return make
