"""The e-mail digest over real SMTP: daily vs weekly timing, nothing when nothing is new, content,
and the one-click unsubscribe headers (RFC 8058).

Every test runs on the pinned clock (`clock`): it starts at whatever instant the run begins (under
`make test`'s libfaketime runs, 06:59 and 07:00 JST among them) and reckons the digest hours from
it, so no expectation depends on the hour the suite happens to run at."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal import clock
from portal.models import Notification
from portal.notify.digest import period_key
from portal.ui import JST
from tests.factories import add_supports, support_record
from tests.unit.notify.helpers import add_user, notifications, run, save_search

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def upcoming(weekday: int, hour: int) -> datetime:
    """The next moment, at least a day after the pinned now, that is `weekday` (0 = Monday) at
    `hour`:00 in Japan."""
    local = clock.now_jst().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    while local.weekday() != weekday:
        local += timedelta(days=1)
    return local.replace(hour=hour)


@pytest.fixture
def alerting(app, session):
    """A measure that matches the saved searches made with `subscriber`."""
    app.config["NOTIFY_LOOKBACK_DAYS"] = 21

    def subscriber(email: str, frequency: str | None) -> int:
        user = add_user(session, email, frequency)
        save_search(session, user, "purpose=4", name="設備投資")
        return user

    return subscriber


def test_period_keys():
    monday_8 = datetime(2026, 3, 9, 8, 0, tzinfo=JST)
    assert period_key("daily", monday_8, 7, 0) == "daily:2026-03-09"
    assert period_key("weekly", monday_8, 7, 0) == "weekly:2026-W11"
    assert period_key("weekly", monday_8 + timedelta(days=1), 7, 0) is None
    assert period_key("daily", monday_8.replace(hour=6), 7, 0) is None
    assert period_key("none", monday_8, 7, 0) is None


def test_daily_digest_is_sent_once_a_day_with_the_new_items(app, session, mailbox, alerting):
    user = alerting("daily@example.jp", "daily")
    [support] = add_supports(session, support_record("省力化設備の導入補助金 <特別枠>", purpose=[4],
                                                     summary="人手不足に悩む事業者の設備投資を支援"))
    when = upcoming(2, 8)
    report = run(app, when)
    assert report.digest.sent == 1
    [message] = mailbox.to("daily@example.jp")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "本日のお知らせ 1件" in message["Subject"]
    assert "省力化設備の導入補助金 <特別枠>" in body and "保存した検索条件「設備投資」" in body
    assert f"http://portal.test/supports/{support}" in body
    assert "http://portal.test/unsubscribe/" in body and "http://portal.test/notify/settings" in body
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://portal.test/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(n.digest_id is not None for n in notifications(session, user))

    mailbox.clear()
    assert run(app, when + timedelta(hours=2)).digest.sent == 0  # same day: already sent
    add_supports(session, support_record("別の設備投資支援", purpose=[4]))
    assert run(app, when + timedelta(hours=3)).digest.sent == 0  # a new item waits for tomorrow
    assert run(app, when + timedelta(days=1)).digest.sent == 1
    [second] = mailbox.to("daily@example.jp")
    assert "別の設備投資支援" in second.get_body(preferencelist=("plain",)).get_content()
    assert "省力化設備" not in second.get_body(preferencelist=("plain",)).get_content()


def test_no_digest_before_the_hour(app, session, mailbox, alerting):
    alerting("early@example.jp", "daily")
    add_supports(session, support_record("早朝の補助金", purpose=[4]))
    assert run(app, upcoming(3, 5)).digest.sent == 0
    assert mailbox.to("early@example.jp") == []


def test_weekly_digest_waits_for_monday(app, session, mailbox, alerting):
    alerting("weekly@example.jp", "weekly")
    add_supports(session, support_record("週ごとの補助金", purpose=[4]))
    tuesday = upcoming(1, 9)
    assert run(app, tuesday).digest.sent == 0
    assert mailbox.to("weekly@example.jp") == []
    assert run(app, tuesday + timedelta(days=6)).digest.sent == 1  # the Monday after
    [message] = mailbox.to("weekly@example.jp")
    assert "今週のお知らせ 1件" in message["Subject"]


def test_users_without_settings_get_the_weekly_default(app, session, mailbox, alerting):
    alerting("default@example.jp", None)
    add_supports(session, support_record("既定の補助金", purpose=[4]))
    friday = upcoming(4, 9)
    assert run(app, friday).digest.sent == 0
    assert run(app, friday + timedelta(days=3)).digest.sent == 1


def test_nothing_new_sends_nothing_and_none_means_no_mail(app, session, mailbox, alerting):
    alerting("quiet@example.jp", "daily")
    alerting("none@example.jp", "none")
    assert run(app, upcoming(2, 8)).digest.sent == 0  # nothing matched yet
    add_supports(session, support_record("静かな補助金", purpose=[4]))
    run(app, upcoming(2, 8))
    assert len(mailbox.to("quiet@example.jp")) == 1
    assert mailbox.to("none@example.jp") == []


def test_items_read_in_the_inbox_before_the_digest_hour_are_left_out(app, session, mailbox, alerting):
    reader = alerting("reader@example.jp", "daily")
    alerting("unread@example.jp", "daily")
    add_supports(session, support_record("読んだ補助金", purpose=[4]))
    wednesday_8 = upcoming(2, 8)
    run(app, wednesday_8 - timedelta(hours=2))  # stored at 06:00, before the 07:00 digest hour
    assert mailbox.messages == []
    session.expire_all()
    for item in notifications(session, reader):
        session.get(Notification, item.id).read_at = wednesday_8 - timedelta(hours=1)
    session.commit()
    assert run(app, wednesday_8).digest.sent == 1
    assert mailbox.to("reader@example.jp") == []
    assert len(mailbox.to("unread@example.jp")) == 1


def test_links_in_the_digest_follow_the_configured_public_url(app, session, mailbox, alerting):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:18101"  # what `make run PORT=18101` sets
    alerting("port@example.jp", "daily")
    [support] = add_supports(session, support_record("港の補助金", purpose=[4]))
    assert run(app, upcoming(2, 8)).digest.sent == 1
    [message] = mailbox.to("port@example.jp")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"http://127.0.0.1:18101/supports/{support}" in body
    assert "http://127.0.0.1:18101/unsubscribe/" in body and "portal.test" not in body
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:18101/unsubscribe/")
