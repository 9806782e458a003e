"""The job ledger: a job exists exactly when its transaction committed, runs once however often it is
handed over, is retried with back-off, and is found again by the sweep when a worker or the queue lost it."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal import jobs
from portal.db import get_session
from portal.jobs import ledger, runner, sweeper
from portal.jobs.queue import queue_of
from portal.mail import build_message, queue_message
from portal.models import Job, JobState
from tests.queues import drain, jobs_in

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def qapp(queued_app):
    return queued_app()


def queue_mail(app, to="kakunin@example.jp", commit=True) -> int:
    with app.test_request_context():
        session = get_session()
        job_id = queue_message(session, build_message(to, "件名", "本文"))
        if commit:
            session.commit()
        else:
            session.rollback()
    return job_id


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_a_job_reaches_the_queue_only_when_its_transaction_commits(qapp, session, mailbox):
    queue_mail(qapp, "rolled-back@example.jp", commit=False)
    assert jobs_in(session) == [] and queue_of(qapp).huey.pending_count() == 0
    job_id = queue_mail(qapp)
    assert queue_of(qapp).huey.pending_count() == 1 and mailbox.messages == []  # no SMTP in the request
    assert drain(qapp) == 1
    [job] = jobs_in(session)
    assert job.id == job_id and job.state == JobState.DONE and job.payload == {}  # the mail is not kept
    assert [m["To"] for m in mailbox.messages] == ["kakunin@example.jp"]


def test_asking_twice_for_the_same_key_makes_one_job(qapp, session):
    with qapp.app_context():
        first = jobs.enqueue(session, "notify.run", key="notify.run@2026-12-05T10:00")
        second = jobs.enqueue(session, "notify.run", key="notify.run@2026-12-05T10:00")
        session.commit()
    assert first is not None and second is None and len(jobs_in(session)) == 1


def test_a_job_handed_over_twice_runs_once(qapp, session, mailbox):
    job_id = queue_mail(qapp)
    queue_of(qapp).run_job(job_id)  # the sweep, or a second scheduler, handing it over again
    assert drain(qapp) == 2
    assert len(mailbox.messages) == 1


def test_only_one_of_two_workers_claims_a_job(qapp, session):
    job_id = queue_mail(qapp)
    assert ledger.claim(session, job_id, "worker-a", 60) is not None
    assert ledger.claim(session, job_id, "worker-b", 60) is None
    assert ledger.complete(session, job_id, "worker-b") is False  # only the holder finishes it
    assert ledger.complete(session, job_id, "worker-a") is True


def test_an_unreachable_mail_server_makes_the_job_wait_and_try_again(queued_app, session, clock, mailbox):
    down = queued_app("down", MAIL_PORT=closed_port())
    job_id = queue_mail(down)
    drain(down)
    [job] = jobs_in(session)
    assert job.state == JobState.PENDING and job.attempts == 1 and "ConnectionRefused" in job.error
    assert job.run_after == clock.now() + timedelta(seconds=30)
    assert queue_of(down).huey.scheduled_count() == 1  # handed over with its eta
    clock.advance(seconds=31)
    up = queued_app("down")  # the server is back
    assert runner.execute(up, job_id, "worker-a") == "done"
    assert len(mailbox.messages) == 1


def test_a_job_gives_up_after_its_last_attempt(queued_app, session, clock):
    down = queued_app("down", MAIL_PORT=closed_port())
    job_id = queue_mail(down)
    for attempt in range(1, 6):
        assert runner.execute(down, job_id, "worker-a") == ("failed" if attempt == 5 else "pending")
        clock.advance(hours=2)
    [job] = jobs_in(session)
    assert job.state == JobState.FAILED and job.attempts == 5 and job.payload["to"] == "kakunin@example.jp"


def test_the_sweep_takes_up_a_job_whose_worker_stopped(qapp, session, clock, mailbox):
    job_id = queue_mail(qapp)
    queue_of(qapp).huey.flush()  # the worker took the message…
    assert ledger.claim(session, job_id, "killed-worker", 60) is not None  # …claimed the job, and died
    assert sweeper.sweep_and_dispatch(qapp).released == []  # its lease still runs
    clock.advance(seconds=61)
    swept = sweeper.sweep_and_dispatch(qapp)
    assert swept.released == [job_id] and [j for j, _ in swept.requeued] == [job_id]
    assert drain(qapp) == 1 and len(mailbox.messages) == 1
    assert jobs_in(session)[0].attempts == 2


def test_the_sweep_hands_over_again_a_job_the_queue_lost(qapp, session, clock, mailbox):
    queue_mail(qapp)
    queue_of(qapp).huey.flush()  # e.g. Redis restarted without its data
    assert sweeper.sweep_and_dispatch(qapp).requeued == []  # it may still be on its way
    clock.advance(seconds=qapp.config["JOBS_REQUEUE_AFTER"] + 1)
    assert len(sweeper.sweep_and_dispatch(qapp).requeued) == 1
    assert drain(qapp) == 1 and len(mailbox.messages) == 1


def test_a_heartbeat_keeps_a_long_job_from_being_taken_up(qapp, session, clock):
    job_id = queue_mail(qapp)
    ledger.claim(session, job_id, "busy-worker", 60)
    clock.advance(seconds=50)
    ledger.renew(session, "busy-worker", 60)
    clock.advance(seconds=50)
    assert sweeper.sweep_and_dispatch(qapp).released == []


def test_a_job_of_an_unknown_task_fails_with_the_reason(qapp, session):
    job_id = queue_mail(qapp)
    session.execute(update(Job).where(Job.id == job_id).values(name="removed.task"))
    session.commit()
    drain(qapp)
    [job] = jobs_in(session)
    assert job.state == JobState.FAILED and "removed.task" in job.error  # no retry: it cannot succeed


def test_immediate_mode_runs_the_job_right_after_the_commit(app, session, mailbox):
    queue_mail(app, commit=False)
    assert mailbox.messages == [] and jobs_in(session) == []
    queue_mail(app)
    assert len(mailbox.messages) == 1 and jobs_in(session)[0].state == JobState.DONE


def test_inline_runs_the_jobs_asked_for_in_the_block_here(qapp, session, mailbox):
    with jobs.inline():
        queue_mail(qapp)
    assert len(mailbox.messages) == 1 and queue_of(qapp).huey.pending_count() == 0


def test_an_unknown_task_or_a_payload_that_is_not_json_is_refused_at_once(app, session):
    with app.app_context():
        with pytest.raises(jobs.UnknownTask):
            jobs.enqueue(session, "no.such.task")
        with pytest.raises(TypeError):
            jobs.enqueue(session, "mail.deliver", to=object(), message="")


def test_the_older_send_template_call_still_sends_through_the_queue(qapp, session, mailbox):
    from portal.mail import send_template

    with qapp.test_request_context():
        send_template("old-call@example.jp", "件名", "mail/confirm.txt", user={"email": "old-call@example.jp"},
                      link="https://portal.test/x")
    assert mailbox.messages == [] and drain(qapp) == 1
    assert [m["To"] for m in mailbox.messages] == ["old-call@example.jp"]
