"""axe-core finds no serious or critical problem, and the keyboard path into the content works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def anonymous_context(browser, browser_context_args, watch_page_errors):
    """One logged-out context for the checks that only read pages: a context costs about half a
    second of CPU on these machines, and none of these tests changes what the next one sees."""
    context = browser.new_context(**browser_context_args)
    problems: list[str] = []
    watch_page_errors(context, problems)
    yield context, problems
    context.close()


@pytest.fixture
def page(anonymous_context) -> Page:
    context, problems = anonymous_context
    problems.clear()
    page = context.new_page()
    yield page
    page.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", ["/", "/account/login", "/account/register"])
def test_page_has_no_serious_violations(page: Page, assert_accessible, path):
    response = page.goto(path)
    assert response.status == 200
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


def test_not_found_page_has_no_serious_violations(page: Page, assert_accessible):
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
    assert_accessible(page)


def test_registration_errors_have_no_serious_violations(page: Page, assert_accessible):
    page.goto("/account/register")
    page.get_by_label("メールアドレス").fill("not-an-address")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#email-error")).to_contain_text("形式が正しくありません")
    assert_accessible(page)


def test_error_summary_links_to_the_field(page: Page):
    page.goto("/account/register")
    page.get_by_role("button", name="登録する").click()
    page.locator(".error-summary").get_by_role("link", name="メールアドレス").click()
    expect(page.get_by_label("メールアドレス")).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_first_tab_reaches_skip_link_and_enter_moves_to_main(new_context, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/account/login")
    skip = page.get_by_role("link", name="本文へスキップ")
    expect(skip).not_to_be_in_viewport()  # off-screen until it has focus
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # The next Tab continues inside the content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
