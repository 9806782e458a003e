"""外部サービス連携 in the browser: consent, the first sync, accepting proposed changes, axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.db import get_session
from portal.models import User
from portal.store import create_business

MINATO = "7123456789012"  # a number the gBizINFO sandbox fixture knows


@pytest.fixture
def business_owner(live_server, make_user):
    user = make_user()
    with live_server.app.app_context():
        session = get_session()
        owner = session.query(User).filter_by(email=user.email).one()
        create_business(session, owner, "corporation", MINATO, "株式会社みなと製作所")
        session.commit()
    return user


def log_in(page: Page, user) -> None:
    page.goto("/account/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました")


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
    page.get_by_role("button", name="選んだ変更を反映").click()
    expect(page.locator("input[name=change]")).to_have_count(0)

    page.goto("/mypage/links")
    expect(page.get_by_text("連携中").first).to_be_visible()
