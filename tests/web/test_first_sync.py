"""The first sync after linking runs as a job: the page says 取得中 (and asks again by htmx) until a
worker has done it, then shows the result; without JavaScript a reload shows it. Another business
cannot see the status of a service it has not linked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Connection, JobState, SyncRun
from tests.business_factories import signed_in_owner
from tests.helpers import submit, text
from tests.queues import drain, jobs_in, queued_app  # noqa: F401

MINATO = "7123456789012"  # in the gBizINFO sandbox fixture
# freee お試し links without a key, so its first sync is a job; an API-key service (gBizINFO) checks
# its key by syncing inside the request and is covered by the last test.
STATUS = "/mypage/links/freee/status"
FREEE = "/mypage/links/freee/link"


@pytest.fixture
def qapp(queued_app):
    return queued_app()


@pytest.fixture
def owner(qapp, session):
    client = qapp.test_client()
    signed_in_owner(client, session, number=MINATO, name="株式会社テスト商事")
    return client


def test_linking_answers_at_once_and_the_page_says_fetching_until_a_worker_has_synced(owner, qapp, session):
    linked = submit(owner, FREEE, {"mode": "sandbox"})
    assert linked.status_code == 303 and linked.headers["Location"].endswith(STATUS)
    assert session.scalars(select(SyncRun)).all() == []  # nothing fetched inside the request
    [job] = jobs_in(session)
    assert job.name == "linking.first_sync" and job.state == JobState.PENDING

    page = text(owner.get(STATUS))
    assert "取得中" in page and "freee会計と連携しました。" in page
    assert f'hx-get="{STATUS}"' in page and 'hx-trigger="every 2s"' in page
    assert f'href="{STATUS}"' in page  # without JavaScript: reload by hand
    fragment = owner.get(STATUS, headers={"HX-Request": "true"})
    assert "取得中" in text(fragment) and "<html" not in text(fragment) and "HX-Request" in fragment.headers["Vary"]

    assert drain(qapp) == 1  # the worker
    done = owner.get(STATUS, headers={"HX-Request": "true"})
    body = text(done)
    assert "取得しました" in body and "hx-trigger" not in body  # polling stops
    assert 'href="/mypage/links/proposals"' in body and "反映する変更を選ぶ" in body
    assert "取得しました" in text(owner.get(STATUS))  # a reload, without JavaScript
    assert session.scalar(select(Connection.last_sync_at)) is not None


def test_a_job_run_twice_syncs_once(owner, qapp, session):
    submit(owner, FREEE, {"mode": "sandbox"})
    [job] = jobs_in(session)
    from portal.jobs.queue import queue_of

    queue_of(qapp).run_job(job.id)
    drain(qapp)
    assert len(session.scalars(select(SyncRun)).all()) == 1


def test_another_business_gets_no_status_for_a_service_it_has_not_linked(owner, qapp, session):
    submit(owner, FREEE, {"mode": "sandbox"})
    other = qapp.test_client()
    signed_in_owner(other, session, number="4000012090001", name="株式会社ほかの会社")
    assert other.get(STATUS).status_code == 404


def test_in_immediate_mode_linking_still_goes_straight_to_the_proposals(client, session):
    signed_in_owner(client, session, number=MINATO)
    linked = submit(client, "/mypage/links/gbizinfo/link", {"mode": "sandbox"})
    assert linked.headers["Location"].endswith("/mypage/links/proposals")


def test_an_api_key_service_syncs_inside_the_request_even_with_a_queue(owner, qapp, session):
    """gBizINFO's key is checked by fetching, so a wrong key can be refused beside the field."""
    linked = submit(owner, "/mypage/links/gbizinfo/link", {"mode": "sandbox"})
    assert linked.headers["Location"].endswith("/mypage/links/proposals")
    assert len(session.scalars(select(SyncRun)).all()) == 1
    assert [job.name for job in jobs_in(session)] == []
