"""portal/db.py: the connect gate, the private SQLite file, the row lock and the conflict-ignoring insert."""

from __future__ import annotations

import os
import stat
import time

import pytest
from sqlalchemy.exc import OperationalError

from portal.db import DatabaseUnavailable, get_db, insert_ignoring_conflict, make_engine
from portal.models import LoginThrottle


def test_a_hanging_database_fails_within_the_connect_timeout_and_then_at_once(silent_port):
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{silent_port}/test",
                         settings={"DB_CONNECT_TIMEOUT": 1, "DB_RETRY_SECONDS": 0.5})
    started = time.monotonic()
    with pytest.raises(OperationalError):
        engine.connect()
    assert time.monotonic() - started < 3
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable):  # the gate holds new attempts back for DB_RETRY_SECONDS
        engine.connect()
    assert time.monotonic() - started < 0.2
    time.sleep(0.6)
    with pytest.raises(OperationalError):  # then one attempt probes again
        engine.connect()
    engine.dispose()


def test_statement_timeout_and_connect_timeout_reach_postgresql(fresh_database_url):
    url = fresh_database_url("postgresql")
    engine = make_engine(url, settings={"DB_STATEMENT_TIMEOUT": 1.5})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "1500ms"
        assert connection.exec_driver_sql("SHOW search_path").scalar().startswith("portal_test_")
        with pytest.raises(OperationalError):
            connection.exec_driver_sql("SELECT pg_sleep(3)")
    engine.dispose()


def test_the_sqlite_file_is_created_for_its_owner_only(tmp_path):
    path = tmp_path / "db" / "portal.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for sibling in path.parent.glob("portal.sqlite3-*"):  # the WAL files copy the database's mode
        assert stat.S_IMODE(sibling.stat().st_mode) == 0o600
    engine.dispose()


def test_an_older_world_readable_sqlite_file_is_made_private(tmp_path):
    path = tmp_path / "portal.sqlite3"
    path.touch()
    os.chmod(path, 0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_insert_ignoring_conflict_says_whether_it_inserted(app):
    session = get_db(app).session()
    try:
        assert insert_ignoring_conflict(session, LoginThrottle, email="a@example.jp", failures=0) is True
        assert insert_ignoring_conflict(session, LoginThrottle, email="a@example.jp", failures=3) is False
        session.commit()
        assert session.get(LoginThrottle, "a@example.jp").failures == 0
    finally:
        get_db(app).session.remove()
