"""「変更の確認」 in the browser, as the demo business sees it on a 390px phone: every いまの値 and 新しい値
on screen without sideways scrolling, nothing ticked, 「すべて選ぶ／外す」 per group with and without
JavaScript, the count on the button, two services' values for one field refused together and accepted
one at a time; a service's page with its sync history; axe on each page."""

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
DEMO_NUMBER = "8010401098765"
ACCEPT = re.compile(r"^選んだ(\d+)件の変更を反映$")


@pytest.fixture
def demo_owner(live_server, make_user):
    """An account with the demo business's 事業データ; the business goes afterwards, since its 法人番号
    (which the sandboxes know) can be registered only once in the browser tests' shared database."""
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


def link_sandbox(page: Page, name: str) -> None:
    page.goto(f"/mypage/links/{name}/link")
    page.get_by_label("お試し（サンドボックス）").check()
    page.get_by_role("button", name="同意して連携する").click()
    expect(page).to_have_url(re.compile(r"/mypage/links/proposals$"))


def chosen_count(page: Page) -> int:
    return int(ACCEPT.match(page.get_by_role("button", name=ACCEPT).inner_text().strip()).group(1))


def test_the_proposals_are_readable_on_a_phone_and_a_conflict_is_a_choice(new_context, demo_owner, assert_accessible):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo_owner)
    link_sandbox(page, "freee")
    link_sandbox(page, "moneyforward")

    boxes = page.locator("input[name=change]")
    total = boxes.count()
    assert total > 10
    assert all(not boxes.nth(i).is_checked() for i in range(total)), "nothing is ticked for the person"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    for number in page.locator(".proposal-card__number").all():
        box = number.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], number.inner_text()
    label = page.locator(".proposal-card__label", has_text=re.compile(r"決算の売上高$"))
    sales = page.locator(".proposal-card").filter(has=label).first
    expect(sales).to_contain_text("381,200,000円")
    expect(sales).to_contain_text("381,420,000円")
    expect(sales).to_contain_text("差：+220,000円")
    expect(sales).to_contain_text("ほかのサービスの値")
    assert_accessible(page)

    freee = page.locator("#group-freee-period-2025-03-31")
    mf = page.locator("#group-moneyforward-period-2025-03-31")
    freee.get_by_role("button", name=re.compile("^すべて選ぶ")).click()
    in_freee = freee.locator("input[name=change]").count()
    assert chosen_count(page) == in_freee
    mf.get_by_role("button", name=re.compile("^すべて選ぶ")).click()
    assert chosen_count(page) == total
    page.get_by_role("button", name=ACCEPT).click()
    expect(page.get_by_role("alert")).to_contain_text("反映できませんでした")
    expect(freee.locator(".field__error")).to_contain_text("売上高")
    expect(freee.locator(".field__error")).to_contain_text("freee会計とマネーフォワード クラウド会計の値が両方とも選ばれています")
    assert chosen_count(page) == total and boxes.nth(0).is_checked(), "the ticks are kept"
    assert_accessible(page)

    mf.get_by_role("button", name=re.compile("^すべて外す")).click()
    assert chosen_count(page) == in_freee
    page.get_by_role("button", name=ACCEPT).click()
    expect(page.get_by_role("status")).to_contain_text(f"{in_freee}件の変更をマイページに反映しました")
    page.goto("/mypage/")
    page.get_by_role("link", name="2025年3月31日決算").click()
    sales_now = page.locator("dt", has_text=re.compile("^売上高$")).locator("xpath=following-sibling::dd[1]")
    expect(sales_now).to_contain_text("381,420,000円")
    expect(sales_now).to_contain_text("freee会計")


def test_select_all_works_without_javascript(browser, base_url, demo_owner):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, demo_owner)
        link_sandbox(page, "gbizinfo")
        group = page.locator(".proposal-group").first
        group.get_by_role("button", name=re.compile("^すべて選ぶ")).click()
        group = page.locator(".proposal-group").first
        assert all(box.is_checked() for box in group.locator("input[name=change]").all())
        expect(page.get_by_role("button", name=ACCEPT)).to_have_text(f"選んだ{group.locator('input[name=change]').count()}件の変更を反映")
        page.get_by_role("button", name=ACCEPT).click()
        expect(page.get_by_role("status")).to_contain_text("件の変更をマイページに反映しました")
    finally:
        context.close()


def test_a_service_page_lists_its_runs(new_context, demo_owner, assert_accessible):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, demo_owner)
    link_sandbox(page, "gbizinfo")
    page.goto("/mypage/links")
    page.get_by_role("link", name="gBizINFO（法人基本情報）", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("gBizINFO（法人基本情報）")
    expect(page.get_by_role("heading", name=re.compile("取得の履歴（1回）"))).to_be_visible()
    expect(page.locator(".sync-run").first).to_contain_text("成功")
    expect(page.locator(".sync-run").first).to_contain_text("新しく届いた変更：1件")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
