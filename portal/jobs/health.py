"""Is background work getting done? `queue_health` for the readiness check, and `/readyz` itself.

The queue is stuck when the oldest job that is due has waited longer than `JOBS_STUCK_SECONDS`, when
no worker has been seen for `JOBS_WORKER_LOST_SECONDS` (a queue nobody reads), or when the queue's
storage does not answer. In immediate mode there is no queue and no worker to wait for. `/readyz`
answers JSON with one entry per check and 503 when one fails; it reads two aggregates and pings the
queue, so a load balancer may call it every few seconds.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from portal import clock
from portal.db import get_db
from portal.models import Job, JobState, JobWorker

bp = Blueprint("readiness", __name__)


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


def database_health(app: Flask) -> tuple[bool, dict]:
    try:
        with get_db(app).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        return False, {"error": type(error).__name__}
    return True, {}


def search_health(app: Flask) -> tuple[bool, dict]:
    from portal.content.freshness import search_health as freshness

    return freshness(app)


CHECKS = {"database": database_health, "queue": queue_health, "search": search_health}


@bp.get("/readyz")
def readyz():
    """Readiness for load balancers and monitoring: JSON, 200 when every check passes, else 503."""
    app = current_app._get_current_object()
    checks = {}
    for name, check in CHECKS.items():
        try:
            ok, details = check(app)
        except Exception as error:  # noqa: BLE001 — a check that breaks is a failed check
            ok, details = False, {"error": type(error).__name__}
        checks[name] = {"ok": ok, **details}
    ready = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ok" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
