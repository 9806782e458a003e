"""The portal's one clock: every reading of "now" in `portal/` and `connectors/` comes from here.

`now()` is an aware UTC datetime (what the database stores), `today()` the date in Japan (every
deadline and call period of the portal is a Japanese date), `timestamp()` seconds since the epoch
(what JWTs and signed links carry). Keeping them in one module gives tests one thing to pin (the
`clock` fixture in tests/conftest.py moves it with time-machine) and makes a stray `datetime.now()`
easy to spot in review. Durations measured inside one process use `time.monotonic()`, which is not
a reading of the date and is left alone.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def now_jst() -> datetime:
    """The current instant as a Japanese wall-clock time."""
    return now().astimezone(JST)


def today() -> date:
    """Today's date in Japan, whatever the machine's time zone."""
    return now_jst().date()


def timestamp() -> float:
    """Seconds since the epoch, for JWT claims, signed links and token expiry."""
    return time.time()
