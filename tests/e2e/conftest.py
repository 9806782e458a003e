"""Browser tests: one Chromium per session, driving the portal served by a real HTTP server.

The live server runs the app in a daemon thread on 127.0.0.1 with a fresh migrated SQLite database
and sends its mail to the session's local SMTP server (`smtp_server` in tests/conftest.py).
`SERVER_NAME` is None so that links in mails use the host the browser asked for.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal import store
from portal.accounts.services import create_user
from portal.db import get_session, upgrade_database
from portal.models import Role, User
from tests.conftest import close_app, make_test_app
from tests.e2e.pages import whole_bodies

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google's servers, which the closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "kiso-Shien-2024"
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e is an `e2e` test (`-m "not e2e"` skips the browser)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- browser ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own here), quiet on the network."""
    args = dict(browser_type_launch_args)
    if os.path.exists(CHROMIUM):
        args["executable_path"] = CHROMIUM
    args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    return args


def watch_for_page_errors(context, problems: list[str]) -> None:
    """Collect what must never happen on a portal page: a CSP refusal or an uncaught JS error."""

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"uncaught error: {error.error}"))


@pytest.fixture(scope="session")
def watch_page_errors():
    """`watch_page_errors(context, problems)` for contexts made outside `new_context`."""
    return watch_for_page_errors


@pytest.fixture
def page_problems():
    problems: list[str] = []
    yield problems
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def new_context(new_context, page_problems):
    """pytest-playwright's `new_context` (and so `context` and `page`), watched for page errors."""

    def make(**kwargs):
        context = new_context(**kwargs)
        watch_for_page_errors(context, page_problems)
        return context

    return make


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright gives every context this base URL, so tests can `page.goto("/")`."""
    return live_server.url


# --- the portal on a real HTTP server -----------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_server(fresh_database_url, smtp_server, tmp_path_factory):
    app = make_test_app(fresh_database_url("sqlite"), tmp_path_factory.mktemp("instance"),
                        smtp_port=smtp_server.port, SERVER_NAME=None,
                        # one server for the whole browser suite, whose tests log in many times a minute;
                        # the limit itself is tested in tests/web/test_security.py
                        LOGIN_RATE_LIMIT="1000 per minute")
    upgrade_database(app)
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        close_app(app)


_user_numbers = itertools.count(1)


@dataclass
class Credentials:
    email: str
    password: str


@pytest.fixture
def make_user(live_server):
    """`make_user()` creates a confirmed account in the live server's database."""

    def make(email: str | None = None, password: str = PASSWORD, role: Role = Role.BUSINESS) -> Credentials:
        email = email or f"user{next(_user_numbers)}-{os.getpid()}@example.jp"
        with live_server.app.app_context():
            session = get_session()
            create_user(session, email, password, role, confirmed=True)
            session.commit()
        return Credentials(email, password)

    return make


@pytest.fixture
def make_business_owner(live_server, make_user):
    """`make_business_owner(kind, corporate_number, name)`: like `make_user()`, plus the business the account owns."""

    def make(kind: str, corporate_number: str | None, name: str) -> Credentials:
        credentials = make_user()
        with live_server.app.app_context():
            session = get_session()
            owner = session.query(User).filter_by(email=credentials.email).one()
            store.create_business(session, owner, kind, corporate_number, name)
            session.commit()
        return credentials

    return make


@pytest.fixture
def new_email():
    """A fresh address each call, so tests never collide in the session-wide database."""
    return lambda: f"e2e{next(_user_numbers)}-{os.getpid()}@example.jp"


# --- accessibility ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Runs axe-core on the page; fails on any violation of impact serious or critical."""

    def check(page) -> None:
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"])
            for v in blocking
        )
        assert not blocking, f"axe found serious/critical problems on {page.url}:\n{details}"

    return check

