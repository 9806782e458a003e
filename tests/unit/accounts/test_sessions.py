"""Server-side sessions: how long one holds when unused, and what a cookie value must look like."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.accounts import sessions
from tests.business_factories import make_account

pytestmark = pytest.mark.usefixtures("clock")
LIFETIMES = sessions.Lifetimes(session=timedelta(days=14), remembered=timedelta(days=365))


def test_an_unused_session_lapses_after_its_lifetime_and_a_remembered_one_later(app, session, clock):
    user = make_account(session)
    plain_row, plain = sessions.start(session, user, remember=False, method="password", user_agent="", ip=None)
    _row, remembered = sessions.start(session, user, remember=True, method="password", user_agent="", ip=None)
    session.commit()
    clock.advance(days=13)
    assert sessions.resolve(session, plain, LIFETIMES) is not None
    assert sessions.touch(session, plain_row, timedelta(minutes=5)) is True
    assert sessions.touch(session, plain_row, timedelta(minutes=5)) is False  # at most once per five minutes
    session.commit()
    clock.advance(days=13)
    assert sessions.resolve(session, plain, LIFETIMES) is not None  # last seen 13 days ago
    clock.advance(days=2)
    assert sessions.resolve(session, plain, LIFETIMES) is None
    assert sessions.resolve(session, remembered, LIFETIMES) is not None
    assert [row.remember for row in sessions.open_sessions(session, user, LIFETIMES)] == [True]


@pytest.mark.parametrize("value", ["", "12", "12:", ":key", "x:key", "1" * 11 + ":key", "1:" + "k" * 101])
def test_a_malformed_cookie_value_opens_nothing(app, session, value):
    assert sessions.resolve(session, value, LIFETIMES) is None


def test_ending_sessions_counts_what_it_ended(app, session):
    user = make_account(session)
    rows = [sessions.start(session, user, remember=False, method="password", user_agent="", ip=None)[0]
            for _ in range(3)]
    assert sessions.end_others(session, user, keep=rows[0].id, reason="password_changed") == 2
    assert sessions.end_others(session, user, keep=rows[0].id, reason="password_changed") == 0
    session.commit()
    assert [row.id for row in sessions.open_sessions(session, user, LIFETIMES)] == [rows[0].id]


def test_old_ended_sessions_are_dropped_when_the_account_logs_in_again(app, session, clock):
    from sqlalchemy import select

    from portal.models import LoginSession

    user = make_account(session)
    first, _value = sessions.start(session, user, remember=False, method="password", user_agent="", ip=None)
    sessions.end_others(session, user, keep=None, reason="logout")
    session.commit()
    clock.advance(days=31)
    sessions.start(session, user, remember=False, method="password", user_agent="", ip=None)
    session.commit()
    [kept] = session.scalars(select(LoginSession)).all()
    assert kept.ended_at is None and kept is not first
