"""Fixed-window counters in the database (registrations per address, mails per address)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.abuse.counters import hit
from portal.models import LimitCounter

pytestmark = pytest.mark.usefixtures("clock")


def test_a_limit_lets_n_through_per_window_and_keeps_keys_apart(app, session, clock):
    clock.set_jst(2027, 3, 1, 10, 0)
    with app.app_context():
        assert [hit(session, "register-from", "192.0.2.1", "3 per hour") for _ in range(4)] == [True] * 3 + [False]
        assert hit(session, "register-from", "192.0.2.2", "3 per hour")
        assert hit(session, "mail-to", "192.0.2.1", "3 per hour")  # another kind of action
        clock.advance(hours=1)
        assert hit(session, "register-from", "192.0.2.1", "3 per hour")
        session.commit()


def test_several_limits_all_hold(app, session, clock):
    clock.set_jst(2027, 3, 1, 10, 0)
    with app.app_context():
        limit = "2 per minute;3 per hour"
        assert [hit(session, "k", "x", limit) for _ in range(3)] == [True, True, False]
        clock.advance(minutes=1)
        assert [hit(session, "k", "x", limit) for _ in range(2)] == [True, False]  # the hour is full


def test_keys_are_stored_hashed_and_old_windows_are_dropped(app, session, clock):
    clock.set_jst(2027, 3, 1, 10, 0)
    with app.app_context():
        hit(session, "mail-to", "taro@example.jp", "5 per hour")
        session.commit()
        assert all("taro" not in row.key_hash for row in session.scalars(select(LimitCounter)))
        clock.advance(days=2)
        hit(session, "mail-to", "hanako@example.jp", "5 per hour")
        session.commit()
        assert session.scalar(select(func.count()).select_from(LimitCounter)) == 1
