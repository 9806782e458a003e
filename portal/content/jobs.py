"""The search index rebuilt as a job (`content.reindex`): what an import may ask for instead of
indexing inside the command. It rebuilds the index of the instance the worker runs in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import jobs


@jobs.task("content.reindex", max_attempts=3)
def reindex(session: Session) -> None:
    from portal.content.indexing import reindex as rebuild

    rebuild(session)
