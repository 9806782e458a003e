"""通知 pages: the inbox and its unread badge (each user sees only their own), 通知の設定, the push
subscription endpoint, and one-click unsubscribe (signed link, no login, tampered link refused)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import clock
from portal.models import Notification, NotificationSettings, PushSubscription, User
from portal.notify.settings import unsubscribe_token
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login, make_user

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def add_notifications(session, user_id: int, *titles: str) -> list[int]:
    rows = [Notification(user_id=user_id, key=f"test:{title}", kind="search", title=title, body=f"{title}の説明",
                         url="/supports", created_at=clock.now()) for title in titles]
    session.add_all(rows)
    session.commit()
    return [r.id for r in rows]


@pytest.fixture
def two_users(app, session):
    owner = make_user(app, "owner@example.jp")
    other = make_user(app, "other@example.jp")
    return owner, other


def test_inbox_needs_login(client):
    assert client.get("/inbox").status_code == 302


def test_inbox_lists_only_my_notifications_with_unread_badge(client, session, two_users):
    owner, other = two_users
    add_notifications(session, owner, "東京都の創業助成", "IT導入補助金")
    add_notifications(session, other, "他人の通知")
    login(client, "owner@example.jp")
    html = text(client.get("/inbox"))
    assert "東京都の創業助成" in html and "IT導入補助金" in html and "他人の通知" not in html
    assert '2<span class="visually-hidden">件の未読</span>' in html


def test_marking_read_with_htmx_returns_the_entry_and_lowers_the_count(client, session, two_users):
    owner, _other = two_users
    first, _second = add_notifications(session, owner, "一件目", "二件目")
    login(client, "owner@example.jp")
    token = csrf_from(text(client.get("/inbox")))
    response = client.post(f"/inbox/{first}/read", data={"csrf_token": token}, headers={"HX-Request": "true"})
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment and "既読" in fragment
    assert '1<span class="visually-hidden">件の未読</span>' in text(client.get("/inbox"))


def test_marking_read_without_javascript_and_all_at_once(client, session, two_users):
    owner, _other = two_users
    first, _second, _third = add_notifications(session, owner, "a", "b", "c")
    login(client, "owner@example.jp")
    assert submit(client, "/inbox", {}, action=f"/inbox/{first}/read").status_code == 303
    assert submit(client, "/inbox", {}, action="/inbox/read-all").status_code == 303
    session.expire_all()
    assert all(n.read_at for n in session.scalars(select(Notification).where(Notification.user_id == owner)))
    assert "件の未読" not in text(client.get("/inbox"))


def test_nobody_can_mark_another_users_notification(client, session, two_users):
    _owner, other = two_users
    [theirs] = add_notifications(session, other, "他人の通知")
    login(client, "owner@example.jp")
    assert submit(client, "/inbox", {}, action=f"/inbox/{theirs}/read").status_code == 404
    submit(client, "/inbox", {}, action="/inbox/read-all")
    assert session.get(Notification, theirs).read_at is None


def test_settings_change_the_frequency_and_refuse_bad_values(client, app, session):
    user = make_user(app)
    login(client)
    assert "週に1回まとめて受け取る" in text(client.get("/notify/settings"))
    assert submit(client, "/notify/settings", {"email_frequency": "daily"}).status_code == 303
    assert session.get(NotificationSettings, user).email_frequency == "daily"
    bad = submit(client, "/notify/settings", {"email_frequency": "hourly"})
    assert bad.status_code == 422 and "メールの受け取り方を選んでください。" in text(bad)
    session.expire_all()
    assert session.get(NotificationSettings, user).email_frequency == "daily"


def test_push_subscription_is_stored_for_the_logged_in_user(client, app, session):
    user = make_user(app)
    login(client)
    token = csrf_from(text(client.get("/notify/settings")))
    subscription = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "BNcR" + "A" * 83, "auth": "tBHI" * 4}}
    response = client.post("/notify/push", json=subscription, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    [row] = session.scalars(select(PushSubscription)).all()
    assert row.user_id == user and row.endpoint == "https://push.example/abc"
    bad = client.post("/notify/push", json={"endpoint": "ftp://x"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 400
    assert client.post("/notify/push", json=subscription).status_code == 400  # no CSRF token
    removed = client.post("/notify/push/remove", json={"endpoint": "https://push.example/abc"},
                          headers={"X-CSRFToken": token})
    assert removed.json["ok"] is True and session.scalars(select(PushSubscription)).all() == []


def test_settings_page_offers_the_vapid_key_to_push_js(client, app):
    make_user(app)
    login(client)
    html = text(client.get("/notify/settings"))
    assert 'data-key="B' in html and "js/push.js" in html and "data-push-enable" in html


def _token(app, user_id: int) -> str:
    with app.app_context():
        from portal.db import get_session

        return unsubscribe_token(app.config["SECRET_KEY"], get_session().get(User, user_id))


def test_unsubscribe_link_works_without_login(client, app, session):
    user = make_user(app)
    token = _token(app, user)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "配信を停止する" in text(page)
    done = submit(client, f"/unsubscribe/{token}", {})
    assert done.status_code == 200 and "配信を止めました" in text(done)
    assert session.get(NotificationSettings, user).email_frequency == "none"


def test_one_click_post_from_a_mail_client_needs_no_csrf_token(client, app, session):
    user = make_user(app)
    response = client.post(f"/unsubscribe/{_token(app, user)}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert session.get(NotificationSettings, user).email_frequency == "none"


def test_a_tampered_unsubscribe_link_is_refused(client, app, session):
    user = make_user(app)
    make_user(app, "victim@example.jp")
    token = _token(app, user)
    forged = token.replace(token.split(".")[0], "eyJ1IjoyfQ")  # {"u":2} with the first user's signature
    assert client.get(f"/unsubscribe/{forged}").status_code == 400
    assert client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert client.get("/unsubscribe/garbage").status_code == 400
    assert session.scalars(select(NotificationSettings)).all() == []
