"""外部サービス連携 in the browser: consent, the first sync, accepting proposed changes, unlinking with
the data kept or deleted, axe on each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.corporate_number import check_digit
from tests.e2e.pages import log_in

MINATO = "7123456789012"  # a number the gBizINFO sandbox fixture knows
ETAX_FIXTURES = Path(__file__).resolve().parents[2] / "connectors" / "etax" / "fixtures"


@pytest.fixture
def business_owner(make_business_owner):
    return make_business_owner("corporation", MINATO, "株式会社みなと製作所")


def test_linking_a_sandbox_service_and_accepting_its_changes(page: Page, business_owner, assert_accessible):
    log_in(page, business_owner)
    page.goto("/mypage/links")
    expect(page.get_by_role("heading", level=1)).to_contain_text("外部サービス連携")
    expect(page.get_by_role("rowheader", name="gBizINFO（法人基本情報）")).to_be_visible()
    assert_accessible(page)

    page.goto("/mypage/links/gbizinfo/link")
    expect(page.get_by_role("listitem").filter(has_text="基本情報（商号・所在地・代表者・資本金・従業員数・設立日）")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("お試し（サンドボックス）", exact=False).check()
    page.get_by_role("button", name="同意して連携する").click()

    expect(page).to_have_url(re.compile(r"/mypage/links/proposals"))
    changes = page.locator("input[name=change]")
    expect(changes.first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^すべて選ぶ")).first.click()
    page.get_by_role("button", name=re.compile(r"^選んだ\d+件の変更を反映$")).click()
    expect(page.locator("input[name=change]")).to_have_count(0)

    page.goto("/mypage/links")
    expect(page.get_by_text("連携中").first).to_be_visible()


def accounting_business(make_business_owner, base: str, name: str):
    """A business with a 法人番号 of its own (the browser tests share one database)."""
    return make_business_owner("corporation", f"{check_digit(base)}{base}", name)


@pytest.mark.parametrize("choice, base", [("削除", "010401099001"), ("残す", "010401099002")])
def test_linking_the_cloud_accounting_sandbox_then_unlinking(page: Page, make_business_owner, assert_accessible,
                                                             choice, base):
    log_in(page, accounting_business(make_business_owner, base, f"株式会社会計テスト{choice}"))
    page.goto("/mypage/links")
    page.locator("#service-freee").get_by_role("link", name="連携").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("freee会計と連携")
    expect(page.locator("#reads")).to_contain_text("事業財務情報")
    assert_accessible(page)
    page.get_by_label("お試し（サンドボックス）").check()
    page.get_by_role("button", name="同意して連携する").click()

    expect(page).to_have_url(re.compile(r"/mypage/links/proposals"))
    expect(page.get_by_role("heading", level=2, name="freee会計")).to_be_visible()
    expect(page.locator(".proposal-card").filter(has_text="売上高").first).to_contain_text("新しい値")
    page.get_by_role("button", name=re.compile("^すべて選ぶ")).first.click()
    page.get_by_role("button", name=re.compile(r"^選んだ\d+件の変更を反映$")).click()
    expect(page.get_by_role("status")).to_contain_text("変更をマイページに反映しました")

    page.goto("/mypage/")
    period_link = page.get_by_role("link", name="2025年3月31日決算")
    period_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025年3月31日決算の事業財務情報")
    sales = page.locator("dt", has_text=re.compile("^売上高$")).locator("xpath=following-sibling::dd[1]")
    expect(sales).to_contain_text("円")
    expect(sales).to_contain_text("freee会計")

    page.goto("/mypage/links/freee/unlink")
    expect(page.get_by_role("heading", level=1)).to_have_text("freee会計との連携を解除")
    assert_accessible(page)
    page.get_by_label(f"取り込んだデータを{choice}").check()
    page.get_by_role("button", name="連携を解除する").click()
    expect(page).to_have_url(re.compile(r"/mypage/links$"))
    expect(page.get_by_role("status")).to_contain_text("freee会計との連携を解除しました")
    expect(page.get_by_role("row", name=re.compile("freee会計"))).to_contain_text("未連携")

    page.goto("/mypage/")
    if choice == "削除":
        expect(page.get_by_role("link", name="2025年3月31日決算")).to_have_count(0)
        page.goto("/mypage/history")
        expect(page.get_by_text("freee会計（連携解除により削除）").first).to_be_visible()
    else:
        page.get_by_role("link", name="2025年3月31日決算").click()
        expect(sales).to_contain_text("freee会計")


def test_uploading_etax_statements_in_the_browser(page: Page, make_business_owner, assert_accessible):
    log_in(page, accounting_business(make_business_owner, "010401099003", "株式会社申告テスト"))
    page.goto("/mypage/links/etax/link")
    assert_accessible(page)
    page.get_by_label("本番").check()
    page.get_by_label("貸借対照表CSV（HOT010_3.0_BS.csv）").set_input_files(str(ETAX_FIXTURES / "HOT010_3.0_PL.csv"))
    page.get_by_role("button", name="同意して連携する").click()
    expect(page.locator("#file_0-error")).to_contain_text("損益計算書のCSVです")
    assert_accessible(page)

    page.get_by_label("本番").check()
    page.get_by_label("貸借対照表CSV（HOT010_3.0_BS.csv）").set_input_files(str(ETAX_FIXTURES / "HOT010_3.0_BS.csv"))
    page.get_by_label("損益計算書CSV（HOT010_3.0_PL.csv）").set_input_files(str(ETAX_FIXTURES / "HOT010_3.0_PL.csv"))
    page.get_by_role("button", name="同意して連携する").click()
    expect(page).to_have_url(re.compile(r"/mypage/links/proposals"))
    expect(page.locator(".proposal-card").filter(has_text="資産合計").first).to_contain_text("148,500,000円")
