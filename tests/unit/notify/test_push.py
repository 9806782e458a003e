"""Web Push delivered to a local push service: a valid VAPID JWT signed with the portal's key, a
payload that decrypts with the subscription's keys, one push per run, gone subscriptions removed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import clock
from portal.db import get_session
from portal.models import PushSubscription
from portal.notify.push import application_server_key, save_subscription
from tests.factories import add_supports, support_record
from tests.unit.notify.helpers import add_user, run, save_search
from tests.unit.notify.push_service import Browser, PushService, verify_vapid

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def subscribe(app, user_id: int, browser: Browser) -> None:
    with app.test_request_context():
        session = get_session()
        save_subscription(session, user_id, browser.subscription())
        session.commit()


def test_push_reaches_the_subscription_encrypted_and_signed(app, session):
    user = add_user(session, "push@example.jp", "none")
    save_search(session, user, "purpose=7", name="海外展開")
    with PushService() as service:
        browser = Browser(f"{service.url}/push/abc")
        subscribe(app, user, browser)
        [support] = add_supports(session, support_record("海外展開のための補助金", purpose=[7]))
        report = run(app)
        assert report.push.messages == 1
        [request] = service.received
        assert request.path == "/push/abc"
        assert request.headers["content-encoding"] == "aes128gcm"
        assert int(request.headers["ttl"]) > 0
        claims, key = verify_vapid(request.headers["authorization"])
        with app.app_context():
            assert key == application_server_key(app)
        assert claims["aud"] == service.url
        assert claims["sub"].startswith("mailto:")
        assert claims["exp"] > clock.timestamp()
        payload = browser.decrypt(request.body)
        assert payload["title"] == "海外展開のための補助金"
        assert payload["url"] == f"/supports/{support}"
        assert "海外展開" in payload["body"]

        assert run(app).push.messages == 0  # nothing new: nothing pushed again
        assert len(service.received) == 1


def test_several_new_alerts_make_one_summary_push(app, session):
    user = add_user(session, "many@example.jp", "none")
    save_search(session, user, "purpose=8")
    with PushService() as service:
        browser = Browser(f"{service.url}/push/many")
        subscribe(app, user, browser)
        add_supports(session, support_record("人材育成の助成金A", purpose=[8]),
                     support_record("人材育成の助成金B", purpose=[8]))
        run(app)
        [request] = service.received
        payload = browser.decrypt(request.body)
        assert payload["title"] == "新しいお知らせが2件あります" and payload["url"] == "/inbox"


def test_a_subscription_the_push_service_says_is_gone_is_deleted(app, session):
    user = add_user(session, "gone@example.jp", "none")
    save_search(session, user, "purpose=9")
    with PushService(gone={"/push/old"}) as service:
        subscribe(app, user, Browser(f"{service.url}/push/old"))
        add_supports(session, support_record("知的財産の支援", purpose=[9]))
        assert run(app).push.messages == 1  # queued, and the job found the subscription gone
        assert [r.path for r in service.received] == ["/push/old"]
    assert session.scalars(select(PushSubscription)).all() == []


def test_pushes_go_only_to_the_owners_subscriptions(app, session):
    owner = add_user(session, "owner-push@example.jp", "none")
    other = add_user(session, "other-push@example.jp", "none")
    save_search(session, owner, "purpose=10")
    with PushService() as service:
        subscribe(app, other, Browser(f"{service.url}/push/other"))
        add_supports(session, support_record("事業再生の支援", purpose=[10]))
        run(app)
        assert service.received == []
