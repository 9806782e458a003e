"""Two processes run the 専門家派遣依頼 reminders at the same moment against one database (an SQLite
file and PostgreSQL): each reminder is sent once between them — one claim, one inbox item, one mail."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.config import PROJECT_ROOT
from portal.models import ExpertRequestReminder, Notification, RequestState as S
from tests.unit.experts.test_reminders import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("clock")

REQUESTS = 5


def start_two(app, smtp_port: int, now) -> list[dict]:
    start_at = time.monotonic() + 2.5  # both processes are up and connected by then
    command = [sys.executable, "-m", "tests.unit.experts.reminders_process", app.config["DATABASE_URL"],
               str(smtp_port), app.instance_path, str(start_at), now.isoformat()]
    processes = [subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_processes_at_once_send_each_reminder_once(app, session, clock, world, mailbox, smtp_server):  # noqa: F811
    waiting = [world["sent"]() for _ in range(REQUESTS)]
    reported = world["sent"](S.DONE)
    clock.advance(days=10)

    results = start_two(app, smtp_server.port, clock.now())

    total = Counter()
    for result in results:
        total.update(result)
    assert total == {"agency_3": REQUESTS, "agency_9": REQUESTS, "business_waiting": REQUESTS, "confirm": 1}
    assert session.scalar(select(func.count(ExpertRequestReminder.id))) == 3 * REQUESTS + 1
    keys = session.scalars(select(Notification.key).where(Notification.key.like("%remind%"))).all()
    assert len(keys) == len(set(keys)) == 3 * REQUESTS + 1
    mails = Counter(message["To"] for message in mailbox.messages)
    assert mails == {"shien@example.jp": 2 * REQUESTS, "owner@example.jp": REQUESTS + 1}

    clock.advance(days=36)  # 46 days after sending: both race to expire the waiting ones
    results = start_two(app, smtp_server.port, clock.now())
    assert sum(result.get("expired", 0) for result in results) == REQUESTS
    assert all(set(result) <= {"expired"} for result in results)
    session.expire_all()
    assert all(request.state is S.EXPIRED for request in waiting) and reported.state is S.DONE
    assert session.scalar(select(func.count(ExpertRequestReminder.id))) == 4 * REQUESTS + 1
