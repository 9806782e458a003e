"""`content.reindex`: the search index rebuilt from the database by a job, as an import may ask."""

from __future__ import annotations

from portal import jobs
from portal.content.services import import_supports
from tests.factories import support_record


def test_the_reindex_job_makes_measures_written_without_indexing_searchable(app, session, client):
    import_supports(session, [support_record("雪国の除雪機械導入補助金")])
    session.commit()
    assert client.get("/api/v1/supports?q=除雪機械").get_json()["total"] == 0  # not indexed yet
    with app.app_context():
        jobs.enqueue(session, "content.reindex")
        session.commit()  # immediate mode: the job runs now
    assert [item["title"] for item in client.get("/api/v1/supports?q=除雪機械").get_json()["items"]] == [
        "雪国の除雪機械導入補助金"]
