"""会社のメンバー in the browser: the 管理者 invites a colleague, the colleague opens the mailed link,
logs in and joins; the 管理者 passes 管理者 on; the registration dead end leads to the guide. On a
390px phone, axe on each page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.pages import log_in

PHONE = {"width": 390, "height": 844}


def test_inviting_joining_and_passing_on_the_owner_role(new_context, make_user, make_business_owner, mailbox,
                                                        assert_accessible):
    owner = make_business_owner("sole_proprietor", None, "はやぶさ工業所")
    colleague = make_user()
    page = new_context(viewport=PHONE).new_page()
    log_in(page, owner)
    page.goto("/mypage/")
    page.get_by_role("link", name="会社のメンバー", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("会社のメンバー")
    assert_accessible(page)
    page.get_by_label("招待する方のメールアドレス").fill("not-an-address")
    page.get_by_role("button", name="招待のメールを送る").click()
    expect(page.locator("#email-error")).to_contain_text("形式が正しくありません")
    expect(page.get_by_label("招待する方のメールアドレス")).to_have_value("not-an-address")
    assert_accessible(page)
    page.get_by_label("招待する方のメールアドレス").fill(colleague.email)
    page.get_by_role("button", name="招待のメールを送る").click()
    expect(page.get_by_role("status")).to_contain_text(f"{colleague.email} に招待のメールを送りました")
    expect(page.locator(".member", has_text=colleague.email)).to_contain_text("まで有効")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"

    link = mailbox.last_link(colleague.email, "/members/join/")
    guest = new_context(viewport=PHONE).new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("会社のメンバーへの招待")
    expect(guest.locator(".lead")).to_contain_text("はやぶさ工業所")
    assert_accessible(guest)
    guest.get_by_role("link", name="ログインして参加する").click()
    guest.get_by_label("メールアドレス").fill(colleague.email)
    guest.get_by_label("パスワード", exact=True).fill(colleague.password)
    guest.get_by_role("button", name="ログイン").click()
    expect(guest).to_have_url(re.compile(r"/members/join/"))
    guest.get_by_role("button", name="はやぶさ工業所に参加する").click()
    expect(guest.get_by_role("status")).to_contain_text("「はやぶさ工業所」のメンバーになりました")
    expect(guest.get_by_role("heading", level=1)).to_have_text("マイページ")

    page.reload()
    member = page.locator(".member", has_text=colleague.email)
    member.get_by_role("link", name=re.compile("^管理者を引き継ぐ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("管理者を引き継ぐ")
    assert_accessible(page)
    page.get_by_role("button", name="管理者を引き継ぐ").click()
    expect(page.get_by_role("status")).to_contain_text("管理者を引き継ぎました")
    expect(page.get_by_role("button", name="招待のメールを送る")).to_have_count(0)
    expect(page.locator("#events-title + ol")).to_contain_text("管理者の引き継ぎ")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_guide_explains_how_a_taken_number_joins(new_context, make_user, make_business_owner, assert_accessible):
    make_business_owner("corporation", "1000020012131", "株式会社とられた番号")
    newcomer = make_user()
    page = new_context(viewport=PHONE).new_page()
    log_in(page, newcomer)
    page.goto("/mypage/")
    page.get_by_label("法人番号").fill("1000020012131")
    page.get_by_label("商号・屋号").fill("株式会社とられた番号")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator("#corporate_number-error")).to_contain_text("メンバーとして招待してもらってください")
    page.get_by_role("link", name="メンバーの追加のしかた").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("会社のメンバーの追加のしかた")
    assert_accessible(page)
