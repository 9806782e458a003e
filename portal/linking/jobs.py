"""The jobs of 外部サービス連携: the hourly look for due syncs (slot sync), one sync, the first sync.

Each sync job names the state it was asked for in — the connection's last sync, or the consent it
follows — and does nothing when that has moved on, so a job run twice (a killed worker, two ticks)
syncs once. The first sync after linking is a job too: the page says 取得中 until it is done.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, jobs
from portal.jobs.ledger import find
from portal.linking.services import DEFAULT_SYNC_INTERVAL_HOURS, due_connections, run_sync
from portal.models import Connection, ConnectionState, JobState, SyncRun


def _stamp(when: datetime | None) -> str:
    return when.isoformat() if when is not None else "never"


@jobs.periodic("sync", name="linking.sync_due")
def sync_due(session: Session) -> None:
    """Asks for one `linking.sync` job per connection that is due."""
    interval = float(current_app.config.get("SYNC_INTERVAL_HOURS", DEFAULT_SYNC_INTERVAL_HOURS))
    for connection in due_connections(session, clock.now(), interval):
        after = _stamp(connection.last_sync_at)
        jobs.enqueue(session, "linking.sync", key=f"linking.sync:{connection.id}:{after}",
                     connection_id=connection.id, after=after)


@jobs.task("linking.sync", max_attempts=3)
def sync(session: Session, connection_id: int, after: str) -> None:
    connection = session.get(Connection, connection_id)
    if connection is None or connection.state is ConnectionState.UNLINKED:
        return
    if _stamp(connection.last_sync_at) != after:
        return  # synced since this job was asked for
    run_sync(session, current_app._get_current_object(), connection, clock.today())


def first_sync_key(connection: Connection) -> str:
    return f"linking.first_sync:{connection.id}:{_stamp(connection.consented_at)}"


def queue_first_sync(session: Session, connection: Connection) -> None:
    """Asks for the first sync after a consent, in the caller's transaction."""
    jobs.enqueue(session, "linking.first_sync", key=first_sync_key(connection), connection_id=connection.id,
                 consented=_stamp(connection.consented_at))


@jobs.task("linking.first_sync", max_attempts=3)
def first_sync(session: Session, connection_id: int, consented: str) -> None:
    connection = session.get(Connection, connection_id)
    if connection is None or connection.state is ConnectionState.UNLINKED:
        return
    if _stamp(connection.consented_at) != consented:
        return  # linked again since: that consent has its own job
    if connection.last_sync_at is not None and connection.last_sync_at >= connection.consented_at:
        return  # done already
    run_sync(session, current_app._get_current_object(), connection, clock.today())


def first_sync_state(session: Session, connection: Connection) -> tuple[str, SyncRun | None]:
    """("waiting" | "done" | "failed" | "none", the latest run) of the first sync after this consent."""
    job = find(session, first_sync_key(connection))
    latest = session.scalar(select(SyncRun).where(SyncRun.connection_id == connection.id)
                            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))
    if job is None:
        return "none", latest
    if job.state in (JobState.PENDING, JobState.RUNNING):
        return "waiting", latest
    return ("done" if job.state == JobState.DONE else "failed"), latest
