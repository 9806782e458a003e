"""`/readyz`'s queue check: 503 when the queue is stuck or nobody reads it, with what it measured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.db import get_session
from portal.jobs import ledger
from portal.models import Job
from tests.queues import queued_app  # noqa: F401

pytestmark = pytest.mark.usefixtures("clock")


def test_immediate_mode_is_ready_without_a_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok" and body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["queue"]["backend"] == "immediate"


def register_worker(app, session, seen_ago: timedelta, clock) -> None:
    from portal.models import JobWorker

    session.add(JobWorker(id="w1", host="test", pid=1, scheduler=True, started_at=clock.now() - seen_ago,
                          seen_at=clock.now() - seen_ago))
    session.commit()


def test_a_queue_nobody_reads_is_not_ready(queued_app, session, clock):
    app = queued_app()
    body = app.test_client().get("/readyz")
    assert body.status_code == 503
    queue = body.get_json()["checks"]["queue"]
    assert queue["status"] == "down" and "no worker seen recently" in queue["problems"]
    assert queue["detail"] == "QueueStuck: no worker seen recently"
    register_worker(app, session, timedelta(seconds=5), clock)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["queue"]["worker_last_seen_seconds"] == 5.0


def test_a_job_waiting_too_long_makes_the_queue_stuck(queued_app, session, clock):
    app = queued_app()
    register_worker(app, session, timedelta(seconds=1), clock)
    with app.app_context():  # asked for through this app, whose queue no worker reads
        job_id = ledger.enqueue(get_session(), "notify.run")
        get_session().commit()
    session.execute(update(Job).where(Job.id == job_id).values(run_after=clock.now() - timedelta(minutes=10)))
    session.commit()
    response = app.test_client().get("/readyz")
    queue = response.get_json()["checks"]["queue"]
    assert response.status_code == 503 and queue["oldest_waiting_seconds"] == 600.0 and queue["waiting"] == 1
    assert "the oldest waiting job has waited too long" in queue["problems"]


def test_an_unreachable_queue_storage_is_not_ready(queued_app, session, clock):
    app = queued_app(QUEUE_URL="redis://127.0.0.1:1/0")
    register_worker(app, session, timedelta(seconds=1), clock)
    queue = app.test_client().get("/readyz").get_json()["checks"]["queue"]
    assert queue["status"] == "down" and queue["problems"] == ["queue storage unreachable: ConnectionError"]
