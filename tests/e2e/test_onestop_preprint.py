"""The once-only API end to end in a browser, with both sites live: the portal (live_server) and the
example application site プレプリント in a thread on another port. Sign in from the site, consent
with one section unticked, see the form pre-filled, see the read on マイページ, revoke, and the site
is refused. axe runs on the consent page and on the consents page."""

from __future__ import annotations

import itertools
import os
import re
import threading

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from examples.preprint import create_app as create_preprint
from portal import corporate_number, store
from portal.db import get_session
from portal.models import User
from portal.oauth.clients import ClientValues, register_client
from portal.oauth.scopes import ALL_SCOPES
from tests.e2e.pages import log_in, whole_bodies


@pytest.fixture
def preprint(live_server):
    """プレプリント on its own port, registered with the live portal as a public client."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    with live_server.app.app_context():
        session = get_session()
        client, _secret = register_client(session, ClientValues(
            name="プレプリント（テスト）", redirect_uris=[f"{url}/callback"], scopes=list(ALL_SCOPES), public=True,
            description="経営力向上計画の申請書（見本）に会社の情報を入れます。"))
        session.commit()
        client_id = client.client_id
    server.app = whole_bodies(create_preprint({"PORTAL_URL": live_server.url, "CLIENT_ID": client_id,
                                               "CLIENT_SECRET": None, "TESTING": True}))
    thread = threading.Thread(target=server.serve_forever, name="preprint", daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


_bases = itertools.count(os.getpid() % 1000 * 1000 + 1)


def fresh_corporate_number() -> str:
    """A valid number no other test of the session's shared database uses."""
    base = f"{next(_bases):012d}"
    return f"{corporate_number.check_digit(base)}{base}"


@pytest.fixture
def business_owner(live_server, make_user):
    credentials = make_user()
    credentials.corporate_number = fresh_corporate_number()
    with live_server.app.app_context():
        session = get_session()
        user = session.query(User).filter_by(email=credentials.email).one()
        business = store.create_business(session, user, "corporation", credentials.corporate_number,
                                         "株式会社さくら精工")
        store.update_fields(session, business, "basic", None, {
            "prefecture": "27", "address": "大阪市中央区本町1-2-3", "representative_title": "代表取締役",
            "representative_name": "田中 一郎"}, store.MANUAL, user)
        store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "250,000,000",
                                             "operating_income": "12,300,000"}, store.MANUAL, user)
        store.add_officer(session, business, {"title": "取締役", "name": "田中 花子"}, store.MANUAL, user)
        session.commit()
    return credentials


def test_the_preprint_site_pre_fills_its_form_until_the_consent_is_revoked(page: Page, preprint, business_owner,
                                                                           assert_accessible):
    page.goto(f"{preprint}/start")
    page.get_by_role("link", name="支援ポータルのデータを使う").click()

    expect(page).to_have_url(re.compile(r"/account/login"))
    page.get_by_label("メールアドレス").fill(business_owner.email)
    page.get_by_label("パスワード", exact=True).fill(business_owner.password)
    page.get_by_role("button", name="ログイン", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("プレプリント（テスト）に事業データを渡しますか")
    expect(page.get_by_text("株式会社さくら精工の事業データ", exact=False)).to_be_visible()
    assert_accessible(page)
    officers = page.get_by_role("checkbox", name="役員")
    expect(officers).to_be_checked()
    officers.uncheck()
    page.get_by_role("button", name="許可する").click()

    expect(page).to_have_url(re.compile(re.escape(preprint) + r"/form$"))
    expect(page.get_by_label("法人番号")).to_have_value(business_owner.corporate_number)
    expect(page.get_by_label("法人名")).to_have_value("株式会社さくら精工")
    expect(page.get_by_label("所在地")).to_have_value("大阪府大阪市中央区本町1-2-3")
    expect(page.get_by_label("代表者")).to_have_value("代表取締役 田中 一郎")
    expect(page.get_by_label("売上高（円）")).to_have_value("250000000")
    expect(page.get_by_label("営業利益（円）")).to_have_value("12300000")
    expect(page.locator("#officers")).to_contain_text("受け取っていません")
    expect(page.locator("#name-source")).to_contain_text("手入力")

    portal = page.context.new_page()
    portal.goto("/mypage/consents/")
    expect(portal.get_by_role("rowheader", name="プレプリント（テスト）").first).to_be_visible()
    log = portal.locator("#access-log")
    expect(log).to_contain_text("基本情報")
    expect(log).to_contain_text("事業財務情報")
    expect(log).not_to_contain_text("役員")
    assert_accessible(portal)
    portal.get_by_role("button", name="許可を解除").click()
    expect(portal.get_by_role("status")).to_contain_text("許可を解除しました")

    page.get_by_role("button", name="支援ポータルから読み直す").click()
    expect(page.get_by_role("alert")).to_contain_text("支援ポータルからデータを読み取れませんでした")
    expect(page.get_by_role("link", name="支援ポータルともう一度連携する")).to_be_visible()


def test_denying_on_the_portal_leaves_the_form_to_be_filled_by_hand(page: Page, preprint, business_owner):
    log_in(page, business_owner)  # waits for the log-in to finish before leaving the page
    page.goto(f"{preprint}/login")
    page.get_by_role("button", name="許可しない").click()
    expect(page.get_by_role("alert")).to_contain_text("許可されませんでした")
