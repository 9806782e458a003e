"""Phone first, in a real browser at 390×844 (and the navi at 1280×900): a compact header with a menu
button, no sideways scroll on the main pages, axe at phone size, the results before the filters with
the filters in a drawer, and — the bug this file began with — tapping a filter keeps the page where it
was (before the fix: scrollY 661 → 6990 on 支援制度ナビ at 390 px, 520 → 4173 at 1280 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import log_in
from tests.e2e.test_navi import demo, wait_for_htmx  # noqa: F401  (demo is a fixture)

pytestmark = pytest.mark.usefixtures("demo")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HEADER_MAX = 64

PUBLIC_PAGES = ["/", "/supports", "/cases", "/agencies", "/news/", "/recommend/", "/terms", "/privacy", "/faq",
                "/accessibility", "/sitemap", "/contact", "/account/login", "/account/register"]
BUSINESS_PAGES = ["/", "/supports", "/mypage/", "/mylist/", "/benchmark/", "/account/", "/account/data",
                  "/inbox"]


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def header_height(page: Page) -> float:
    return page.locator("header.site-header").evaluate("e => e.getBoundingClientRect().height")


def sideways(page: Page) -> int:
    """How far the page could scroll sideways (0 when nothing is wider than the screen)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def check_page(page: Page, path: str, assert_accessible) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("load")
    problems = []
    if (height := header_height(page)) > HEADER_MAX:
        problems.append(f"{path}: header {height}px")
    if (extra := sideways(page)) > 0:
        problems.append(f"{path}: scrolls {extra}px sideways")
    assert_accessible(page)
    return problems


def test_the_main_pages_fit_a_phone_with_a_compact_header(phone, assert_accessible):
    problems = [p for path in PUBLIC_PAGES for p in check_page(phone, path, assert_accessible)]
    assert not problems, "\n".join(problems)


def test_the_main_pages_fit_a_phone_when_logged_in(phone, make_business_owner, assert_accessible):
    log_in(phone, make_business_owner("sole_proprietor", None, "スマホ整体院"))
    problems = [p for path in BUSINESS_PAGES for p in check_page(phone, path, assert_accessible)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_menu_button_opens_the_links_with_and_without_javascript(new_context, javascript):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto("/")
    header = page.locator("header")
    support_link = header.get_by_role("link", name="支援制度を探す")
    expect(support_link).to_be_hidden()
    header.get_by_text("メニュー").click()
    expect(support_link).to_be_visible()
    assert header_height(page) <= HEADER_MAX  # the open menu lies over the page, the header stays one line
    support_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("支援制度を探す")


def test_the_wide_header_shows_its_links_without_a_menu_button(new_context):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto("/")
    expect(page.locator("header").get_by_role("link", name="支援制度を探す")).to_be_visible()
    expect(page.locator("header").get_by_text("メニュー")).to_be_hidden()


# --- the navi on a phone ----------------------------------------------------------------------------

def tap_a_filter(page: Page, label: str) -> tuple[float, float]:
    """Scrolls so that the filter is in the middle of the screen, taps its label as a finger does, and
    returns scrollY before and after the results came back."""
    box = page.locator(".facet__item label", has_text=label).first
    top = box.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
    page.evaluate(f"window.scrollTo(0, {max(0, top - 300)})")
    before = page.evaluate("window.scrollY")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        box.locator("span").first.click()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    page.wait_for_timeout(300)  # the frame after the swap, where the jump used to happen
    return before, page.evaluate("window.scrollY")


@pytest.mark.parametrize("path", ["/supports", "/cases"])
def test_tapping_a_filter_on_a_phone_keeps_the_page_where_it_was(phone, path):
    phone.goto(path)
    wait_for_htmx(phone)
    drawer = phone.locator("#navi-drawer")
    expect(drawer).not_to_have_attribute("open", "")  # results first: the filters wait in the drawer
    results_top = phone.locator("#navi-results").evaluate("e => e.getBoundingClientRect().top")
    assert results_top < PHONE["height"], f"results start at {results_top}px"
    phone.locator(".navi__drawer-button").click()
    expect(drawer).to_have_attribute("open", "")
    before, after = tap_a_filter(phone, "人材")
    assert before > 300 and abs(after - before) < 5, (before, after)
    expect(drawer).to_have_attribute("open", "")  # still open to tick the next one
    expect(phone.locator(".chip", has_text="人材")).to_have_count(1)
    show = phone.locator(".navi__show a")
    expect(show).to_be_visible()  # sticky at the bottom of the screen while the filters scroll
    total = phone.locator(".results-count strong").inner_text()
    expect(show).to_have_text(f"{total}件を表示")
    show.click()
    expect(drawer).not_to_have_attribute("open", "")
    assert phone.locator("#navi-results").evaluate("e => e.getBoundingClientRect().top") < 100


@pytest.mark.parametrize("path", ["/supports", "/cases"])
def test_clicking_a_filter_with_a_mouse_keeps_the_page_where_it_was(new_context, path):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(path)
    wait_for_htmx(page)
    expect(page.locator("#navi-drawer")).to_have_attribute("open", "")
    expect(page.get_by_role("heading", name="条件で絞り込む")).to_be_visible()
    expect(page.locator(".navi__drawer-button")).to_be_hidden()  # always open beside the results
    before, after = tap_a_filter(page, "人材")
    assert before > 200 and abs(after - before) < 5, (before, after)


def test_without_javascript_a_phone_gets_the_results_first_and_the_filters_after(new_context):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/supports")
    results = page.locator("#navi-results").evaluate("e => e.getBoundingClientRect().top")
    filters = page.locator("#navi-drawer").evaluate("e => e.getBoundingClientRect().top")
    assert results < filters and results < PHONE["height"]
    page.get_by_label("人材", exact=False).first.check()
    page.get_by_role("button", name="この条件で探す").click()
    expect(page.locator(".chip", has_text="人材")).to_have_count(1)
