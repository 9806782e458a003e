"""Database access: one engine and one scoped session per application.

We use plain SQLAlchemy 2 rather than an extension so that services can take a `Session` and be
used the same way from views, commands and tests. The schema is owned by Alembic (`migrations/`);
`upgrade_database` is what `portal db upgrade` and the tests call.
"""

from __future__ import annotations


from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
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


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


class Database:
    """Holds the engine and the request-scoped session of one app."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo)
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
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
