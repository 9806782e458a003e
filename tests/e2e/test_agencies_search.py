"""支援機関を探す in the browser: ticking and typing update the results and the address without a
reload, the agency page and its way to the 認定支援機関 connector, the form without JavaScript, and
axe on the search page and an agency page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.agencies import services
from portal.agencies.params import AgencyQuery
from portal.clock import today
from portal.db import get_session
from portal.demo.business import seed_agencies
from portal.models import SupportAgency
from tests.e2e.pages import log_in

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(scope="session")
def directory(live_server) -> None:
    """The demo's made-up agencies (the 認定支援機関 sandbox list) in the live server's directory."""
    with live_server.app.app_context():
        session = get_session()
        seed_agencies(session)
        session.commit()


@pytest.fixture
def expected(live_server, directory):
    """`expected(AgencyQuery(...))`: how many agencies the search service finds."""

    def count(query: AgencyQuery) -> int:
        with live_server.app.test_request_context():
            return services.search(get_session(), query, today()).total

    return count


def wait_for_htmx(page: Page) -> None:
    page.wait_for_function("() => window.htmx !== undefined && document.body.hasAttribute('hx-boost')")
    page.wait_for_load_state("load")


def shown(total: int) -> re.Pattern:
    return re.compile(rf"^{total:,}件の支援機関")


def test_ticking_and_typing_update_the_results_and_the_address(page: Page, base_url, expected, assert_accessible):
    page.goto("/agencies")
    wait_for_htmx(page)
    everything = expected(AgencyQuery())
    expect(page.locator(".results-count")).to_have_text(shown(everything))
    assert_accessible(page)
    page.evaluate("window.__marker = 1")

    page.locator("#f-kind-financial_institution").check()
    banks = expected(AgencyQuery(kind=("financial_institution",)))
    assert 0 < banks < everything
    expect(page.locator(".results-count")).to_have_text(shown(banks))
    expect(page).to_have_url(f"{base_url}/agencies?kind=financial_institution")
    for meta in page.locator(".result .result__meta:first-of-type").all():
        expect(meta).to_contain_text("金融機関")

    box = page.get_by_label("キーワード")
    box.click()
    box.press_sequentially("事業承継")
    both = expected(AgencyQuery(q="事業承継", kind=("financial_institution",)))
    assert 0 < both < banks
    expect(page.locator(".results-count")).to_have_text(shown(both))
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/agencies?q=") + ".+&kind=financial_institution$"))
    expect(box).to_be_focused()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated"
    assert_accessible(page)

    # The address is the search: opening it again shows the same results and ticks.
    page.reload()
    expect(page.locator(".results-count")).to_have_text(shown(both))
    expect(page.locator("#f-kind-financial_institution")).to_be_checked()


def test_an_agency_page_and_the_way_to_link_it(page: Page, live_server, directory, make_business_owner,
                                               assert_accessible):
    owner = make_business_owner("sole_proprietor", None, "はまなす雑貨店")  # no 法人番号 other tests use
    with live_server.app.app_context():
        agency = get_session().scalar(select(SupportAgency).where(SupportAgency.certification_number == "109914000109"))
    log_in(page, owner)
    page.goto("/agencies?q=" + agency.name)
    page.get_by_role("link", name=agency.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(agency.name)
    expect(page.locator(".facts")).to_contain_text(agency.certification_number)
    expect(page.get_by_label("認定番号")).to_have_value(agency.certification_number)
    assert_accessible(page)
    page.get_by_role("link", name="認定支援機関と連携する").click()
    expect(page).to_have_url(re.compile(r"/mypage/links/agency/link\?certification_number=\d+$"))
    expect(page.get_by_label("支援機関の認定番号")).to_have_value(agency.certification_number)


def test_the_search_works_without_javascript(browser, base_url, expected):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/agencies")
        page.get_by_label("都道府県").select_option("47")
        page.get_by_role("button", name="この条件で探す").click()
        expect(page).to_have_url(re.compile(r"/agencies\?(q=&)?prefecture=47$"))
        expect(page.locator(".results-count")).to_have_text(shown(expected(AgencyQuery(prefecture="47"))))
    finally:
        context.close()
