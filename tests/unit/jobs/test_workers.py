"""Real `portal worker` processes on the three queues — SQLite (embedded), Redis and PostgreSQL: a
worker killed with SIGKILL in the middle of a delivery leaves the rest to the next one, which finishes
it, and no mail goes out twice; two workers handed every job twice send each mail once."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.config import PROJECT_ROOT
from portal.db import get_db, get_session, upgrade_database
from portal.jobs.queue import queue_of
from portal.mail import build_message, queue_message
from portal.models import Job, JobState
from tests.conftest import Mailbox, make_test_app
from tests.queues import close_app

REDIS = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
LEASE = 2.0


class HoldingMailbox(Mailbox):
    """An SMTP server that keeps the first delivery to `hold` waiting at RCPT, as a slow server would."""

    def __init__(self, hold: str | None = None) -> None:
        super().__init__()
        self.hold, self.held, self.release = hold, threading.Event(), threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.hold and not self.held.is_set():
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp():
    servers = []

    def start(hold: str | None = None) -> tuple[HoldingMailbox, int]:
        handler = HoldingMailbox(hold)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append((controller, handler))
        return handler, port

    yield start
    for controller, handler in servers:
        handler.release.set()
        controller.stop()


@dataclass
class Portal:
    app: object
    env: dict[str, str]
    instance: Path


QUEUES = ["embedded", "redis", "postgresql"]


@pytest.fixture(params=QUEUES)
def portal(request, fresh_database_url, tmp_path):
    """A migrated database (SQLite with the embedded queue, PostgreSQL with the others) and the
    settings a worker process is started with."""
    kind = request.param
    db_url = fresh_database_url("sqlite" if kind == "embedded" else "postgresql")
    name = f"i13_{secrets.token_hex(4)}"
    queue_url = {"embedded": "", "redis": REDIS, "postgresql": db_url.replace("+psycopg", "")}[kind]
    made = []

    def make(smtp_port: int) -> Portal:
        instance = tmp_path / "instance"
        settings = {"QUEUE_URL": queue_url, "QUEUE_NAME": name, "JOBS_LEASE_SECONDS": LEASE,
                    "JOBS_HEARTBEAT_SECONDS": 0.3}
        app = make_test_app(db_url, instance, smtp_port, **settings)
        upgrade_database(app)
        made.append(app)
        env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-key",
               "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_MAIL_SERVER": "127.0.0.1",
               "PORTAL_MAIL_PORT": str(smtp_port), "PORTAL_QUEUE_URL": queue_url or "",
               **{f"PORTAL_{key}": str(value) for key, value in settings.items() if key != "QUEUE_URL"}}
        return Portal(app, env, instance)

    yield make
    for app in made:
        queue_of(app).huey.flush()
        close_app(app)


def start_worker(portal: Portal, log: Path, threads: int = 1) -> subprocess.Popen:
    command = [sys.executable, "-c", "from portal.cli import main; main()", "worker", "--threads", str(threads),
               "--scheduler"]
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=portal.env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def queue_mails(app, addresses: list[str]) -> list[int]:
    with app.test_request_context():
        session = get_session()
        ids = [queue_message(session, build_message(address, "ジョブの試験", f"{address} さんへ")) for address in addresses]
        session.commit()
    return ids


def states(app) -> Counter:
    """The states of the mail jobs (the scheduler's periodic jobs, such as publishing, not counted)."""
    with Session(get_db(app).engine) as session:
        return Counter(dict(session.execute(select(Job.state, func.count(Job.id)).where(Job.name == "mail.deliver")
                                            .group_by(Job.state)).all()))


def wait_until(condition, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; worker log:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.1)


def test_a_worker_killed_mid_delivery_leaves_the_mail_to_the_next_worker_which_sends_it_once(portal, smtp, tmp_path):
    mailbox, port = smtp(hold="c@example.jp")
    setup = portal(port)
    log = tmp_path / "workers.log"
    addresses = [f"{letter}@example.jp" for letter in "abcde"]
    ids = queue_mails(setup.app, addresses)

    first = start_worker(setup, log)
    try:
        wait_until(mailbox.held.is_set, 60, log)  # a and b sent, c in the middle of its SMTP conversation
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.jp", "b@example.jp"]
    assert states(setup.app)[JobState.RUNNING] == 1  # c, claimed by the dead worker

    time.sleep(LEASE + 0.5)  # its lease runs out (no heartbeat any more)
    second = start_worker(setup, log)
    try:
        wait_until(lambda: states(setup.app)[JobState.DONE] == len(ids), 90, log)
    finally:
        stop(second)
    assert Counter(m["To"] for m in mailbox.messages) == Counter(addresses)  # each exactly once
    with Session(get_db(setup.app).engine) as session:
        assert session.scalar(select(Job.attempts).where(Job.id == ids[2])) == 2


def test_two_workers_handed_every_job_twice_send_each_mail_once(portal, smtp, tmp_path):
    mailbox, port = smtp()
    setup = portal(port)
    log = tmp_path / "workers.log"
    addresses = [f"user{n}@example.jp" for n in range(30)]
    ids = queue_mails(setup.app, addresses)
    run_job = queue_of(setup.app).run_job
    for job_id in ids:
        run_job(job_id)  # a second hand-over of every job, as a sweep or a second scheduler could make

    workers = [start_worker(setup, log, threads=2) for _ in range(2)]
    try:
        wait_until(lambda: states(setup.app)[JobState.DONE] == len(ids) and queue_of(setup.app).huey.pending_count() == 0,
                   90, log)
    finally:
        for worker in workers:
            stop(worker)
    assert Counter(m["To"] for m in mailbox.messages) == Counter(addresses)
    with Session(get_db(setup.app).engine) as session:
        assert set(session.scalars(select(Job.attempts))) == {1}
