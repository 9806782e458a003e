"""Database access: one engine and one scoped session per application.

We use plain SQLAlchemy 2 rather than an extension so that services can take a `Session` and be
used the same way from views, commands and tests. The schema is owned by Alembic (`migrations/`);
`upgrade_database` is what `portal db upgrade` and the tests call.

A database that is slow or gone must not take the site with it: connecting, waiting for a pooled
connection and (on PostgreSQL) each statement have time limits from the settings (`DB_*`), and
after a failed connection attempt new ones fail at once for `DB_RETRY_SECONDS` (one request at a
time probes whether it is back), so requests answer 503 in seconds instead of queueing behind a
dead server. An SQLite file is created readable by its owner only: it holds password hashes and
every business's data.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from sqlalchemy import MetaData, create_engine, event, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

from portal.config import PROJECT_ROOT

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class DatabaseUnavailable(Exception):
    """The database refused or timed out a moment ago; this request does not wait for it again."""


class ConnectGate:
    """Fails new connections fast while the database is known to be unreachable.

    After a failed attempt, connections are refused for `retry_seconds`; then one attempt at a time
    probes the server while the others keep failing fast, so a dead server costs each request at
    most one connect timeout and never ties up every worker thread."""

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._down_until == 0.0

    def connect(self, dialect, _record, cargs, cparams):
        with self._lock:
            if self._down_until:
                if time.monotonic() < self._down_until or self._probing:
                    raise DatabaseUnavailable("the database did not answer a moment ago")
                self._probing = True
        try:
            connection = dialect.connect(*cargs, **cparams)
        except Exception:
            with self._lock:
                self._down_until = time.monotonic() + self.retry_seconds
                self._probing = False
            raise
        with self._lock:
            self._down_until = 0.0
            self._probing = False
        return connection


def private_sqlite_file(url: str) -> None:
    """Creates the SQLite file 0600 before SQLite does (its journal and WAL files copy that mode), and
    takes group and other access away from one an older version left readable."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        return
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = existing.stat()
        except FileNotFoundError:
            continue
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            existing.chmod(stat.S_IMODE(info.st_mode) & 0o700)


def make_engine(url: str, echo: bool = False, settings: Mapping[str, Any] | None = None) -> Engine:
    settings = settings or {}
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    options = make_url(url).query.get("options", "")
    statement_ms = int(float(settings.get("DB_STATEMENT_TIMEOUT", 10)) * 1000)
    connect_args = {"connect_timeout": max(1, int(settings.get("DB_CONNECT_TIMEOUT", 3))),
                    "options": f"{options} -c statement_timeout={statement_ms}".strip()}
    engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args,
                           pool_timeout=float(settings.get("DB_POOL_TIMEOUT", 3)))
    gate = ConnectGate(float(settings.get("DB_RETRY_SECONDS", 2)))
    event.listen(engine, "do_connect", gate.connect)
    engine.portal_gate = gate  # readiness reports whether it is holding connections back
    return engine


class Database:
    """Holds the engine and the request-scoped session of one app."""

    def __init__(self, url: str, echo: bool = False, settings: Mapping[str, Any] | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, echo, settings)
        self.session = scoped_session(sessionmaker(self.engine, expire_on_commit=False))

    def init_app(self, app: Flask) -> None:
        app.extensions["portal_db"] = self
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["portal_db"]


def get_session() -> Session:
    """The session of the current request or command."""
    return get_db().session()


def target_metadata(dialect: str) -> list[MetaData]:
    """Every table the schema has on this database: the models, plus the tables only PostgreSQL
    has (the in-database search index, portal/search/postgres.py)."""
    import portal.models  # noqa: F401  (registers every model on Base.metadata)

    found = [Base.metadata]
    if dialect == "postgresql":
        from portal.search.postgres import metadata as search_metadata

        found.append(search_metadata)
    return found


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(app: Flask, revision: str = "head") -> None:
    db = get_db(app)
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET statement_timeout = 0")  # a migration may rewrite a big table
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def lock_row(session: Session, model, key: object) -> None:
    """Holds one row against other writers until the transaction ends, so that a check and the
    write it allows (a cap, a count) cannot interleave with another request's: SELECT … FOR UPDATE
    on PostgreSQL; on SQLite, whose writers are serialised anyway, a write that takes the database's
    write lock now, before the check reads."""
    table = model.__table__
    column = next(iter(table.primary_key.columns))
    if session.get_bind().dialect.name == "sqlite":
        # Rewrite a column that no foreign key points at: SQLite checks child tables when a key is written.
        other = next(c for c in table.columns if not c.primary_key)
        session.execute(update(table).where(column == key).values({other.name: other}))
    else:
        session.execute(select(column).where(column == key).with_for_update())


def insert_ignoring_conflict(session: Session, model, **values: object) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted, False when it existed."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(model).values(**values).on_conflict_do_nothing()
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return result.rowcount == 1
