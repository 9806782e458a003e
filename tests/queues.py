"""Real queues for tests: `queued_app(name, **settings)` makes apps over the test database whose jobs
go to Huey (SQLite in their own instance folder unless `QUEUE_URL` says otherwise); `drain` does what
one worker would do, here and now; `jobs_in` reads the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.jobs.queue import queue_of
from portal.models import Job
from tests.conftest import close_app as close_test_app
from tests.conftest import make_test_app


def close_app(app) -> None:
    close_test_app(app)
    huey = queue_of(app).huey
    if huey is not None:
        huey.storage.close()


@pytest.fixture
def queued_app(app, tmp_path):
    made = []

    def make(name: str = "queued", **overrides):
        overrides.setdefault("QUEUE_URL", "")
        overrides.setdefault("MAIL_PORT", app.config["MAIL_PORT"])
        made.append(make_test_app(app.config["DATABASE_URL"], tmp_path / name, overrides.pop("MAIL_PORT"),
                                  **overrides))
        return made[-1]

    yield make
    for each in made:
        close_app(each)


def drain(app) -> int:
    """Takes every message from the queue and runs it, as a worker's thread does; returns how many."""
    huey = queue_of(app).huey
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


def jobs_in(session) -> list[Job]:
    session.expire_all()
    return list(session.scalars(select(Job).order_by(Job.id)))
