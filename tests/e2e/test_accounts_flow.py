"""Registration, confirmation by e-mail, log-in and log-out, done the way a person does them."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PASSWORD = "kiso-Shien-2024"
TOP = re.compile(r"^http://[^/]+/$")


def test_register_confirm_login_logout(page: Page, live_server, mailbox, new_email):
    email = new_email()
    page.goto("/account/register")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード（確認）").fill(PASSWORD)
    page.get_by_label("利用規約とプライバシーポリシーに同意します").check()
    page.get_by_role("button", name="登録する").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("確認メールを送信しました")
    expect(page.locator("main")).to_contain_text(email)

    # The mail's link points at the server the browser used (SERVER_NAME is None).
    [message] = mailbox.to(email)
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+", body)
    assert any(link.startswith(f"{live_server.url}/account/confirm/") for link in links), links
    confirm_path = mailbox.last_link(email, "/account/confirm/")

    # Not confirmed yet: the login is refused with the reason beside the e-mail field.
    page.goto("/account/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("#email-error")).to_contain_text("メールアドレスの確認が済んでいません")

    page.goto(confirm_path)
    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_role("status")).to_contain_text("メールアドレスを確認しました")

    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("status")).to_contain_text("ログインしました")
    expect(page).to_have_url(TOP)
    header = page.locator("header")
    logout = header.get_by_role("button", name="ログアウト")
    expect(logout).to_be_visible()
    expect(header.get_by_role("link", name="ログイン", exact=True)).to_have_count(0)

    logout.click()
    expect(page.get_by_role("status")).to_contain_text("ログアウトしました")
    expect(header.get_by_role("link", name="ログイン", exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="ログアウト")).to_have_count(0)

    # The session really ended: a page behind login sends us to the login page.
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/account/login\?next="))


def error_beside(page: Page, label: str):
    """The error message in the same form field block as the input labelled `label`."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True)).locator(".field__error")


def test_empty_registration_shows_errors_beside_fields(page: Page, mailbox):
    page.goto("/account/register")
    page.get_by_role("button", name="登録する").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(error_beside(page, "メールアドレス")).to_have_text("メールアドレスを入力してください。")
    expect(error_beside(page, "パスワード")).to_have_text("パスワードを入力してください。")
    expect(error_beside(page, "パスワード（確認）")).to_have_text("確認用のパスワードを入力してください。")
    expect(error_beside(page, "お名前（任意）")).to_have_count(0)
    # Screen readers read the message with the field.
    email_input = page.get_by_label("メールアドレス")
    expect(email_input).to_have_attribute("aria-invalid", "true")
    expect(email_input).to_have_accessible_description(re.compile("メールアドレスを入力してください。"))
    # The summary takes focus so that screen reader users hear what went wrong.
    expect(page.locator(".error-summary")).to_be_focused()
    assert mailbox.messages == []


def test_registration_keeps_email_when_only_password_is_wrong(page: Page, mailbox, new_email):
    email = new_email()
    page.goto("/account/register")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード", exact=True).fill("12345678901")
    page.get_by_label("パスワード（確認）").fill("12345678901")
    page.get_by_role("button", name="登録する").click()

    expect(error_beside(page, "パスワード")).to_have_text(re.compile("数字だけのパスワード"))
    expect(page.get_by_label("メールアドレス")).to_have_value(email)
    expect(error_beside(page, "メールアドレス")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("新規登録")
    assert mailbox.to(email) == []
