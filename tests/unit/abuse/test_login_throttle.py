"""Failed log-ins per e-mail address, kept in the database, with growing delays."""

from __future__ import annotations

import pytest

from portal.abuse import login_throttle
from portal.abuse.login_throttle import begin_attempt, clear, delay_after, wait_text

pytestmark = pytest.mark.usefixtures("clock")


def test_the_delay_starts_after_the_free_attempts_and_doubles_up_to_the_cap():
    delays = [delay_after(n, free=5, base=30, longest=900) for n in range(1, 12)]
    assert delays == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]


def test_failures_hold_the_address_back_and_the_wait_grows(app, session, clock):
    with app.app_context():
        assert [begin_attempt(session, "Taro@Example.jp ") for _ in range(5)] == [None] * 5  # the fifth sets 30 s
        assert begin_attempt(session, "taro@example.jp") == 30  # the same address, however it is typed
        clock.advance(seconds=29)
        assert begin_attempt(session, "taro@example.jp") == 1
        clock.advance(seconds=1)
        assert begin_attempt(session, "taro@example.jp") is None  # the sixth failure: 60 s now
        assert begin_attempt(session, "taro@example.jp") == 60
        assert begin_attempt(session, "hanako@example.jp") is None  # other addresses are not held back


def test_a_success_or_a_quiet_day_starts_the_count_again(app, session, clock):
    with app.app_context():
        for _ in range(5):
            begin_attempt(session, "taro@example.jp")
        clear(session, "taro@example.jp")
        session.commit()
        assert [begin_attempt(session, "taro@example.jp") for _ in range(5)] == [None] * 5
        clock.advance(hours=25)
        assert [begin_attempt(session, "taro@example.jp") for _ in range(5)] == [None] * 5


def test_the_wait_is_said_in_seconds_or_minutes():
    assert wait_text(30) == "30秒" and wait_text(60) == "約1分" and wait_text(61) == "約2分"
    assert login_throttle.wait_text(900) == "約15分"
