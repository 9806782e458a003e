"""What background work exists: one-off tasks and periodic slots, declared where each feature lives.

A feature declares a task with `@task("mail.deliver")` over a function `handler(session, **payload)`
and asks for it with `enqueue(session, "mail.deliver", to=…)`. A periodic function joins one of the
named slots with `@periodic("notify")`; at each tick of the slot's schedule every function in it runs
as a job of its own, once per tick however many schedulers are running (the tick is in the job's
key). Schedules are cron lines read in Japan time, and an operator can change or turn off any slot
with `JOBS_SCHEDULE` (`{"publishing": "*/5 * * * *", "rollups": "off"}`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from huey import crontab

from portal.clock import JST

#: slot → cron line (minute hour day month weekday, Japan time; weekday 0 = Sunday).
SLOTS: dict[str, str] = {
    "notify": "0 * * * *",  # `portal notify`: inbox items, pushes, digests (each sent once)
    "sync": "30 * * * *",  # `portal sync`: connections whose last sync is older than SYNC_INTERVAL_HOURS
    "purge": "15 3 * * *",  # `portal recommend purge` and finished jobs: data past its retention
    "reminders": "10 * * * *",  # reminders about things people asked for (e.g. 専門家派遣依頼)
    "publishing": "* * * * *",  # content scheduled to appear or disappear at a given minute
    "rollups": "40 2 * * *",  # statistics computed once a night
}
OFF = "off"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    handler: Callable[..., object]
    max_attempts: int
    retry_delay: float
    """Seconds before the second attempt; each further attempt waits twice as long (at most an hour)."""

    def delay_after(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(3600.0, self.retry_delay * 2 ** max(0, attempts - 1)))


TASKS: dict[str, TaskSpec] = {}
PERIODIC: dict[str, list[str]] = {slot: [] for slot in SLOTS}


def task(name: str, *, max_attempts: int = 5, retry_delay: float = 30.0):
    """Declares a one-off task: `handler(session, **payload)`. The handler must be safe to run again
    (a worker can be killed half-way); it commits its own work or leaves it to the runner's commit."""

    def register(handler: Callable[..., object]) -> Callable[..., object]:
        known = TASKS.get(name)
        if known is not None and known.handler is not handler:
            raise ValueError(f"a job task named {name!r} exists already ({known.handler.__module__})")
        TASKS[name] = TaskSpec(name, handler, max_attempts, retry_delay)
        return handler

    return register


def periodic(slot: str, *, name: str | None = None, max_attempts: int = 3):
    """Runs `handler(session)` at every tick of `slot` (one of `SLOTS`), as a job named `name`
    (default `module:function`)."""
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}; the slots are {', '.join(SLOTS)}")

    def register(handler: Callable[..., object]) -> Callable[..., object]:
        task_name = name or f"{handler.__module__}:{handler.__name__}"
        task(task_name, max_attempts=max_attempts, retry_delay=60.0)(handler)
        if task_name not in PERIODIC[slot]:
            PERIODIC[slot].append(task_name)
        return handler

    return register


def schedule(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The slots' cron lines with the operator's overrides; unknown slots or bad lines raise ValueError."""
    lines = dict(SLOTS)
    for slot, line in (overrides or {}).items():
        if slot not in SLOTS:
            raise ValueError(f"JOBS_SCHEDULE names an unknown slot {slot!r}; the slots are {', '.join(SLOTS)}")
        if line != OFF:
            cron(line)
        lines[slot] = line
    return lines


def cron(line: str) -> Callable[[datetime], bool]:
    """A test for aware datetimes: does this minute, read in Japan time, match the cron line?"""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"a schedule needs five fields (minute hour day month weekday): {line!r}")
    minute, hour, day, month, weekday = fields
    matches = crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, strict=True)
    return lambda when: matches(when.astimezone(JST).replace(tzinfo=None))


def huey_validator(line: str) -> Callable[[datetime], bool]:
    """The same test in the form Huey's scheduler calls it with: a naive UTC datetime."""
    matches = cron(line)
    return lambda naive_utc: matches(naive_utc.replace(tzinfo=UTC))


def last_tick(line: str, now: datetime, horizon: timedelta = timedelta(days=8)) -> datetime | None:
    """The latest minute at or before `now` that the schedule matches (None beyond `horizon`): a tick
    run late by a busy worker still gets the key of the minute it was scheduled for."""
    matches = cron(line)
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    earliest = minute - horizon
    while minute >= earliest:
        if matches(minute):
            return minute
        minute -= timedelta(minutes=1)
    return None
