"""axe on the main pages of each kind of account that the feature tests do not already check:
the 事業者's マイページ sections, the 支援者's and the 職員's screens and forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.db import get_session
from portal.models import Role
from tests.e2e.pages import log_in

BUSINESS_PAGES = ["/mypage/", "/mypage/history", "/mypage/links", "/mypage/links/gbizinfo/link",
                  "/account/", "/mylist/", "/benchmark/reports", "/supports/1/datasheet"]
SUPPORTER_PAGES = ["/agency/businesses", "/benchmark/shared/"]
STAFF_PAGES = ["/staff/clients/", "/staff/clients/new", "/news/manage", "/news/manage/new"]


@pytest.fixture
def business_user(make_business_owner):
    return make_business_owner("sole_proprietor", None, "あおば整体院")


def check_pages(page: Page, assert_accessible, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)


def test_business_pages_pass_axe(page: Page, business_user, assert_accessible, live_server):
    from tests.factories import add_supports, support_record

    with live_server.app.app_context():
        session = get_session()
        session.info["app"] = live_server.app
        [support] = add_supports(session, support_record("アクセシビリティ確認用の補助金"))
    log_in(page, business_user)
    check_pages(page, assert_accessible, [p.replace("/supports/1/", f"/supports/{support}/") for p in BUSINESS_PAGES])


def test_supporter_pages_pass_axe(page: Page, make_user, assert_accessible):
    log_in(page, make_user(role=Role.SUPPORTER))
    check_pages(page, assert_accessible, SUPPORTER_PAGES)


def test_staff_pages_pass_axe_including_a_form_with_errors(page: Page, make_user, assert_accessible):
    log_in(page, make_user(role=Role.STAFF))
    check_pages(page, assert_accessible, STAFF_PAGES)
    page.goto("/staff/clients/new")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator(".field__error").first).to_be_visible()
    assert_accessible(page)
