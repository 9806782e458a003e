"""通知 in the browser: an alert found by `portal notify` appears in the inbox with an unread badge,
is marked read with htmx (keyboard), axe on the inbox, 通知の設定 and お知らせ; the push button asks
for permission only when pressed and subscribes through the service worker."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.db import get_session
from portal.models import PushSubscription, SavedSearch, User
from portal.notify.run import run_notify
from tests.e2e.test_linking import log_in
from tests.factories import add_supports, support_record


def alert_for(live_server, clock, email: str) -> None:
    """A saved search, then (a second later) a matching measure, then a `portal notify` run: the
    live server's database is shared by the browser tests, and only what was imported after the
    search was saved may alert."""
    app = live_server.app
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User).where(User.email == email))
        session.add(SavedSearch(user_id=user.id, kind="support", name="観光の販路開拓", query="purpose=2",
                                created_at=clock.now()))
        session.commit()
        clock.advance(seconds=1)
        session.info["app"] = app
        add_supports(session, support_record(f"観光事業者の販路開拓支援（{email}）", purpose=[2]))
        run_notify(session)


def test_inbox_shows_the_alert_and_marks_it_read(page: Page, live_server, make_user, assert_accessible, clock):
    user = make_user()
    alert_for(live_server, clock, user.email)
    log_in(page, user)
    badge = page.get_by_role("navigation", name="アカウント").get_by_role("link", name="通知")
    expect(badge).to_contain_text("1")
    badge.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知")
    title = f"観光事業者の販路開拓支援（{user.email}）"
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert_accessible(page)

    entry = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
    entry.get_by_role("button", name="既読にする").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("既読にしました")
    expect(entry.locator(".badge")).to_have_text("既読")
    page.reload()
    expect(page.get_by_role("navigation", name="アカウント").get_by_role("link", name="通知")).not_to_contain_text("1")


def test_settings_and_news_pages_are_accessible(page: Page, make_user, assert_accessible):
    user = make_user()
    log_in(page, user)
    page.goto("/notify/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("通知の設定")
    assert_accessible(page)
    page.get_by_label("毎日まとめて受け取る").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status").first).to_contain_text("毎日まとめて受け取る")
    page.goto("/news/")
    expect(page.get_by_role("heading", level=1)).to_have_text("お知らせ")
    assert_accessible(page)


def test_push_button_subscribes_after_permission(new_context, live_server, make_user):
    user = make_user()
    context = new_context(permissions=["notifications"])
    page = context.new_page()
    log_in(page, user)
    page.goto("/notify/settings")
    page.wait_for_function("navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    enable = page.get_by_role("button", name="プッシュ通知を受け取る")
    expect(enable).to_be_visible()
    enable.click()
    status = page.locator("[data-push-status]")
    expect(status).not_to_have_text("通知の許可を確認しています…", timeout=15000)
    with live_server.app.app_context():
        rows = get_session().scalars(select(PushSubscription).join(User).where(User.email == user.email)).all()
    if status.text_content() == "この端末でプッシュ通知を受け取ります。":
        assert len(rows) == 1 and rows[0].p256dh and rows[0].auth
        expect(page.get_by_role("button", name="この端末への通知を止める")).to_be_visible()
    else:
        # Chromium without a reachable push service (this closed network) refuses to subscribe; the page says so
        assert "登録できませんでした" in status.text_content() and rows == []


def test_service_worker_shows_a_pushed_message(new_context, make_user):
    """The push handler of sw.js, fed a message through Chromium's DevTools protocol (the same event a
    push service delivers), shows a notification with the payload's title, body and link."""
    context = new_context(permissions=["notifications"])
    page = context.new_page()
    page.goto("/")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(300)
    [registration] = [r for r in registrations if not r.get("isDeleted")][:1]
    origin = page.evaluate("location.origin")
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": origin, "registrationId": registration["registrationId"],
        "data": '{"title": "東京都の創業助成", "body": "保存した検索条件に合う制度です", "url": "/supports/1", "tag": "t1"}'})
    shown = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        for (let i = 0; i < 50; i += 1) {
            const found = await registration.getNotifications();
            if (found.length) {
                return found.map((n) => ({title: n.title, body: n.body, url: n.data.url}));
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return [];
    }""")
    assert shown == [{"title": "東京都の創業助成", "body": "保存した検索条件に合う制度です", "url": "/supports/1"}]
