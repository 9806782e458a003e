"""The event writer and the log's housekeeping: batching, the purge, the log-in merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db import get_db
from portal.events import merge_visitor, purge_expired, recent_items
from portal.events.writer import EventWriter
from portal.models import Event
from tests.business_factories import make_account

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def row(kind="view", item=("support", 1), user_id=None, visitor="v" * 32, at=None):
    return {"at": at or clock.now(), "user_id": user_id, "visitor": visitor, "kind": kind, "item_type": item[0],
            "item_id": item[1], "detail": None}


def count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Event.id)))


def test_events_wait_for_a_full_batch_and_are_written_in_one_go(app, session):
    writer = EventWriter(get_db(app).engine, batch_size=3, max_age=3600)
    writer.add([row(), row()])
    assert count(session) == 0 and len(writer) == 2
    writer.add([row()])
    assert count(session) == 3 and len(writer) == 0


def test_old_events_are_written_even_when_the_batch_is_not_full(app, session):
    writer = EventWriter(get_db(app).engine, batch_size=100, max_age=0)
    writer.add([row()])
    assert count(session) == 1


def test_a_failed_write_drops_the_batch_and_never_raises(app, session, caplog):
    writer = EventWriter(get_db(app).engine, batch_size=1, max_age=0)
    writer.add([row(user_id=987654)])  # no such user: the foreign key refuses it
    assert count(session) == 0 and len(writer) == 0
    assert "could not write 1 usage events" in caplog.text


def test_the_purge_deletes_only_events_older_than_the_retention(app, session):
    now = clock.now()
    writer = EventWriter(get_db(app).engine, batch_size=1, max_age=0)
    writer.add([row(at=now - timedelta(days=200)), row(at=now - timedelta(days=179)), row(at=now)])
    assert purge_expired(session, 180, now=now) == 1
    session.commit()
    assert count(session) == 2


def test_the_purge_command_uses_the_configured_retention(app, session):
    app.config["EVENT_RETENTION_DAYS"] = 30
    writer = EventWriter(get_db(app).engine, batch_size=1, max_age=0)
    writer.add([row(at=clock.now() - timedelta(days=31)), row(at=clock.now() - timedelta(days=29))])
    result = app.test_cli_runner().invoke(args=["recommend", "purge", "--inline"])
    assert result.exit_code == 0 and "30日より古い閲覧記録を 1 件削除しました" in result.output
    assert count(session) == 1


def test_merging_gives_only_that_visitors_anonymous_events_to_the_account(app, session):
    alice, bob = make_account(session), make_account(session)
    writer = EventWriter(get_db(app).engine, batch_size=1, max_age=0)
    writer.add([row(visitor="a" * 32, item=("support", 1)), row(visitor="b" * 32, item=("case", 2)),
                row(visitor="a" * 32, user_id=bob.id, item=("support", 3))])
    assert merge_visitor(session, "a" * 32, alice.id) == 1
    session.commit()
    assert recent_items(session, user_id=alice.id) == [("support", 1)]
    assert recent_items(session, user_id=bob.id) == [("support", 3)]
    assert recent_items(session, visitor="b" * 32) == [("case", 2)]
    assert recent_items(session, visitor="a" * 32) == []  # all of its events now belong to accounts
