"""/healthz answers without the database; /readyz reports each dependency, 503 when one is down,
and takes more checks from other features through `register_check`."""

from __future__ import annotations

import socket

from portal.health import register_check


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readyz_reports_the_database_and_that_redis_is_not_used(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["database"]["ms"] >= 0
    assert body["checks"]["redis"]["status"] == "not_used"


def test_readyz_is_503_when_redis_is_configured_but_away(client, app):
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "down" and "ConnectionError" in body["checks"]["redis"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"


def test_other_features_add_their_checks(client, app):
    register_check(app, "queue", lambda _app: {"waiting": 3})

    def stale(_app):
        raise RuntimeError("the index holds version 7, the database 9\nmore detail")

    register_check(app, "search", stale)
    body = client.get("/readyz").get_json()
    assert body["checks"]["queue"] == {"status": "ok", "waiting": 3, "ms": body["checks"]["queue"]["ms"]}
    assert body["checks"]["search"]["detail"] == "RuntimeError: the index holds version 7, the database 9"
    assert body["status"] == "unavailable"


def test_healthz_answers_even_when_the_database_is_gone(client, app):
    from portal.db import get_db

    get_db(app).engine.dispose()
    get_db(app).engine.pool._creator = lambda *_: (_ for _ in ()).throw(OSError("no database"))
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_a_logged_in_browser_asking_for_healthz_or_a_file_causes_no_query(client, app):
    from sqlalchemy import event

    from portal.db import get_db
    from tests.web.test_accounts import login, make_user

    make_user(app)
    assert login(client).status_code == 303
    statements: list[str] = []
    event.listen(get_db(app).engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert client.get("/healthz").status_code == 200
    with client.get("/static/css/portal.css") as response:
        assert response.status_code == 200
    assert statements == []
