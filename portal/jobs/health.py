"""Is background work getting done? `queue_health`, and `queue_check` for `/readyz` (`portal.health`).

The queue is stuck when the oldest job that is due has waited longer than `JOBS_STUCK_SECONDS`, when
no worker has been seen for `JOBS_WORKER_LOST_SECONDS` (a queue nobody reads), or when the queue's
storage does not answer. In immediate mode there is no queue and no worker to wait for. The check
reads two aggregates and pings the queue, so a load balancer may call `/readyz` every few seconds.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import clock
from portal.db import get_db
from portal.health import CheckFailed
from portal.models import Job, JobState, JobWorker


def _seconds(later, earlier) -> float | None:
    return None if earlier is None else round((later - earlier).total_seconds(), 1)


def queue_health(app: Flask) -> tuple[bool, dict]:
    """(ok, details): the queue's backend, waiting and failed jobs, and how long since a worker was seen."""
    from portal.jobs.queue import queue_of

    queue = queue_of(app)
    now = clock.now()
    config = app.config
    with Session(get_db(app).engine) as session:
        oldest = session.scalar(select(func.min(Job.run_after)).where(Job.state == JobState.PENDING,
                                                                     Job.run_after <= now))
        waiting = session.scalar(select(func.count(Job.id)).where(Job.state == JobState.PENDING,
                                                                 Job.run_after <= now))
        seen = session.scalar(select(func.max(JobWorker.seen_at)))
        failed = session.scalar(select(func.count(Job.id)).where(Job.state == JobState.FAILED))
    details: dict = {"backend": queue.backend, "waiting": waiting, "failed": failed,
                     "oldest_waiting_seconds": _seconds(now, oldest), "worker_last_seen_seconds": _seconds(now, seen)}
    problems = []
    if queue.immediate:
        details["note"] = "immediate: jobs run in the process that asks for them"
    else:
        try:
            details["in_queue"] = queue.huey.pending_count()
        except Exception as error:  # noqa: BLE001 — any failure of the storage is the finding
            problems.append(f"queue storage unreachable: {type(error).__name__}")
        if details["oldest_waiting_seconds"] is not None and details["oldest_waiting_seconds"] > config["JOBS_STUCK_SECONDS"]:
            problems.append("the oldest waiting job has waited too long")
        last_seen = details["worker_last_seen_seconds"]
        if last_seen is None or last_seen > config["JOBS_WORKER_LOST_SECONDS"]:
            problems.append("no worker seen recently")
    if problems:
        details["problems"] = problems
    return not problems, details


class QueueStuck(CheckFailed):
    """The queue check of `/readyz` failed; the message lists the problems."""


def queue_check(app: Flask) -> dict:
    """`queue_health` as a check of the `/readyz` registry (`portal.health`): its details when the queue
    works, `QueueStuck` naming every problem when it does not."""
    ok, details = queue_health(app)
    if not ok:
        raise QueueStuck("; ".join(details["problems"]), details)
    return details
