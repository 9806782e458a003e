"""Steps several browser tests take the same way."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def log_in(page: Page, user) -> None:
    """Log in through the form, as a person would, and wait for the confirmation."""
    page.goto("/account/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました")
