"""アカウント設定's list of log-in sessions, used as a person would: two devices logged in, the
phone ended from the computer, with JavaScript on and off, and the page checked by axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_ending_the_other_device_from_the_account_page(new_context, make_user, assert_accessible, javascript):
    user = make_user()
    computer = new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900}).new_page()
    phone = new_context(java_script_enabled=javascript, user_agent=IPHONE,
                        viewport={"width": 390, "height": 844}).new_page()
    log_in(computer, user)
    log_in(phone, user)

    computer.goto("/account/")
    sessions = computer.locator("table", has=computer.get_by_text("最後に使った日時"))
    expect(computer.get_by_role("heading", name="ログイン中の端末")).to_be_visible()
    expect(sessions.locator("tbody tr")).to_have_count(2)
    phone_row = sessions.locator("tbody tr", has_text="Safari（iPhone）")
    expect(sessions.locator("tbody tr", has_text="この端末")).to_have_count(1)
    if javascript:  # axe runs as a script in the page
        assert_accessible(computer)

    phone_row.get_by_role("button", name=re.compile("終了する")).click()
    expect(computer.get_by_role("status")).to_contain_text("選んだ端末のログインを終了しました")
    expect(sessions.locator("tbody tr")).to_have_count(1)

    phone.goto("/mypage")
    expect(phone).to_have_url(re.compile(r"/account/login\?next="))  # the phone is logged out
    computer.goto("/mypage")
    expect(computer).not_to_have_url(re.compile(r"/account/login"))  # the computer is not
