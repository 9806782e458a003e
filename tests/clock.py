"""The `clock` fixture: the portal's clock stopped at one instant for the length of a test.

time-machine moves `datetime.now`, `time.time` and their relatives for the whole process, so the
portal's `portal.clock`, itsdangerous, Fernet and Authlib all read the pinned instant. A test starts
at the moment it begins, or — when `make test` runs the time-sensitive tests again at chosen
instants (scripts/test-instants.sh sets `PORTAL_TEST_INSTANT`, and libfaketime moves the machine's
clock for everything unpinned) — exactly at that instant: a test whose outcome must not depend on
the hour takes the instant as it comes and reckons from `clock.now()`. A test that does depend on the hour, the
weekday or the month sets it with `clock.set_jst(...)` and says so in its name.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from portal import clock as portal_clock
from portal.clock import JST


class PinnedClock:
    """A handle on the stopped clock: read it, set it, move it forward."""

    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    def now(self) -> datetime:
        return portal_clock.now()

    def today(self) -> date:
        return portal_clock.today()

    def now_jst(self) -> datetime:
        return portal_clock.now_jst()

    def timestamp(self) -> float:
        return portal_clock.timestamp()

    def set(self, when: datetime) -> datetime:
        if when.tzinfo is None:
            raise ValueError("give the clock an aware datetime")
        self._traveller.move_to(when, tick=False)
        return self.now()

    def set_jst(self, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
        """Sets the clock to a Japanese wall-clock time and returns it (in UTC)."""
        return self.set(datetime(year, month, day, hour, minute, second, tzinfo=JST))

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self._traveller.shift(delta if delta is not None else timedelta(**parts))
        return self.now()


def starting_instant() -> datetime:
    forced = os.environ.get("PORTAL_TEST_INSTANT")
    return datetime.fromtimestamp(float(forced), UTC) if forced else datetime.now(UTC)


@pytest.fixture
def clock():
    with time_machine.travel(starting_instant(), tick=False) as traveller:
        yield PinnedClock(traveller)
