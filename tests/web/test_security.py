"""Security rules that apply to every response and every form."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import PASSWORD, login, make_user

PAGES = ["/", "/account/login", "/account/register", "/account/reset", "/account/resend",
         "/offline", "/manifest.webmanifest", "/sw.js", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http: no HSTS


def test_static_files_carry_the_headers_too(client):
    with client.get("/static/css/portal.css") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response.headers


def test_hsts_and_secure_cookie_under_https(client):
    response = client.get("/account/login", base_url="https://portal.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_and_samesite_over_http(client):
    cookie = client.get("/account/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_pages_have_no_inline_script_or_style(client):
    body = text(client.get("/account/register"))
    assert "<script>" not in body and "style=" not in body and "<style" not in body
    assert 'hx-boost="true"' in body and "X-CSRFToken" in body


FORMS = ["/account/register", "/account/login", "/account/reset", "/account/resend",
         "/account/logout", "/account/password", "/account/email"]


@pytest.mark.parametrize("action", FORMS)
def test_post_without_csrf_token_is_refused(client, app, action):
    make_user(app)
    response = client.post(action, data={"email": "taro@example.jp", "password": PASSWORD})
    assert response.status_code == 400
    assert "不正な送信" in text(response)


def test_csrf_token_in_htmx_header_is_accepted(client, app):
    make_user(app)
    token = csrf_from(text(client.get("/account/login")))
    response = client.post("/account/login", data={"email": "taro@example.jp", "password": PASSWORD},
                           headers={"X-CSRFToken": token, "HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 303


def test_login_is_rate_limited_with_a_japanese_page(client, app):
    make_user(app)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = [login(client, password="wrong-password-1").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    refused = login(client)  # even the right password waits
    assert refused.status_code == 429
    assert "しばらく待ってから" in text(refused)


def test_password_reset_is_rate_limited(client, app, mailbox):
    make_user(app)
    app.config["RESET_RATE_LIMIT"] = "2 per minute"
    statuses = [submit(client, "/account/reset", {"email": "taro@example.jp"}).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    assert len(mailbox.to("taro@example.jp")) == 2


def test_rate_limit_can_use_redis_storage(smtp_server, tmp_path, fresh_database_url):
    """The limiter takes a redis:// storage from configuration (Redis runs on these machines)."""
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    from portal.db import upgrade_database
    from portal.extensions import limiter
    from tests.conftest import make_test_app

    app = make_test_app(fresh_database_url("sqlite"), tmp_path / "i", smtp_server.port,
                        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15", LOGIN_RATE_LIMIT="2 per minute")
    upgrade_database(app)
    limiter.reset()
    client = app.test_client()
    statuses = [login(client, password="wrong-password-1").status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    assert type(limiter.storage).__name__ == "RedisStorage"
    limiter.reset()


def test_private_pages_are_not_stored_and_public_ones_are_left_to_caches(client, app, mailbox):
    make_user(app)
    assert "no-store" not in client.get("/supports").headers.get("Cache-Control", "")
    assert login(client).status_code == 303
    for path in ("/account/", "/mylist/", "/supports", "/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    with client.get("/static/css/portal.css") as static:  # a response's own choice is kept
        assert "no-store" not in static.headers["Cache-Control"]


def test_pages_reached_through_a_secret_link_are_not_stored(client, app, mailbox):
    make_user(app)
    submit(client, "/account/reset", {"email": "taro@example.jp"})
    link = mailbox.last_link("taro@example.jp", "/account/reset/")
    assert client.get(link).headers["Cache-Control"] == "no-store"
