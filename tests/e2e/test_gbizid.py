"""GビズIDでログイン in the browser against the stand-in provider, with axe on both pages.

The live server is the stand-in's issuer by default (no GBIZID_ISSUER), so the portal's Authlib
client fetches discovery, token, JWKS and UserInfo from the same server over HTTP, as in `make run`.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def standin_on(live_server):
    live_server.app.config["GBIZID_STANDIN"] = True
    yield
    live_server.app.config["GBIZID_STANDIN"] = False


def test_logging_in_with_the_stand_in_gbizid_lands_on_mypage_with_the_business(page: Page, standin_on,
                                                                               assert_accessible):
    page.goto("/account/login")
    gbizid = page.get_by_role("link", name="GビズIDでログイン")
    expect(gbizid).to_be_visible()
    assert_accessible(page)
    gbizid.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("GビズID（開発・デモ用の代替）")
    assert_accessible(page)
    page.get_by_label("GビズIDプライム（個人事業主）", exact=False).check()
    page.get_by_role("button", name="この利用者でログイン").click()

    # The account the log-in made has agreed to nothing yet: the terms come first, then マイページ.
    expect(page).to_have_url(re.compile(r"/account/terms\?next=/mypage/$"))
    expect(page.get_by_role("status").first).to_contain_text("GビズID（GビズIDプライム）でログインしました")
    expect(page.get_by_role("heading", level=1)).to_have_text("利用規約への同意")
    assert_accessible(page)
    page.get_by_label("利用規約とプライバシーポリシーに同意します").check()
    page.get_by_role("button", name="同意して続ける").click()
    expect(page).to_have_url(re.compile(r"/mypage/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    basic = page.locator("#basic")
    expect(basic).to_contain_text("さくら整体院")
    expect(basic).to_contain_text("浜松市中央区鍛冶町3番地の12")
    expect(basic).to_contain_text("桜井 美咲")
    expect(basic).to_contain_text("GビズID")


def test_the_stand_in_can_be_used_with_the_keyboard_and_cancelled(page: Page, standin_on):
    page.goto("/account/gbizid/login")
    first = page.get_by_role("radio").first
    expect(first).to_be_checked()
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio").nth(1)).to_be_checked()
    page.get_by_role("button", name="キャンセル").click()
    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_role("alert")).to_contain_text("GビズIDでのログインを中止しました")
