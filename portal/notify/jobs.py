"""The jobs of 通知: the hourly `portal notify` (slot notify), one push, one digest mail.

Each is safe to run again: `run_notify` claims before it queues anything, a push job is asked for
once per claimed batch and subscription, and a digest job sends only a delivery still `sending`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import jobs
from portal.notify.digest import deliver_digest
from portal.notify.push import deliver_push


@jobs.periodic("notify", name="notify.run")
def notify(session: Session) -> None:
    from portal.notify.run import run_notify

    run_notify(session)


@jobs.task("notify.push", max_attempts=3)
def push(session: Session, subscription_id: int, payload: dict[str, str]) -> None:
    deliver_push(session, subscription_id, payload)


@jobs.task("notify.digest", max_attempts=3)
def digest(session: Session, delivery_id: int, message: str) -> None:
    deliver_digest(session, delivery_id, message)
