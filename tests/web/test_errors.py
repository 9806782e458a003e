"""Error pages that cannot fail: rolled back first, rendered without the database when it is what
failed, OAuth JSON on the back channel, the headers of the HTTP error kept."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from portal.db import DatabaseUnavailable, get_session
from portal.models import User
from tests.helpers import text
from tests.web.test_accounts import login, make_user


@pytest.fixture
def failing(app):
    """`/test/fails/<how>`: a view that breaks the way databases break."""

    def view(how: str):
        session = get_session()
        if how == "duplicate":  # a unique key: the session is left in a failed transaction
            session.add(User(email="taro@example.jp", password_hash="x"))
            session.flush()
        if how == "down":
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        if how == "gate":
            raise DatabaseUnavailable("the database did not answer a moment ago")
        return "ok"

    app.add_url_rule("/test/fails/<how>", "test_fails", view)
    return app


def test_after_a_failed_statement_the_japanese_page_renders_with_the_header(client, app, failing):
    make_user(app)
    assert login(client).status_code == 303
    response = client.get("/test/fails/duplicate")
    body = text(response)
    assert response.status_code == 500
    assert "サーバーでエラーが発生しました" in body and "Internal Server Error" not in body
    assert "アカウント設定" in body  # the full page: the user was loaded again after the rollback


@pytest.mark.parametrize("how", ["down", "gate"])
def test_a_database_that_is_down_gives_a_japanese_503_without_touching_it(client, app, failing, how):
    make_user(app)
    assert login(client).status_code == 303
    response = client.get(f"/test/fails/{how}")
    body = text(response)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "データベースに接続できませんでした" in body and "<html" in body
    assert "アカウント設定" not in body  # the bare page: no header that would load the user


def test_when_the_error_page_itself_fails_the_bare_page_is_sent(client, app, failing, monkeypatch):
    import portal.errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("the template could not be rendered")

    monkeypatch.setattr(portal.errors, "render", broken)
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "ページが見つかりません" in text(response)


def test_the_token_endpoint_answers_oauth_json_even_on_500_and_503(client, app, monkeypatch):
    from portal.oauth import views

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "oauth_server", explode)
    response = client.post("/oauth/token", data={"grant_type": "authorization_code"})
    assert response.status_code == 500 and response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["error"] == "server_error"

    def unavailable(*_args, **_kwargs):
        raise DatabaseUnavailable("down")

    monkeypatch.setattr(views, "oauth_server", unavailable)
    response = client.post("/oauth/revoke", data={"token": "x"})
    assert response.status_code == 503 and response.get_json()["error"] == "temporarily_unavailable"


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/account/logout", {"POST", "OPTIONS"}),
    ("GET", "/api/v1/benchmark", {"POST", "OPTIONS"}),
    ("TRACE", "/api/v1/supports", {"GET", "HEAD", "OPTIONS"}),
])
def test_405_keeps_its_allow_header(client, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    if path.startswith("/api/"):
        assert "error" in response.get_json()
    else:
        assert "この操作はできません" in text(response)
