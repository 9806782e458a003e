"""A 公開者 makes a brand-new measure in the browser (issue 18): related measures found by the htmx
search while what was typed stays, the audit log, and the public page after publication; axe on each."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.db import get_session
from portal.models import Role, User
from tests.e2e.pages import log_in


def test_a_publisher_creates_a_measure_with_related_measures_and_publishes_it(page: Page, make_user, assert_accessible,
                                                                             live_server):
    from tests.factories import add_supports, support_record

    with live_server.app.app_context():
        session = get_session()
        session.info["app"] = live_server.app
        [related] = add_supports(session, support_record("雉沢町IT導入補助金", summary="ITツールの導入"))
    publisher = make_user(role=Role.STAFF)
    with live_server.app.app_context():
        session = get_session()
        session.scalar(select(User).where(User.email == publisher.email)).editor_role = "publisher"
        session.commit()
    log_in(page, publisher)

    page.goto("/staff/supports")
    page.get_by_role("link", name="支援制度を新しく作る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("支援制度を新しく作る")
    assert_accessible(page)
    page.get_by_label("制度の名称").fill("蛙川町省エネ設備補助金")
    page.get_by_label("概要").fill("蛙川町の省エネ設備の導入を補助します")
    page.get_by_label("関連する支援制度を名称で探す").fill("雉沢町")
    with page.expect_request(lambda r: "related_q=" in r.url) as asked:
        page.get_by_role("button", name="探す").click()
    assert asked.value.method == "GET" and asked.value.headers.get("hx-request") == "true"  # htmx, not the no-JS POST
    expect(page.get_by_role("status").filter(has_text="一致する制度")).to_contain_text("1件")
    page.get_by_label("雉沢町IT導入補助金").check()
    expect(page.get_by_label("制度の名称")).to_have_value("蛙川町省エネ設備補助金")  # htmx swapped only the picker
    assert_accessible(page)
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("履歴")
    page.get_by_role("button", name="確認を省いて公開する（公開者）").click()
    expect(page.get_by_role("status").first).to_contain_text("公開しました")

    page.goto("/staff/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("編集の記録（監査ログ）")
    expect(page.get_by_role("cell", name="新しく作成")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="蛙川町省エネ設備補助金").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("蛙川町省エネ設備補助金")

    page.goto(f"/supports/{related}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("雉沢町IT導入補助金")
    page.goto("/supports?q=蛙川町")
    page.get_by_role("link", name="蛙川町省エネ設備補助金").first.click()
    expect(page.get_by_role("link", name="雉沢町IT導入補助金")).to_be_visible()
