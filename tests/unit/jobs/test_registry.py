"""The slots' schedules are cron lines read in Japan time, and a late tick keeps its minute."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal import jobs
from portal.clock import JST
from portal.jobs import registry

jobs.load_tasks()


def test_a_daily_slot_matches_its_japanese_hour_whatever_the_utc_hour():
    purge = registry.cron("15 3 * * *")
    assert purge(datetime(2026, 12, 5, 3, 15, tzinfo=JST))
    assert purge(datetime(2026, 12, 4, 18, 15, tzinfo=UTC))  # the same instant
    assert not purge(datetime(2026, 12, 5, 3, 15, tzinfo=UTC))


def test_a_tick_run_late_gets_the_key_of_the_minute_it_was_scheduled_for():
    now = datetime(2026, 12, 5, 10, 7, 42, tzinfo=JST)
    assert registry.last_tick("0 * * * *", now) == datetime(2026, 12, 5, 10, 0, tzinfo=JST)
    assert registry.last_tick("* * * * *", now) == datetime(2026, 12, 5, 10, 7, tzinfo=JST)
    assert registry.last_tick("40 2 * * 1", now) == datetime(2026, 11, 30, 2, 40, tzinfo=JST)  # last Monday


def test_operators_change_or_turn_off_a_slot_and_mistakes_are_refused():
    lines = registry.schedule({"publishing": "*/5 * * * *", "rollups": "off"})
    assert lines["publishing"] == "*/5 * * * *" and lines["rollups"] == "off" and lines["notify"] == "0 * * * *"
    with pytest.raises(ValueError, match="unknown slot"):
        registry.schedule({"nightly": "0 0 * * *"})
    with pytest.raises(ValueError):
        registry.schedule({"notify": "every hour"})


def test_todays_periodic_work_is_in_its_slots_and_later_features_have_theirs():
    assert registry.PERIODIC["notify"] == ["notify.run"]
    assert registry.PERIODIC["sync"] == ["linking.sync_due"]
    assert {"events.purge", "jobs.purge_finished"} <= set(registry.PERIODIC["purge"])
    assert {"reminders", "publishing", "rollups"} <= set(jobs.SLOTS)
    with pytest.raises(ValueError, match="unknown slot"):
        jobs.periodic("hourly")


def test_two_handlers_cannot_take_one_task_name():
    with pytest.raises(ValueError, match="exists already"):
        jobs.task("mail.deliver")(lambda session: None)
