"""Steps several browser tests take the same way."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def whole_bodies(app):
    """WSGI middleware for the browser tests' servers: each response body is read (and its file
    closed) before werkzeug's development server writes it. When the browser drops a connection mid
    file (closing a page while the service worker pre-caches icons), that server skips closing the
    response, and the unclosed file later surfaces as a ResourceWarning in an unrelated test."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


def log_in(page: Page, user) -> None:
    """Log in through the form, as a person would, and wait for the confirmation."""
    page.goto("/account/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました")
