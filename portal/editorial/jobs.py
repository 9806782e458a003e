"""Scheduled publishing (slot `publishing`, every minute): revisions approved for a later time go
live, articles past their `unpublish_at` come down. Safe to run twice: a published revision is no
longer `scheduled` (and the rows are locked while they are written, on PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import jobs


@jobs.periodic("publishing", name="editorial.publish_due")
def publish_due(session: Session) -> None:
    from portal.editorial.services import run_scheduled

    run_scheduled(session)
