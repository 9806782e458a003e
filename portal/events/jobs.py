"""Event retention as a job: each night (slot purge) events older than EVENT_RETENTION_DAYS go."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from portal import jobs


@jobs.periodic("purge", name="events.purge")
def purge_events(session: Session, days: int | None = None) -> None:
    from portal.events.services import purge_expired

    purge_expired(session, days or int(current_app.config["EVENT_RETENTION_DAYS"]))
