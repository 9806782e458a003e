"""Alert matching: saved searches (the navi's own semantics), deadlines 7 days and 1 day ahead,
and that a run repeated finds nothing new."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock
from portal.clock import today
from tests.factories import add_supports, support_record
from tests.unit.notify.helpers import (
    add_user,
    notifications,
    run,
    save_search,
    save_support,
)

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def test_a_new_measure_matching_a_saved_search_becomes_one_inbox_item(app, session):
    user = add_user(session, "hanako@example.jp")
    save_search(session, user, "purpose=1&prefecture=13")
    match, nationwide, _other_pref, _other_purpose = add_supports(
        session,
        support_record("東京都の創業助成事業", purpose=[1], prefecture=["13"]),
        support_record("全国の創業支援", purpose=[1]),
        support_record("大阪府の創業支援", purpose=[1], prefecture=["27"]),
        support_record("東京都の省エネ補助", purpose=[5], prefecture=["13"]),
    )
    report = run(app)
    items = notifications(session, user)
    assert {n.support_id for n in items} == {match, nationwide}  # 全国 measures match a prefecture, as in the navi
    assert all(n.kind == "search" and "東京の創業支援" in n.body for n in items)
    assert report.alerts == 2 and report.users == 1
    assert items[0].url.startswith("/supports/")

    again = run(app)
    assert again.alerts == 0 and len(notifications(session, user)) == 2


def test_saved_search_text_matches_like_the_navi(app, session):
    user = add_user(session, "text@example.jp")
    save_search(session, user, "q=事業承継", name="承継")
    hit, _miss = add_supports(session, support_record("事業承継・引継ぎ補助金"), support_record("IT導入補助金"))
    run(app)
    assert [n.support_id for n in notifications(session, user)] == [hit]


def test_measures_from_before_the_search_was_saved_are_not_alerted(app, session):
    [old] = add_supports(session, support_record("以前からある創業支援", purpose=[1]))
    user = add_user(session, "late@example.jp")
    save_search(session, user, "purpose=1", ago=timedelta(0))
    run(app)
    assert notifications(session, user) == []
    assert old


def test_a_changed_measure_is_told_again_but_an_unchanged_one_is_not(app, session, clock):
    user = add_user(session, "change@example.jp")
    save_search(session, user, "purpose=2")
    [support] = add_supports(session, support_record("販路開拓の補助金", purpose=[2], source_id="x1"))
    run(app)
    clock.advance(hours=1)
    add_supports(session, support_record("販路開拓の補助金", purpose=[2], source_id="x1"))  # same content
    assert run(app).alerts == 0
    clock.advance(hours=1)
    add_supports(session, support_record("販路開拓の補助金（第2回）", purpose=[2], source_id="x1"))
    assert run(app).alerts == 1
    assert [n.support_id for n in notifications(session, user)] == [support, support]


def test_one_users_search_never_alerts_another_user(app, session):
    owner = add_user(session, "owner@example.jp")
    other = add_user(session, "other@example.jp")
    save_search(session, owner, "purpose=3")
    add_supports(session, support_record("資金繰りの融資", purpose=[3]))
    run(app)
    assert len(notifications(session, owner)) == 1
    assert notifications(session, other) == []


def test_an_unparseable_saved_search_is_skipped_not_fatal(app, session):
    user = add_user(session, "broken@example.jp")
    save_search(session, user, "purpose=abc")
    add_supports(session, support_record("何かの補助金", purpose=[1]))
    assert run(app).alerts == 0


def test_deadline_reminders_seven_days_and_one_day_before(app, session):
    user = add_user(session, "deadline@example.jp")
    day = today()
    week, tomorrow, later, closed = add_supports(
        session,
        support_record("1週間後に締切", reception_end=day + timedelta(days=7)),
        support_record("明日締切", reception_end=day + timedelta(days=1)),
        support_record("まだ先の締切", reception_end=day + timedelta(days=20)),
        support_record("締切済み", reception_end=day - timedelta(days=1)),
    )
    for support in (week, tomorrow, later, closed):
        save_support(session, user, support)
    run(app)
    items = {n.support_id: n for n in notifications(session, user)}
    assert set(items) == {week, tomorrow}
    assert items[week].key.endswith(":7") and "あと7日" in items[week].body
    assert items[tomorrow].key.endswith(":1") and "あと1日" in items[tomorrow].body
    assert all(n.kind == "deadline" for n in items.values())
    assert run(app).alerts == 0


def test_the_one_day_reminder_follows_the_seven_day_one(app, session):
    user = add_user(session, "twice@example.jp")
    day = today()
    [support] = add_supports(session, support_record("もうすぐ締切", reception_end=day + timedelta(days=7)))
    save_support(session, user, support)
    run(app)
    run(app, clock.now() + timedelta(days=6))
    keys = [n.key for n in notifications(session, user)]
    assert [k.rsplit(":", 1)[1] for k in keys] == ["7", "1"]


def test_the_reminder_on_the_deadline_day_reads_as_japanese(app, session):
    user = add_user(session, "today@example.jp")
    day = today()
    week, today_id = add_supports(session, support_record("来週締切", reception_end=day + timedelta(days=7)),
                                  support_record("今日締切", reception_end=day))
    save_support(session, user, week)
    save_support(session, user, today_id)
    run(app)
    items = {n.support_id: n for n in notifications(session, user)}
    assert items[today_id].body.startswith("マイリストに保存した支援制度は本日が締切です（")
    assert "支援制度の本日" not in items[today_id].body
    assert items[week].body.startswith("マイリストに保存した支援制度の締切まであと7日です（")
