"""Failing dependencies, with real sockets: a database that accepts connections and never answers,
and Redis away (a port where nothing listens) or silent. The site answers quickly and in Japanese,
/healthz stays up, /readyz tells the truth, log-in keeps working with limits counted in memory."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from portal.db import upgrade_database
from portal.extensions import limiter
from tests.conftest import close_app, make_test_app
from tests.helpers import submit, text
from tests.oauth_helpers import https_client
from tests.web.live import Visitor, fire, live_server, statuses
from tests.web.test_accounts import login, make_user


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hanging_database_app(silent_port, tmp_path, smtp_server):
    app = make_test_app(f"postgresql+psycopg://postgres@127.0.0.1:{silent_port}/test", tmp_path / "instance",
                        smtp_server.port, DB_CONNECT_TIMEOUT=1, DB_RETRY_SECONDS=30)
    yield app
    close_app(app)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_database_that_never_answers_gives_a_japanese_503_in_seconds(hanging_database_app):
    client = hanging_database_app.test_client()
    response, seconds = timed(lambda: client.get("/supports"))
    assert response.status_code == 503 and seconds < 4
    assert "データベースに接続できませんでした" in text(response) and response.headers["Retry-After"]
    response, seconds = timed(lambda: client.get("/cases"))  # the gate: no second wait
    assert response.status_code == 503 and seconds < 0.5
    api = client.get("/api/v1/supports")
    assert api.status_code == 503 and "error" in api.get_json()
    token = https_client(hanging_database_app).post("/oauth/token", data={"grant_type": "refresh_token",
                                                                         "refresh_token": "x", "client_id": "c"})
    assert token.status_code == 503 and token.get_json()["error"] == "temporarily_unavailable"
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["database"]["status"] == "down"


def test_with_requests_waiting_on_the_database_healthz_and_the_offline_page_answer_at_once(hanging_database_app):
    with live_server(hanging_database_app) as base:
        waiting = []
        for _ in range(10):
            thread = threading.Thread(target=lambda: waiting.append(Visitor(base).get("/supports").status_code))
            thread.start()
        time.sleep(0.2)
        for path in ("/healthz", "/offline", "/account/login"):
            response, seconds = timed(lambda path=path: Visitor(base).get(path))
            assert response.status_code == 200 and seconds < 1, (path, seconds)
        deadline = time.monotonic() + 10
        while len(waiting) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert waiting == [503] * 10


@pytest.fixture
def redis_away_app(app, db_url, tmp_path, smtp_server):
    """An app on the test's database with its rate limits kept in a Redis that is not there."""
    away = make_test_app(db_url, tmp_path / "redis-away", smtp_server.port,
                         RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0")
    yield away
    limiter._storage_dead = False  # the extension object is shared by every app in this process
    close_app(away)


def test_with_redis_away_nothing_rate_limited_fails_and_the_limits_hold_in_memory(redis_away_app, session, caplog):
    from tests.oauth_helpers import make_site

    app = redis_away_app
    make_user(app)
    site = make_site(session, public=True)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        statuses_seen = [login(client, password="wrong-password-x").status_code for _ in range(4)]
    assert statuses_seen == [422, 422, 422, 429]  # counted in memory while Redis is away
    assert any("falling back to in-memory" in record.getMessage() for record in caplog.records)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert login(other).status_code == 303
    assert submit(app.test_client(), "/account/reset", {"email": "taro@example.jp"}).status_code == 303
    web = https_client(app)
    assert web.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "x",
                                          "client_id": site.client_id}).status_code == 400
    assert web.post("/oauth/revoke", data={"token": "x", "client_id": site.client_id}).status_code == 200
    assert client.get("/api/v1/supports").status_code == 200
    assert client.get("/api/v1/me/business", headers={"Authorization": "Bearer x"}).status_code == 401
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["redis"]["status"] == "down"


def test_a_redis_that_never_answers_does_not_hold_the_log_in(silent_port, tmp_path, smtp_server, fresh_database_url):
    app = make_test_app(fresh_database_url("sqlite"), tmp_path / "instance", smtp_server.port,
                        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent_port}/0", REDIS_TIMEOUT=0.3)
    upgrade_database(app)
    try:
        make_user(app)
        with live_server(app) as base:
            results = fire(4, lambda _i: timed(lambda: Visitor(base).log_in("taro@example.jp",
                                                                          "hikari-no-michi-42")))
            assert statuses([response for response, _seconds in results]) == [303] * 4
            assert max(seconds for _response, seconds in results) < 5
    finally:
        limiter._storage_dead = False
        close_app(app)
