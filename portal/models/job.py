"""The job ledger: every piece of background work as a database row, so none is lost with the queue.

Huey carries only a job's id; the row is the truth. It is inserted in the same transaction as the
change that asked for it (a registration and its confirmation mail commit together), claimed by one
worker at a time (`UPDATE … WHERE state = 'pending'`), held by a lease the worker's heartbeat renews,
and finished or rescheduled. `key` is unique, so asking twice for the same work (two schedulers, a
retried request) makes one job. `JobWorker` rows are the heartbeats: which workers are alive.
`SiteKey` holds keys every instance of a portal must share (the Web Push key pair, the stand-in
GビズID signing key), made once by whichever instance needs one first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class JobState:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),
                      Index("ix_jobs_worker", "worker"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)


class JobWorker(Base):
    """A running `portal worker`: its heartbeat (`seen_at`) renews the leases of the jobs it holds."""

    __tablename__ = "job_workers"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    scheduler: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)


class SiteKey(Base):
    """A key the whole portal shares, whichever machine serves the request."""

    __tablename__ = "site_keys"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
