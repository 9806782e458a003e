"""Loaded by every Python process of `make test`'s runs under libfaketime (PYTHONPATH points here).

libfaketime intercepts clock_nanosleep, and Python 3.11's `time.sleep` then fails with EINVAL even
with FAKETIME_DONT_FAKE_MONOTONIC=1. A sleep on `select` waits the same time and is not intercepted.
Nothing else is changed: the point of these runs is to see the portal at another instant.
"""

import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


time.sleep = _sleep
