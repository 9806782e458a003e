"""Fixtures shared by every kind of test: apps on SQLite and PostgreSQL, a real SMTP server."""

from __future__ import annotations

import email
import os
import re
import secrets
import socket
import threading
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from jinja2 import BytecodeCache
from werkzeug.routing import Rule
from sqlalchemy import text

from portal import create_app
from portal.db import get_db, target_metadata, upgrade_database
from tests.clock import clock  # noqa: F401  (the pinned clock every time-dependent test uses)

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# A developer's own settings must not leak into the tests.
for _name in list(os.environ):
    if (_name.startswith("PORTAL_") and not _name.startswith("PORTAL_TEST_")) or _name in {"DATABASE_URL", "SECRET_KEY"}:
        del os.environ[_name]


# --- e-mail -------------------------------------------------------------------------------------

class Mailbox:
    """What the local SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m["To"]]

    def last_link(self, address: str, path_part: str) -> str:
        """The path of the last link containing `path_part` sent to `address`."""
        for message in reversed(self.to(address)):
            body = message.get_body(preferencelist=("plain",)).get_content()
            for url in re.findall(r"https?://\S+", body):
                if path_part in url:
                    parts = urlsplit(url)
                    return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no mail to {address} with a link containing {path_part!r}")


@pytest.fixture(scope="session")
def smtp_server():
    handler = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    controller.mailbox = handler
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.mailbox.clear()
    return smtp_server.mailbox


# --- databases ----------------------------------------------------------------------------------

def postgres_reachable(url: str) -> str | None:
    """None when reachable, else the reason."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]


class PostgresSchema:
    """A private schema per test session, so runs never see each other's tables."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.name = f"portal_test_{os.getpid()}_{secrets.token_hex(3)}"

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.base_url, autocommit=True) as connection:
            connection.execute(sql)

    def create(self) -> str:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        url = self.base_url.replace("postgresql://", "postgresql+psycopg://", 1)
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory):
    """Makes empty databases: `fresh_database_url('sqlite')` or `('postgresql')`."""
    schemas: list[PostgresSchema] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("db") / "portal.sqlite3"
            return f"sqlite:///{path}"
        reason = postgres_reachable(POSTGRES_URL)
        if reason:
            pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({reason}); ran on SQLite only")
        schema = PostgresSchema(POSTGRES_URL)
        schemas.append(schema)
        return schema.create()

    yield make
    for schema in schemas:
        schema.drop()


# `PORTAL_TEST_BACKENDS=sqlite` limits a run to SQLite (the runs under libfaketime do: PostgreSQL's
# server clock is not faked, and the portal keeps every "now" on the Python side anyway).
BACKENDS = [name.strip() for name in os.environ.get("PORTAL_TEST_BACKENDS", "sqlite,postgresql").split(",")
            if name.strip()]


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request, fresh_database_url) -> str:
    """A migrated database, once per backend and session; tests empty it (see `app`)."""
    return fresh_database_url(request.param)


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept across the test session's apps: every test builds an app of its own,
    and compiling the same templates again for each was a fifth of the suite's time. Jinja checks
    each template's source checksum before it reuses the code."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedTemplateCode()


def share_url_builders() -> None:
    """Werkzeug compiles two URL-builder functions (Python source through `ast`) for every rule of
    every app; with 200 routes that was a third of a second per test app, a third of the suite's
    time. The function depends only on the rule's parts and defaults — the rule itself, with its
    converters, is passed to it as its first argument when it is bound — so test apps share it."""
    compile_builder = Rule._compile_builder
    if getattr(compile_builder, "shared", False):
        return
    builders: dict[tuple, object] = {}

    def shared(self, append_unknown: bool = True):
        defaults = tuple(sorted((key, type(self._converters.get(key)).__name__, repr(value))
                                for key, value in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    shared.shared = True
    Rule._compile_builder = shared


share_url_builders()


def make_test_app(db_url: str, instance: Path, smtp_port: int | None = None, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key",
        "MAIL_SERVER": "127.0.0.1" if smtp_port else None,
        "MAIL_PORT": smtp_port or 25,
        "SERVER_NAME": "portal.test",
        # Real scrypt, with a small work factor so that hundreds of log-ins stay quick.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Content written by a test must be seen by the very next request.
        "CONTENT_VERSION_MAX_AGE": 0,
        # Jobs run in the process that asks for them, right after its commit (tests/unit/jobs use real queues).
        "QUEUE_URL": "immediate",
        **overrides,
    }
    app = create_app(config, instance_path=instance)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


_migrated: set[str] = set()


def empty_tables(app) -> None:
    engine = get_db(app).engine
    with engine.begin() as connection:
        names = [t.name for metadata in target_metadata(engine.dialect.name)
                 for t in reversed(metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def silent_port():
    """A listener that accepts every connection and never sends a byte: a database or Redis that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(100)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for connection in held:
        connection.close()


@pytest.fixture
def app(db_url, smtp_server, tmp_path):
    app = make_test_app(db_url, tmp_path / "instance", smtp_server.port)
    if db_url not in _migrated:
        upgrade_database(app)
        _migrated.add(db_url)
    empty_tables(app)
    yield app
    close_app(app)


def close_app(app) -> None:
    """Ends what a test app holds. Every app a test makes is closed through here."""
    if "event_writer" in app.extensions:  # write what is queued now, not at exit into a dropped schema
        app.extensions["event_writer"].flush()
    # A search catch-up a test set off in the background would otherwise open a connection after the
    # engine is disposed, and leave it for the garbage collector to find open in a later test.
    for thread in list(app.extensions.get("portal_search_catch_ups", {}).values()):
        thread.join(timeout=60)
    get_db(app).session.remove()
    get_db(app).engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A session of its own, outside any app context, so that test requests get fresh contexts
    (a long-lived app context would share flask.g, and so the logged-in user, between clients)."""
    from sqlalchemy.orm import Session

    with Session(get_db(app).engine, expire_on_commit=False) as session:
        session.info["app"] = app
        yield session
