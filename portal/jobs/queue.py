"""The queue itself: Huey, with its storage chosen by `QUEUE_URL`, carrying job ids to the workers.

- empty (the default): Huey's SQLite storage in `instance/queue.sqlite3`, nothing to install;
- `redis://host:6379/0`: Redis; `postgresql://…`: PostgreSQL (Huey makes its `huey_*` tables);
- `immediate`: no queue — each job runs in the process that asked for it, right after the commit
  (the tests, and a small site that runs no worker).

Huey knows two tasks per application: `run_job(job_id)`, which runs a ledger job, and one periodic
task per slot, which asks the ledger for that slot's jobs. The minute sweep that re-queues lost work
is a periodic task too. `inline()` makes one block of code (a command with `--inline`) run the jobs
it asks for in-process, as the immediate mode does.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from huey import Huey, PostgresHuey, RedisHuey, crontab
from huey.storage import SqliteStorage

from portal import clock

log = logging.getLogger(__name__)
IMMEDIATE = "immediate"
_inline: contextvars.ContextVar[bool] = contextvars.ContextVar("portal_jobs_inline", default=False)


class QueueConfigError(ValueError):
    pass


class EmbeddedStorage(SqliteStorage):
    """Huey's SQLite storage with `synchronous=NORMAL` (WAL): no fsync per message. A power cut may
    lose the last messages, never corrupt the file — and what the queue loses, the ledger still has
    (the sweep hands it over again), so a queue message need not cost a disk flush."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def backend_of(url: str) -> str:
    if not url:
        return "sqlite"
    if url == IMMEDIATE:
        return IMMEDIATE
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme in {"redis", "rediss", "unix"}:
        return "redis"
    if scheme in {"postgresql", "postgres"}:
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    raise QueueConfigError(f"QUEUE_URL には redis://…、postgresql://…、sqlite:///… か immediate を指定してください（{scheme}: は使えません）。")


def make_huey(url: str, name: str, instance_path: str) -> Huey | None:
    backend = backend_of(url)
    if backend == IMMEDIATE:
        return None
    if backend == "redis":
        return RedisHuey(name, url=url, results=False)
    if backend == "postgresql":
        import psycopg

        dsn = "postgresql://" + url.split("://", 1)[1]
        try:
            return PostgresHuey(name, dsn=dsn, results=False)
        except psycopg.errors.UniqueViolation:  # two processes creating Huey's tables at the same moment
            return PostgresHuey(name, dsn=dsn, results=False)
    filename = url[len("sqlite:///"):] if url else str(Path(instance_path) / "queue.sqlite3")
    return Huey(name, storage_class=EmbeddedStorage, filename=filename, results=False)


@dataclass
class JobQueue:
    """One application's queue: its Huey (None in immediate mode) and the tasks registered on it."""

    app: Flask
    huey: Huey | None
    backend: str
    run_job: object = None
    inline_worker: str = field(default_factory=lambda: f"inline:{socket.gethostname()}:{os.getpid()}")

    @property
    def immediate(self) -> bool:
        return self.huey is None


def queue_of(app: Flask) -> JobQueue:
    return app.extensions["portal_jobs"]


def init_queue(app: Flask) -> JobQueue:
    from portal.jobs import registry, runner, sweeper

    config = app.config
    backend = backend_of(config["QUEUE_URL"])
    huey = make_huey(config["QUEUE_URL"], config["QUEUE_NAME"], app.instance_path)
    queue = JobQueue(app, huey, backend)
    app.extensions["portal_jobs"] = queue
    schedule = registry.schedule(config.get("JOBS_SCHEDULE") or {})
    if huey is None:
        return queue

    def run_job(job_id: int) -> None:
        runner.execute(app, job_id, runner.worker_id())

    queue.run_job = huey.task(name="run_job")(run_job)
    for slot, line in schedule.items():
        if line != registry.OFF:
            _add_slot(huey, app, slot, line)

    def sweep() -> None:
        sweeper.sweep_and_dispatch(app)

    huey.periodic_task(crontab(), name="sweep")(sweep)
    return queue


def _add_slot(huey: Huey, app: Flask, slot: str, line: str) -> None:
    from portal.jobs import registry, sweeper

    def tick() -> None:
        sweeper.tick(app, slot, line)

    huey.periodic_task(registry.huey_validator(line), name=f"slot_{slot}")(tick)


@contextmanager
def inline() -> Iterator[None]:
    """Within this block, jobs asked for run here after their commit instead of going to the queue."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def dispatch(app: Flask | None, job_id: int, run_after: datetime) -> None:
    """Hands a committed job to the queue, or runs it now (immediate mode, `inline()`). A hand-over
    that fails (Redis down) is only logged: the job waits in the ledger and the sweep retries."""
    from flask import current_app

    from portal.jobs import runner

    app = app or current_app._get_current_object()
    queue = queue_of(app)
    due = run_after <= clock.now() + timedelta(seconds=0.5)
    if queue.immediate or _inline.get():
        if due:
            runner.execute(app, job_id, queue.inline_worker)
        return  # a retry later: a worker, or `portal jobs sweep --inline`, picks it up when due
    try:
        if due:
            queue.run_job(job_id)
        else:
            queue.run_job.schedule(args=(job_id,), eta=run_after)
    except Exception as error:  # noqa: BLE001 — the ledger keeps the job; never fail the caller for this
        log.warning("job %s not handed to the queue (%s); the sweep will hand it over again", job_id, error)
