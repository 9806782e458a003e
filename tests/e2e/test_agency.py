"""The 認定支援機関 in the browser: linking the sandbox from マイページ's 支援機関 section, accepting the
proposed agency, then the 支援者 of that agency seeing the business; axe on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal import store
from portal.db import get_session
from portal.demo.business import seed_agencies
from portal.models import Role, User
from tests.e2e.pages import log_in

NUMBER = "3020001234567"
AGENCY = "109927000103"  # 若葉会計事務所, one of the sandbox's made-up agencies
BUSINESS = "株式会社わかば精工"


def test_linking_the_agency_and_the_supporter_seeing_the_business(live_server, make_user, make_business_owner,
                                                                  new_context, assert_accessible):
    owner = make_business_owner("corporation", NUMBER, BUSINESS)
    with live_server.app.app_context():
        seed_agencies(get_session())  # the directory lists them, as `portal seed` leaves it
        get_session().commit()
    page = new_context().new_page()
    log_in(page, owner)
    page.goto("/mypage/")
    section = page.locator("#agency")
    expect(section.get_by_role("heading", name="支援機関")).to_be_visible()
    assert_accessible(page)
    section.get_by_role("link", name="認定支援機関と連携する").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("認定支援機関")
    page.get_by_label("お試し（サンドボックス）", exact=False).check()
    page.get_by_label("支援機関の認定番号").fill(AGENCY)
    page.get_by_role("button", name="同意して連携する").click()

    expect(page).to_have_url(re.compile(r"/mypage/links/proposals"))
    expect(page.get_by_text("若葉会計事務所（109927000103）")).to_be_visible()
    page.get_by_label("連携する支援機関").check()
    # wait for the answer to the POST: navigating away at once could cancel it (a flaky test before)
    with page.expect_response(lambda r: r.request.method == "POST" and "/mypage/links/proposals" in r.url):
        page.get_by_role("button", name="選んだ1件の変更を反映").click()
    page.goto("/mypage/")
    expect(section.get_by_text("若葉会計事務所")).to_be_visible()
    expect(section.get_by_text("税理士")).to_be_visible()
    assert_accessible(page)

    supporter = make_user()
    with live_server.app.app_context():
        session = get_session()
        user = session.query(User).filter_by(email=supporter.email).one()
        user.role = Role.SUPPORTER
        store.add_agency_member(session, store.find_agency(session, AGENCY), user)
        session.commit()
    staff_page = new_context().new_page()
    log_in(staff_page, supporter)
    staff_page.goto("/agency/businesses")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("連携している事業者")
    expect(staff_page.get_by_role("rowheader", name=BUSINESS)).to_be_visible()
    assert_accessible(staff_page)
