"""The ledger's operations: ask for a job, claim it, finish or reschedule it, sweep up what was lost.

Every step is one statement that the database decides atomically, on PostgreSQL and SQLite alike:
a job is inserted with `ON CONFLICT (key) DO NOTHING` (asking twice makes one job), claimed with
`UPDATE … WHERE state = 'pending'` (of two workers handed the same id, one gets it), and finished
only by the worker that holds it. A job is handed to the queue after the transaction that asked for it
commits (`after_commit` below), so a worker never looks for a row that is not there yet, and a
rolled-back request leaves no job behind. What the queue loses — a worker killed after taking a
message, a Redis restart, a web process that died between commit and hand-over — is still in the
ledger, and `sweep` hands it over again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, event, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal import clock
from portal.jobs.registry import TASKS, TaskSpec
from portal.models import Job, JobState, JobWorker

PENDING_KEY = "portal.jobs.dispatch"


class UnknownTask(ValueError):
    pass


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def enqueue(session: Session, name: str, *, key: str | None = None, run_after: datetime | None = None,
            **payload) -> int | None:
    """Asks for the task `name` with `payload` (JSON values) in the session's transaction; the job goes
    to the queue when that transaction commits. Returns the job's id, or None when a job with this
    `key` exists already (the same work was asked for before)."""
    spec = TASKS.get(name)
    if spec is None:
        raise UnknownTask(f"no job task is named {name!r}")
    json.dumps(payload)  # fail here, in the caller, rather than in a worker
    now = clock.now()
    values = {"name": name, "key": key or f"{name}:{secrets.token_hex(12)}", "payload": payload,
              "state": JobState.PENDING, "attempts": 0, "max_attempts": spec.max_attempts,
              "run_after": run_after or now, "created_at": now, "enqueued_at": now}
    statement = (_insert(session)(Job).values(**values).on_conflict_do_nothing(index_elements=["key"])
                 .returning(Job.id))
    job_id = session.connection().execute(statement).scalar()
    if job_id is None:
        return None
    app = session.info.get("app")
    session.info.setdefault(PENDING_KEY, []).append((app, job_id, values["run_after"]))
    return job_id


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    waiting = session.info.pop(PENDING_KEY, None)
    if waiting:
        from portal.jobs.queue import dispatch

        for app, job_id, run_after in waiting:
            dispatch(app, job_id, run_after)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


@dataclass(frozen=True)
class Claimed:
    id: int
    name: str
    payload: dict
    attempts: int
    max_attempts: int


def claim(session: Session, job_id: int, worker: str, lease: float) -> Claimed | None:
    """Takes the job for `worker` if it is waiting and due; None when another worker has it, it is
    done, or not due yet. Committed at once, so the claim holds whatever the job does next."""
    now = clock.now()
    row = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.PENDING, Job.run_after <= now)
        .values(state=JobState.RUNNING, worker=worker, attempts=Job.attempts + 1, started_at=now,
                lease_until=now + timedelta(seconds=lease), error=None)
        .returning(Job.id, Job.name, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)).first()
    session.commit()
    return Claimed(*row) if row is not None else None


def complete(session: Session, job_id: int, worker: str) -> bool:
    """Marks the job done (and forgets its payload: a sent mail need not be kept)."""
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == JobState.RUNNING)
        .values(state=JobState.DONE, finished_at=clock.now(), lease_until=None, payload={})
        .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def reschedule(session: Session, job: Claimed, spec: TaskSpec | None, worker: str, error: str) -> datetime | None:
    """After a failure: waits and tries again while attempts are left (returns when), else gives up."""
    now = clock.now()
    retry = spec is not None and job.attempts < job.max_attempts
    values = {"worker": None, "lease_until": None, "error": error[:2000]}
    if retry:
        values.update(state=JobState.PENDING, run_after=now + spec.delay_after(job.attempts), enqueued_at=now)
    else:
        values.update(state=JobState.FAILED, finished_at=now)
    session.execute(update(Job).where(Job.id == job.id, Job.worker == worker).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()
    return values["run_after"] if retry else None


def renew(session: Session, worker: str, lease: float) -> None:
    """The heartbeat: this worker is alive, and so are its leases."""
    now = clock.now()
    session.execute(update(JobWorker).where(JobWorker.id == worker).values(seen_at=now))
    session.execute(update(Job).where(Job.worker == worker, Job.state == JobState.RUNNING)
                    .values(lease_until=now + timedelta(seconds=lease)).execution_options(synchronize_session=False))
    session.commit()


@dataclass(frozen=True)
class Swept:
    released: list[int]
    """Jobs whose worker stopped (lease expired) while running them, now waiting again."""
    given_up: list[int]
    """Such jobs that had no attempt left."""
    requeued: list[tuple[int, datetime]]
    """Waiting, due jobs that were handed to the queue long ago and are handed over again."""


def sweep(session: Session, requeue_after: float) -> Swept:
    """Finds the work a killed worker or a lost queue message left behind; the caller dispatches
    `requeued` after this commits. A job handed over twice is harmless: the second claim fails."""
    now = clock.now()
    expired = list(session.execute(select(Job.id, Job.attempts, Job.max_attempts).where(
        Job.state == JobState.RUNNING, Job.lease_until < now)))
    released = [row.id for row in expired if row.attempts < row.max_attempts]
    given_up = [row.id for row in expired if row.attempts >= row.max_attempts]
    lost = "the worker stopped while running this job (its lease expired)"
    if released:
        session.execute(update(Job).where(Job.id.in_(released), Job.state == JobState.RUNNING, Job.lease_until < now)
                        .values(state=JobState.PENDING, worker=None, lease_until=None, run_after=now, error=lost)
                        .execution_options(synchronize_session=False))
    if given_up:
        session.execute(update(Job).where(Job.id.in_(given_up), Job.state == JobState.RUNNING, Job.lease_until < now)
                        .values(state=JobState.FAILED, worker=None, lease_until=None, finished_at=now, error=lost)
                        .execution_options(synchronize_session=False))
    stale = now - timedelta(seconds=requeue_after)
    waiting = list(session.execute(select(Job.id, Job.run_after).where(
        Job.state == JobState.PENDING, Job.run_after <= now,
        or_(Job.enqueued_at.is_(None), Job.enqueued_at < stale, Job.id.in_(released or [-1]))).order_by(Job.id)))
    if waiting:
        session.execute(update(Job).where(Job.id.in_([row.id for row in waiting])).values(enqueued_at=now)
                        .execution_options(synchronize_session=False))
    session.commit()
    return Swept(released, given_up, [(row.id, row.run_after) for row in waiting])


def purge_finished(session: Session, done_days: int = 7, failed_days: int = 30) -> int:
    """Deletes old finished jobs (their keys have done their work) and workers long gone."""
    now = clock.now()
    removed = session.execute(delete(Job).where(or_(
        (Job.state == JobState.DONE) & (Job.finished_at < now - timedelta(days=done_days)),
        (Job.state == JobState.FAILED) & (Job.finished_at < now - timedelta(days=failed_days))))).rowcount
    session.execute(delete(JobWorker).where(JobWorker.seen_at < now - timedelta(days=1)))
    return removed


def find(session: Session, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.key == key))
