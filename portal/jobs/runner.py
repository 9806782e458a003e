"""Running one job: claim it, call its handler with a session of its own, finish or reschedule it.

The same code runs a job in a worker thread, in a command with `--inline` and, in immediate mode,
in the web process right after the request's commit. The handler gets a fresh `Session` (never the
request's scoped one, which the request is still using) and runs inside the application's context,
so `current_app` and templates work; it may commit as it goes (claims before sending) and whatever it
leaves uncommitted is committed when it returns, in one transaction with the job's `done`. An exception rolls that back and, while attempts
are left, schedules the job again after the task's back-off.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from contextlib import nullcontext

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from portal.db import get_db
from portal.jobs import ledger
from portal.jobs.registry import TASKS

log = logging.getLogger("portal.jobs")
_worker_id: str | None = None


def worker_id() -> str:
    """This process's name in the ledger: host, pid and a random part (pids are reused)."""
    global _worker_id
    if _worker_id is None or not _worker_id.startswith(f"{socket.gethostname()}:{os.getpid()}:"):
        _worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    return _worker_id


def _context(app: Flask):
    if has_app_context() and current_app._get_current_object() is app:
        return nullcontext()
    return app.app_context()


def lease_seconds(app: Flask) -> float:
    return float(app.config["JOBS_LEASE_SECONDS"])


def execute(app: Flask, job_id: int, worker: str) -> str | None:
    """Runs the job if this worker can claim it; returns its new state (None: not claimed)."""
    with _context(app), Session(get_db(app).engine, expire_on_commit=False) as session:
        session.info["app"] = app
        job = ledger.claim(session, job_id, worker, lease_seconds(app))
        if job is None:
            return None
        spec = TASKS.get(job.name)
        started = time.monotonic()
        try:
            if spec is None:
                raise ledger.UnknownTask(f"no job task is named {job.name!r} (was it renamed or removed?)")
            spec.handler(session, **job.payload)
            done = ledger.complete(session, job.id, worker)  # the handler's last writes and `done`, one commit
        except Exception as error:  # noqa: BLE001 — recorded on the job; the worker goes on
            session.rollback()
            log.exception("job %s %s failed (attempt %s of %s)", job.id, job.name, job.attempts, job.max_attempts)
            retry_at = ledger.reschedule(session, job, spec, worker, f"{type(error).__name__}: {error}")
            if retry_at is None:
                return "failed"
            from portal.jobs.queue import dispatch

            dispatch(app, job.id, retry_at)
            return "pending"
        if not done:  # the lease ran out and the sweep gave the job to another worker meanwhile
            log.warning("job %s %s finished after another worker took it over", job.id, job.name)
        log.info("job %s %s done in %.2fs", job.id, job.name, time.monotonic() - started)
        return "done"
