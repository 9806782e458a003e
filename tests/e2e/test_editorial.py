"""The editor in the browser (issue 18): a 職員 edits a measure — a field error shown beside the
field with what was typed kept, a preview, a draft, submit — and a 公開者 approves it; an article is
found by search; every screen passes axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.db import get_session
from portal.models import Role, User
from tests.e2e.pages import log_in


def _measure(live_server) -> int:
    from tests.factories import add_supports, support_record

    with live_server.app.app_context():
        session = get_session()
        session.info["app"] = live_server.app
        [support] = add_supports(session, support_record("編集画面確認用の補助金", summary="設備の導入を支援", purpose=[1]))
        return support


def _publisher(live_server, credentials) -> None:
    with live_server.app.app_context():
        session = get_session()
        session.scalar(select(User).where(User.email == credentials.email)).editor_role = "publisher"
        session.commit()


def test_a_staff_member_edits_submits_and_a_publisher_approves(page: Page, browser, make_user, assert_accessible,
                                                               live_server, base_url):
    support = _measure(live_server)
    editor = make_user(role=Role.STAFF)
    log_in(page, editor)
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("職員のページ")
    assert_accessible(page)

    page.goto(f"/staff/supports/{support}/edit")
    assert_accessible(page)
    page.get_by_label("制度の名称").fill("編集画面確認用の補助金（第2回）")
    page.get_by_label("従業員数の上限（人）").fill("三百")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#max_employees-error")).to_contain_text("半角の数字")
    expect(page.get_by_label("制度の名称")).to_have_value("編集画面確認用の補助金（第2回）")
    assert_accessible(page)

    page.get_by_label("従業員数の上限（人）").fill("300")
    page.get_by_label("本文（Markdown）").fill("**太字**の説明")
    page.get_by_role("button", name="プレビュー").click()
    expect(page.locator(".preview strong")).to_have_text("太字")
    page.get_by_label("変更の内容（履歴に残るメモ）").fill("回次を追記")
    page.get_by_label("重要な変更（更新日を改め、保存した検索に一致する事業者へ通知します）").check()
    page.get_by_role("button", name="保存して確認に出す").click()
    expect(page.get_by_role("status").first).to_contain_text("確認に出しました")
    expect(page.get_by_role("heading", level=1)).to_contain_text("履歴")
    assert_accessible(page)

    reviewer = make_user(role=Role.STAFF)
    _publisher(live_server, reviewer)
    other = browser.new_context(base_url=base_url)
    second = other.new_page()
    log_in(second, reviewer)
    second.goto("/staff/")
    second.get_by_role("link", name="編集画面確認用の補助金（第2回）").click()
    second.get_by_label("コメント（差し戻すときは必須）").fill("確認しました")
    second.get_by_role("button", name="承認する").click()
    expect(second.get_by_role("status").first).to_contain_text("承認して公開しました")
    second.get_by_role("link", name="前の版と比べる").click()
    expect(second.locator("ins").first).to_be_visible()
    assert_accessible(second)
    other.close()

    page.goto(f"/supports/{support}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("第2回")


def test_article_search_and_the_article_editor_pass_axe(page: Page, make_user, assert_accessible, live_server):
    staff = make_user(role=Role.STAFF)
    log_in(page, staff)
    page.goto("/staff/articles/new")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#title-error")).to_contain_text("タイトルを入力してください")
    assert_accessible(page)
    page.goto("/articles/?q=京都")
    expect(page.get_by_role("heading", level=1)).to_have_text("経営お役立ちコンテンツ")
    assert_accessible(page)
