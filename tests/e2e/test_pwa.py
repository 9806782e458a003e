"""The portal as an installable app: manifest, service worker, and the offline page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

OFFLINE_TEXT = "インターネットに接続されていません"


def wait_until_controlled(page: Page) -> None:
    """Wait for the service worker to be active and to control this page (reload once if not)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


@pytest.fixture(scope="module")
def installed_context(browser, browser_context_args, watch_page_errors):
    """One logged-out context for this module: the service worker installs once, not per test."""
    context = browser.new_context(**browser_context_args)
    problems: list[str] = []
    watch_page_errors(context, problems)
    yield context, problems
    context.close()


@pytest.fixture
def page(installed_context) -> Page:
    """A fresh page on the top page of the shared context, controlled by the service worker."""
    context, problems = installed_context
    problems.clear()
    page = context.new_page()
    page.goto("/")
    wait_until_controlled(page)
    page.wait_for_function("() => window.htmx !== undefined")
    yield page
    context.set_offline(False)
    page.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


def test_chromium_considers_the_portal_installable(page: Page):
    cdp = page.context.new_cdp_session(page)
    result = cdp.send("Page.getInstallabilityErrors")
    errors = [e for e in result["installabilityErrors"] if e["errorId"] != "in-incognito"]
    assert errors == [], errors


def test_manifest_and_theme_colour(page: Page, live_server):
    manifest_href = page.locator('head link[rel="manifest"]').get_attribute("href")
    assert manifest_href == "/manifest.webmanifest"
    response = page.request.get(manifest_href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()

    theme = live_server.app.config["THEME_COLOR"]
    expect(page.locator('head meta[name="theme-color"]')).to_have_attribute("content", theme)
    assert manifest["theme_color"] == theme
    assert manifest["lang"] == "ja"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).ok, icon["src"]


def test_offline_navigation_shows_the_offline_page(page: Page):
    page.context.set_offline(True)
    page.goto("/account/register")
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_TEXT)
    expect(page).to_have_title(re.compile(r"^オフラインです"))

    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_TEXT)


def test_offline_boosted_click_shows_the_offline_page(page: Page):
    page.evaluate("window.__marker = 1")
    page.context.set_offline(True)
    page.locator("header").get_by_role("link", name="ログイン", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_TEXT)
    # htmx swapped the offline page in; the document was not replaced by a browser error page.
    assert page.evaluate("window.__marker") == 1


def test_offline_form_post_says_so_and_keeps_the_input(new_context, make_user):
    """A POST cannot be answered by the service worker: the page must say so, not do nothing."""
    user = make_user()
    context = new_context()  # its own context: it logs in
    page = context.new_page()
    page.goto("/account/login")
    wait_until_controlled(page)
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    context.set_offline(True)
    try:
        page.get_by_role("button", name="ログイン").click()
        notice = page.get_by_role("alert")
        expect(notice).to_contain_text("通信できませんでした")
        expect(notice).to_be_focused()
        expect(page.get_by_label("メールアドレス")).to_have_value(user.email)
        expect(page).to_have_url(re.compile(r"/account/login$"))
    finally:
        context.set_offline(False)

    # Back online, the same form goes through.
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました")
    expect(page.get_by_text("通信できませんでした")).to_have_count(0)


def test_offline_region_request_does_not_swap_the_offline_page_into_the_region(page: Page):
    """Only whole-page requests get the offline page; a request for one region fails visibly."""
    page.context.set_offline(True)
    # A plain (not boosted) htmx request, like a live search updating its result list.
    # (htmx.ajax's promise rejects on a network error; elements' own requests do not throw.)
    page.evaluate("""() => { htmx.ajax("GET", "/account/login", {target: "#app-title", swap: "outerHTML"})
                                 .catch(() => {}); }""")
    expect(page.get_by_role("alert")).to_contain_text("通信できませんでした")
    expect(page.get_by_text(OFFLINE_TEXT)).to_have_count(0)
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("#app-title")).to_have_text("スマートフォンでも使えます")
