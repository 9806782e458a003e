"""hx-boost: links and forms swap the page without a reload, and the same pages work without JS."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

TOP = re.compile(r"^http://[^/]+/$")


def login_link(page: Page):
    return page.locator("header").get_by_role("link", name="ログイン", exact=True)


def wait_for_htmx(page: Page) -> None:
    """htmx processes the body once it has loaded (its script is deferred)."""
    page.wait_for_function("() => window.htmx !== undefined && document.body.hasAttribute('hx-boost')")
    page.wait_for_load_state("load")


def test_boosted_link_swaps_the_page_without_reloading(page: Page):
    page.goto("/")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")

    with page.expect_request(lambda r: r.url.endswith("/account/login")) as request_info:
        login_link(page).click()
    assert request_info.value.headers.get("hx-request") == "true"
    assert request_info.value.headers.get("hx-boosted") == "true"

    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_role("heading", name="ログイン", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^ログイン｜"))
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of swapped"
    # The header now marks the login link as the current page.
    expect(login_link(page)).to_have_attribute("aria-current", "page")
    # Focus moves to the new content for screen reader and keyboard users.
    expect(page.locator("#main")).to_be_focused()

    # Back restores the top page, still without a reload.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"ポータル"))
    expect(page).to_have_url(TOP)
    assert page.evaluate("window.__marker") == 1


def test_boosted_form_post_follows_the_redirect(page: Page, make_user):
    user = make_user()
    page.goto("/account/login")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("status")).to_contain_text("ログインしました")
    expect(page).to_have_url(TOP)
    assert page.evaluate("window.__marker") == 1


def test_navigation_and_login_work_without_javascript(new_context, base_url, make_user):
    user = make_user()
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works
    assert page.evaluate("window.htmx") is None, "htmx ran although JavaScript is off"

    login_link(page).click()
    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_role("heading", name="ログイン", level=1)).to_be_visible()

    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("status")).to_contain_text("ログインしました")
    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("header").get_by_role("button", name="ログアウト")).to_be_visible()
