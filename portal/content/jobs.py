"""The search index brought up to the database as a job (`content.reindex`): what an import may ask
for instead of indexing inside the command. Only what the index lacks is written (a full rebuild
is `portal reindex`); on PostgreSQL the words were written with the rows, so there is nothing to do."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal import jobs


@jobs.task("content.reindex", max_attempts=3)
def reindex(session: Session) -> None:
    from portal.content.indexing import catch_up_all

    catch_up_all(session)
