"""経営カルテ in the browser: typing figures recomputes the scores with htmx, the radar chart has its
table as text equivalent, saving leads to the report list and the print view; axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import log_in

NEWEST = {"p0_label": "2024-03", "p0_sales": "240,000", "p0_operating_income": "9,600", "p0_depreciation": "6,400",
          "p0_cash": "30,000", "p0_accounts_receivable": "20,000", "p0_inventory": "8,000",
          "p0_accounts_payable": "12,000", "p0_borrowings": "110,000", "p0_liabilities": "150,000",
          "p0_net_assets": "50,000", "p0_employees": "8", "p1_label": "2023-03", "p1_sales": "200,000"}


@pytest.fixture
def business_owner(make_business_owner):
    return make_business_owner("corporation", "6010001096659", "株式会社こむぎ堂")


def mm_to_px(mm: float) -> int:
    return round(mm / 25.4 * 96)


def test_typing_figures_updates_scores_and_chart(page: Page, business_owner, assert_accessible):
    log_in(page, business_owner)
    page.goto("/benchmark/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("経営カルテ")
    assert_accessible(page)

    page.get_by_label("資本金（千円）").fill("10,000")
    page.get_by_label("業種を探す（日本標準産業分類の名前で検索）").fill("パン")
    choice = page.get_by_role("radio", name=re.compile("0971 パン製造業"))
    expect(choice).to_be_visible()
    choice.check()
    for name, value in NEWEST.items():
        page.locator(f"#{name}").fill(value)
    summary = page.locator("#results .locaben-summary")
    expect(summary).to_contain_text("2024-03：23点（B）")
    expect(page.locator("#results svg[role=img] title")).to_have_text(re.compile("レーダーチャート"))
    expect(page.locator("#results .radar__series")).to_have_count(2)
    table = page.get_by_role("table", name=re.compile("財務分析の結果"))
    expect(table.get_by_role("row", name=re.compile("営業利益率"))).to_contain_text("4.0%")

    page.locator("#p0_operating_income").fill("20,000")  # a better year: the scores follow as one types
    expect(summary).to_contain_text("2024-03：25点（A）")
    expect(table.get_by_role("row", name=re.compile("営業利益率"))).to_contain_text("8.3%")
    assert_accessible(page)

    page.get_by_label("経営理念・ビジョン／経営哲学・考え・方針等").fill("地域の朝食を支える")
    page.get_by_role("button", name="経営カルテとして保存").click()
    expect(page.get_by_role("status")).to_contain_text("経営カルテを保存しました")
    expect(page.get_by_text("地域の朝食を支える")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="保存した経営カルテの一覧").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("保存した経営カルテ")
    assert_accessible(page)
    page.get_by_role("link", name="2024-03期までの経営カルテ").first.click()
    page.get_by_role("link", name="印刷用の表示").click()
    expect(page.locator(".print-page svg[role=img]")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    # The financial part must fit one A4 portrait page: laid out at the printable width of A4 with
    # 12 mm margins (186 mm), it must be no taller than the printable height (273 mm), at 96 px per inch.
    page.set_viewport_size({"width": mm_to_px(186), "height": mm_to_px(273)})
    box = page.locator(".print-page").bounding_box()
    assert box is not None and box["width"] <= mm_to_px(186) + 1
    assert box["height"] <= mm_to_px(273), f"the financial part is {box['height']:.0f}px tall"
