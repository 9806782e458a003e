"""支援制度ナビ, 事例ナビ and マイリスト in a real browser, on the project's demo data.

The navi form is an ordinary GET form; htmx re-renders only `#navi-region` as the user types or
ticks and pushes the canonical address. These tests check what a person sees: results that follow
the input without a page load, addresses that can be bookmarked and restored with Back, the same
search without JavaScript, the measure and case pages, saving to マイリスト, and axe on each page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from portal import taxonomy
from portal.clock import today
from portal.db import get_session
from portal.models import Case, Support, case_supports
from portal.navi import services
from portal.navi.params import parse_query
from tests.e2e.pages import log_in

KEYWORD_A = "補助金"
KEYWORD_B = "融資"


# --- fixtures -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Demo:
    supports: int
    cases: int
    measure_id: int  # demo-s-001, a measure that demo cases used
    measure_title: str
    case_ids: tuple[int, ...]  # the cases that used it


@pytest.fixture(scope="session")
def demo(live_server) -> Demo:
    """The project's demo data (measures, cases and their search index), loaded once per session."""
    from portal.content.importers.demo import load_demo

    with live_server.app.app_context():
        session = get_session()
        if session.scalar(select(func.count(Support.id)).where(Support.source == "demo")) == 0:
            load_demo(session)
            session.commit()
        measure = session.scalars(select(Support).where(Support.source_id == "demo-s-001")).one()
        case_ids = tuple(session.scalars(
            select(case_supports.c.case_id).where(case_supports.c.support_id == measure.id)))
        demo = Demo(supports=session.scalar(select(func.count(Support.id))),
                    cases=session.scalar(select(func.count(Case.id))),
                    measure_id=measure.id, measure_title=measure.title, case_ids=case_ids)
    assert demo.supports >= 198 and demo.cases >= 95, demo
    assert demo.case_ids, "demo-s-001 should be used by at least one demo case"
    return demo


@pytest.fixture
def expected_total(live_server, demo):
    """`expected_total("/supports?q=…")`: the number of results the search service finds."""

    def count(url: str) -> int:
        parts = urlsplit(url)
        kind = parts.path.strip("/").split("/")[0]
        args = MultiDict([(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items() for v in vs])
        with live_server.app.app_context():
            return services.search(get_session(), parse_query(args, kind), today()).total

    return count


pytestmark = pytest.mark.usefixtures("demo", "clock")


# --- helpers ------------------------------------------------------------------------------------

def wait_for_htmx(page: Page) -> None:
    """htmx processes the body once it has loaded (its script is deferred)."""
    page.wait_for_function("() => window.htmx !== undefined && document.body.hasAttribute('hx-boost')")
    page.wait_for_load_state("load")


def results_count(page: Page):
    return page.locator(".results-count")


def shown_total(page: Page) -> int:
    return int(results_count(page).locator("strong").inner_text().replace(",", ""))


def count_text(total: int) -> re.Pattern:
    return re.compile(rf"^{total:,}件の")


def purpose_box(page: Page, purpose: int):
    return page.locator(f"#f-purpose-{purpose}")


def facet_count(page: Page, name: str, value) -> int:
    text = page.locator(".facet__item").filter(has=page.locator(f"#f-{name}-{value}")).locator(".facet__count")
    match = re.fullmatch(r"(\d+)件", text.inner_text().strip())
    assert match, f"the count beside {name}={value} is not a number: {text.inner_text()!r}"
    return int(match.group(1))


def pick_purpose(page: Page, total: int) -> int:
    """A 目的 whose count is neither 0 nor everything, so that ticking it visibly narrows the list."""
    for purpose in taxonomy.PURPOSES:
        if 0 < facet_count(page, "purpose", purpose) < total:
            return purpose
    raise AssertionError("no 目的 narrows the current results")


def search_url(base_url: str, **params) -> re.Pattern:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
    return re.compile("^" + re.escape(f"{base_url}/supports?{query}") + "$")


def type_keyword(page: Page, keyword: str) -> None:
    box = page.get_by_label("キーワード")
    box.click()
    box.press("ControlOrMeta+a")
    box.press_sequentially(keyword)


# --- tests --------------------------------------------------------------------------------------

def test_typing_a_keyword_updates_results_and_address_without_reload(page: Page, base_url, demo, expected_total):
    page.goto("/supports")
    wait_for_htmx(page)
    expect(results_count(page)).to_have_text(count_text(demo.supports))
    page.evaluate("window.__marker = 1")

    with page.expect_request(lambda r: "/supports?" in r.url and r.headers.get("hx-request") == "true"):
        type_keyword(page, KEYWORD_A)  # no Enter: the form searches as the user types

    expected = expected_total(f"/supports?q={KEYWORD_A}")
    assert 0 < expected < demo.supports
    expect(results_count(page)).to_have_text(count_text(expected))
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated"
    expect(page).to_have_title(re.compile("支援制度を探す"))
    # The user can keep typing: the box keeps its text and the focus.
    expect(page.get_by_label("キーワード")).to_have_value(KEYWORD_A)
    expect(page.get_by_label("キーワード")).to_be_focused()
    # The chip names the keyword, and the default order for a keyword is relevance.
    expect(page.locator(".chips")).to_contain_text(f"キーワード「{KEYWORD_A}」")
    expect(page.locator("#f-sort option:checked")).to_have_text("関連度順")


def test_ticking_a_purpose_filters_and_the_chip_removes_it(page: Page, base_url, demo, expected_total):
    page.goto("/supports")
    wait_for_htmx(page)
    details = page.locator("details.facet").filter(has_text="目的（お困りごと）")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    purpose = pick_purpose(page, demo.supports)
    other = next(p for p in taxonomy.PURPOSES if p != purpose)
    count_beside = facet_count(page, "purpose", purpose)
    page.evaluate("window.__marker = 1")

    purpose_box(page, purpose).check()

    expect(page).to_have_url(search_url(base_url, purpose=purpose))
    # The count shown beside the value was the count the list now has.
    expect(results_count(page)).to_have_text(count_text(count_beside))
    expect(purpose_box(page, purpose)).to_be_checked()
    expect(purpose_box(page, purpose)).to_be_focused()  # keyboard users stay where they were
    expect(page.locator("details.facet").filter(has_text="目的（お困りごと）")).to_have_attribute("open", "")
    # Values of one filter are OR-ed, so another 目的 still shows how many measures it has.
    assert facet_count(page, "purpose", other) == expected_total(f"/supports?purpose={other}")
    expect(purpose_box(page, other)).not_to_be_checked()
    chip = page.locator(".chips").get_by_role("link", name=f"目的：{taxonomy.PURPOSES[purpose]}")
    expect(chip).to_be_visible()
    assert page.evaluate("window.__marker") == 1

    chip.click()

    expect(page).to_have_url(f"{base_url}/supports")
    expect(results_count(page)).to_have_text(count_text(demo.supports))
    expect(purpose_box(page, purpose)).not_to_be_checked()
    expect(page.locator(".chips")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1


def test_back_button_restores_the_previous_search(page: Page, base_url, expected_total):
    page.goto("/supports")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")
    count_a = expected_total(f"/supports?q={KEYWORD_A}")
    count_b = expected_total(f"/supports?q={KEYWORD_B}")
    assert count_a != count_b

    type_keyword(page, KEYWORD_A)
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    expect(results_count(page)).to_have_text(count_text(count_a))
    first_a = page.locator(".result__title").first.inner_text()

    type_keyword(page, KEYWORD_B)
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_B))
    expect(results_count(page)).to_have_text(count_text(count_b))

    page.go_back()
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    expect(results_count(page)).to_have_text(count_text(count_a))
    expect(page.get_by_label("キーワード")).to_have_value(KEYWORD_A)
    expect(page.locator(".result__title").first).to_have_text(first_a)

    page.go_forward()
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_B))
    expect(results_count(page)).to_have_text(count_text(count_b))
    expect(page.get_by_label("キーワード")).to_have_value(KEYWORD_B)
    assert page.evaluate("window.__marker") == 1, "Back/Forward reloaded the page"


def test_address_of_a_search_can_be_bookmarked_and_reloaded(page: Page, base_url, context):
    page.goto("/supports")
    wait_for_htmx(page)
    type_keyword(page, KEYWORD_A)
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    purpose = pick_purpose(page, shown_total(page))
    total = facet_count(page, "purpose", purpose)
    purpose_box(page, purpose).check()
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A, purpose=purpose))
    expect(results_count(page)).to_have_text(count_text(total))
    address = page.url
    titles = page.locator(".result__title").all_inner_texts()
    assert total > 0 and titles

    def shows_the_same_search(current: Page) -> None:
        expect(current).to_have_url(address)
        expect(results_count(current)).to_have_text(count_text(total))
        expect(current.locator(".result__title")).to_have_text(titles)
        expect(current.get_by_label("キーワード")).to_have_value(KEYWORD_A)
        expect(purpose_box(current, purpose)).to_be_checked()

    bookmark = context.new_page()
    assert bookmark.goto(address).status == 200
    shows_the_same_search(bookmark)
    bookmark.reload()
    shows_the_same_search(bookmark)


def test_search_with_a_filter_works_without_javascript(new_context, base_url, expected_total):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/supports")
    assert page.evaluate("window.htmx") is None, "htmx ran although JavaScript is off"
    keyword_only = expected_total(f"/supports?q={KEYWORD_A}")
    purpose = next(p for p in taxonomy.PURPOSES
                   if 0 < expected_total(f"/supports?q={KEYWORD_A}&purpose={p}") < keyword_only)
    page.get_by_label("キーワード").fill(KEYWORD_A)
    purpose_box(page, purpose).check()

    with page.expect_navigation():
        page.locator(".search-box").get_by_role("button", name="検索").click()

    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == [KEYWORD_A] and query["purpose"] == [str(purpose)], page.url
    expected = expected_total(page.url)
    assert expected == expected_total(f"/supports?q={KEYWORD_A}&purpose={purpose}")
    expect(results_count(page)).to_have_text(count_text(expected))
    expect(page.get_by_label("キーワード")).to_have_value(KEYWORD_A)
    expect(purpose_box(page, purpose)).to_be_checked()
    expect(page.locator(".chips")).to_contain_text(f"目的：{taxonomy.PURPOSES[purpose]}")


def test_measure_page_and_its_cases_link_both_ways(page: Page, demo):
    page.goto(f"/supports?q={quote(demo.measure_title)}")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")
    page.locator(".result__title").get_by_role("link", name=demo.measure_title, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/supports/{demo.measure_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.measure_title)  # one h1: a whole page
    expect(page.locator("#navi-region")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1  # a boosted link: swapped, not reloaded

    facts = page.locator(".facts")
    for term in ("公募期間", "地域", "所管・実施機関"):
        expect(facts.locator("dt", has_text=term)).to_have_count(1)
    expect(page.get_by_role("heading", name="支援内容", level=2)).to_be_visible()
    cases = page.get_by_role("region", name="この制度を使った事例")
    expect(cases).to_be_visible()
    case_links = cases.get_by_role("link")
    expect(case_links.first).to_be_visible()

    case_title = case_links.first.inner_text()
    case_links.first.click()
    expect(page).to_have_url(re.compile(r"/cases/(\d+)$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    assert case_id in demo.case_ids
    expect(page.get_by_role("heading", level=1)).to_have_text(case_title)

    used = page.get_by_role("region", name="活用した支援制度")
    back = used.get_by_role("link", name=demo.measure_title)
    expect(back).to_have_attribute("href", f"/supports/{demo.measure_id}")
    back.click()
    expect(page).to_have_url(re.compile(rf"/supports/{demo.measure_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.measure_title)


def test_saving_a_measure_to_mylist_and_removing_it(page: Page, base_url, make_user):
    log_in(page, make_user())
    page.goto(f"/supports?q={KEYWORD_A}")
    wait_for_htmx(page)
    page.evaluate("window.__marker = 1")
    result = page.locator(".result").first
    title = result.locator(".result__title").inner_text()
    button = result.get_by_role("button", name="☆ マイリストに保存")
    expect(button).to_have_attribute("aria-pressed", "false")

    with page.expect_response(lambda r: r.url.endswith("/mylist/toggle")) as response_info:
        button.click()
    assert response_info.value.request.method == "POST"

    saved = result.get_by_role("button", name="★ 保存済み")
    expect(saved).to_have_attribute("aria-pressed", "true")
    expect(result.get_by_role("status")).to_have_text("マイリストに保存しました")
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    assert page.evaluate("window.__marker") == 1, "saving reloaded the page"

    # Searching on re-renders the list; the search sends only the search fields (never the save
    # forms' CSRF token) and the saved measure still shows as saved.
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true" and "/supports?" in r.url) as search:
        purpose_box(page, pick_purpose(page, shown_total(page))).check()
    assert "csrf_token" not in search.value.url and "kind=" not in search.value.url, search.value.url
    expect(page).to_have_url(re.compile(r"purpose=\d+$"))
    page.goto(f"/supports?q={KEYWORD_A}")
    expect(page.locator(".result").filter(has_text=title).get_by_role("button", name="★ 保存済み")).to_be_visible()

    page.goto("/mylist/")
    table = page.get_by_role("region", name="保存した支援制度（締切が近い順）")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
    expect(row).to_have_count(1)
    row.get_by_role("button", name="★ 保存済み").click()
    expect(row.get_by_role("button", name="☆ マイリストに保存")).to_have_attribute("aria-pressed", "false")
    expect(row.get_by_role("status")).to_have_text("マイリストから外しました")

    page.reload()
    expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("まだ保存した支援制度はありません")


def test_saving_from_results_works_without_javascript(new_context, base_url, make_user):
    """The save button is a real form of its own, so without JavaScript it posts and comes back."""
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, make_user())
    page.goto(f"/supports?q={quote(KEYWORD_A)}")
    result = page.locator(".result").nth(1)
    title = result.locator(".result__title").inner_text()

    with page.expect_navigation():
        result.get_by_role("button", name="☆ マイリストに保存").click()

    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    expect(page.locator(".flashes").get_by_role("status")).to_have_text("マイリストに保存しました。")
    saved = page.locator(".result").filter(has_text=title).get_by_role("button", name="★ 保存済み")
    expect(saved).to_have_attribute("aria-pressed", "true")
    page.goto("/mylist/")
    expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()


def test_changing_the_order_and_the_page_keeps_the_search(page: Page, base_url, expected_total):
    page.goto("/supports")
    wait_for_htmx(page)
    type_keyword(page, KEYWORD_A)
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    total = expected_total(f"/supports?q={KEYWORD_A}")
    assert total > 20, "the keyword should find more than one page"

    page.get_by_label("並び順").select_option(label="締切が近い順")
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A, sort="deadline"))
    expect(page.locator("#f-sort option:checked")).to_have_text("締切が近い順")

    pages = page.get_by_role("navigation", name="ページ送り")
    pages.get_by_role("link", name="次へ").click()
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A, sort="deadline", page=2))
    expect(results_count(page)).to_have_text(re.compile(rf"^{total:,}件の支援制度（21〜"))
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    expect(page.get_by_label("キーワード")).to_have_value(KEYWORD_A)
    expect(page.locator("#f-sort option:checked")).to_have_text("締切が近い順")


def test_case_search_filters_by_purpose(page: Page, base_url, demo):
    page.goto("/cases")
    wait_for_htmx(page)
    expect(results_count(page)).to_have_text(count_text(demo.cases))
    page.evaluate("window.__marker = 1")
    purpose = pick_purpose(page, demo.cases)
    count_beside = facet_count(page, "purpose", purpose)

    purpose_box(page, purpose).check()

    expect(page).to_have_url(f"{base_url}/cases?purpose={purpose}")
    expect(results_count(page)).to_have_text(count_text(count_beside))
    expect(purpose_box(page, purpose)).to_be_checked()
    assert page.evaluate("window.__marker") == 1


# --- accessibility ------------------------------------------------------------------------------

def test_search_page_with_query_and_filter_is_accessible(page: Page, base_url, assert_accessible):
    page.goto("/supports")
    wait_for_htmx(page)
    type_keyword(page, KEYWORD_A)
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A))
    purpose = pick_purpose(page, shown_total(page))
    purpose_box(page, purpose).check()
    expect(page).to_have_url(search_url(base_url, q=KEYWORD_A, purpose=purpose))
    expect(purpose_box(page, purpose)).to_be_checked()
    assert_accessible(page)


@pytest.mark.parametrize("which", ["measure", "case"])
def test_detail_pages_are_accessible(page: Page, demo, assert_accessible, which):
    path = f"/supports/{demo.measure_id}" if which == "measure" else f"/cases/{demo.case_ids[0]}"
    assert page.goto(path).status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_case_search_is_accessible(page: Page, assert_accessible):
    assert page.goto("/cases").status == 200
    expect(page.locator(".results-count")).to_be_visible()
    assert_accessible(page)


def test_mylist_is_accessible(page: Page, demo, make_user, assert_accessible):
    log_in(page, make_user())
    page.goto(f"/supports/{demo.measure_id}")
    page.get_by_role("button", name="☆ マイリストに保存").click()
    expect(page.get_by_role("button", name="★ 保存済み")).to_be_visible()
    page.goto(f"/cases/{demo.case_ids[0]}")
    page.get_by_role("button", name="☆ マイリストに保存").click()
    expect(page.get_by_role("button", name="★ 保存済み")).to_be_visible()
    page.goto("/mylist/")
    expect(page.get_by_role("link", name=demo.measure_title)).to_be_visible()
    assert_accessible(page)
