"""The ledger's own retention: finished jobs are kept a week (failed ones a month), then deleted."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.jobs.ledger import purge_finished
from portal.jobs.registry import periodic


@periodic("purge", name="jobs.purge_finished")
def purge_finished_jobs(session: Session) -> None:
    purge_finished(session)
