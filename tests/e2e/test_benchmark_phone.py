"""経営カルテ on a phone and a desktop, as the demo business (株式会社みらい工房, three 決算期 in its
事業データ): the inputs one 決算期 at a time below 600 px, and 比較 with its key columns on screen
at 390 px and 1280 px. Before this file: the inputs were a 3-period table 869 px wide inside a
sideways-scrolling box at 390 px; 比較 scrolled inside its boxes at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from portal.db import get_session
from portal.demo.business import demo_business_data, seed_business
from portal.models import Business
from tests.e2e.pages import log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEMO_NUMBER = "8010401098765"
HEADER_ONE_ROW = 64


@pytest.fixture
def demo_owner(live_server, make_user):
    """An account with the demo business's 事業データ (removed afterwards: its 法人番号 is unique)."""
    owner = make_user()
    with live_server.app.app_context():
        session = get_session()
        assert seed_business(session, owner.email, demo_business_data())
        session.commit()
    yield owner
    with live_server.app.app_context():
        session = get_session()
        session.execute(delete(Business).where(Business.corporate_number == DEMO_NUMBER))
        session.commit()


def overflow(page: Page, selector: str = "html") -> list[str]:
    """Every box matching `selector` that scrolls sideways: wider inside than itself, with overflow-x
    other than visible (what overflows visibly widens the page, which `page_sideways` measures);
    visually hidden text and headings (clipped to 1 px on purpose) aside."""
    return page.evaluate("""sel => [...document.querySelectorAll(sel)]
        .filter(e => !e.closest('.visually-hidden') && getComputedStyle(e).overflowX !== 'visible')
        .filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)""", selector)


def page_sideways(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def measure(page: Page, label: str) -> None:
    boxes = page.evaluate("""() => [...document.querySelectorAll('.table-scroll, main table, .locaben-periods, .locaben-period')]
        .map(e => `${e.tagName.toLowerCase()}.${e.className.split(' ')[0]} ${e.scrollWidth}/${e.clientWidth}`)""")
    print(f"\n[{label}] page scrollWidth {page.evaluate('document.documentElement.scrollWidth')} "
          f"(viewport {page.viewport_size['width']}); boxes: {boxes}")


def save_report(page: Page) -> int:
    page.goto("/benchmark/")
    page.get_by_label("ロカベン業種（自動で決まった業種を変えるとき）").select_option(index=1)
    page.get_by_role("button", name="経営カルテとして保存").click()
    expect(page.get_by_role("status")).to_contain_text("経営カルテを保存しました")
    return int(re.search(r"/benchmark/reports/(\d+)", page.url).group(1))


def top(page: Page, selector: str) -> float:
    return page.locator(selector).evaluate("e => e.getBoundingClientRect().top")


def test_the_inputs_come_one_period_at_a_time_on_a_phone(new_context, demo_owner, assert_accessible):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(page, demo_owner)
    page.goto("/benchmark/")
    measure(page, "inputs 390")
    assert page_sideways(page) == 0
    assert overflow(page, "main *") == []  # before: the input table, 584 px in a 358 px box
    periods = page.get_by_role("group", name=re.compile("^(最新期|前期|前々期)$"))
    expect(periods).to_have_count(3)
    # one period after the other: the whole of 最新期 (its last item too) before 前期 begins
    assert top(page, "#p0_employees") < top(page, "#period-1-title") < top(page, "#p1_label")
    sales = page.get_by_label("最新期の売上高（千円）")
    expect(sales).to_have_value(re.compile(r"\d"))  # the demo business's figure, prefilled
    box = sales.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert_accessible(page)


def test_the_periods_stand_side_by_side_on_a_desktop(new_context, demo_owner):
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, demo_owner)
    page.goto("/benchmark/")
    measure(page, "inputs 1280")
    assert page_sideways(page) == 0 and overflow(page, ".locaben-periods, .locaben-periods *") == []
    for name in ("label", "sales", "liabilities", "employees"):  # each item on one line across the periods
        tops = {round(top(page, f"#p{i}_{name}")) for i in range(3)}
        assert len(tops) == 1, (name, tops)


def save_report(page: Page) -> int:
    page.goto("/benchmark/")
    page.get_by_label("ロカベン業種（自動で決まった業種を変えるとき）").select_option(index=1)
    page.get_by_role("button", name="経営カルテとして保存").click()
    expect(page.get_by_role("status")).to_contain_text("経営カルテを保存しました")
    return int(re.search(r"/benchmark/reports/(\d+)", page.url).group(1))


def in_view(page: Page, selector: str) -> list[str]:
    """The elements matching `selector` that are not wholly within the screen's width."""
    return page.evaluate("""sel => [...document.querySelectorAll(sel)].filter(e => {
        const box = e.getBoundingClientRect();
        return box.width === 0 || box.left < 0 || box.right > document.documentElement.clientWidth;
    }).map(e => e.dataset.key || e.textContent.trim())""", selector)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_compare_fits_with_its_key_figures_in_view(new_context, demo_owner, viewport, assert_accessible):
    page = new_context(viewport=viewport).new_page()
    log_in(page, demo_owner)
    first, second = save_report(page), save_report(page)
    page.goto(f"/benchmark/compare?report={first}&report={second}")
    measure(page, f"compare {viewport['width']}")
    # before: the page was 724 px wide at 390 px and 1537 px at 1280 px (two 708 px tables side by side)
    assert page_sideways(page) == 0
    assert overflow(page, "main *") == []
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert len(headings) == 2 and headings[0] != headings[1] and headings[0].startswith("1つ目")
    for n in (1, 2):
        table = f"#results-table-{n}"
        # the newest period's value and 評価点 of every 指標, its 業種基準値 and the 総合評価点
        assert in_view(page, f"{table} td[data-key$='-0'], {table} .locaben-baseline, {table} .locaben-total") == []
        assert page.locator(f"{table} td[data-key$='-score-0']").count() == 6
    if viewport is PHONE:  # a card per 指標: each figure says which period it is and what it is
        card = page.locator("#results-table-1 tbody tr").first
        value = card.locator("td[data-key$='-value-0']")
        label = value.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.strip('"') == page.locator("#results-table-1 thead th[scope=colgroup]").first.inner_text()
        assert card.evaluate("e => e.getBoundingClientRect().width") <= PHONE["width"]
    assert_accessible(page)
