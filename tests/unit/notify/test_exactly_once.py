"""Two `portal notify` processes at once against the same database (SQLite file and PostgreSQL)
send every inbox item, push and digest exactly once between them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import today
from portal.config import PROJECT_ROOT
from portal.models import Notification, NotificationDelivery
from portal.notify.push import application_server_key
from tests.factories import add_supports, support_record
from tests.unit.notify.helpers import add_user, save_search, save_support
from tests.unit.notify.push_service import Browser, PushService
from tests.unit.notify.test_push import subscribe

pytestmark = pytest.mark.instants

USERS = 12


def start_two(app, smtp_port: int, now) -> list[dict]:
    """Both processes run `portal notify` at the test's pinned `now`, as two workers of one deployment
    share one clock; they start together on the system-wide monotonic clock."""
    start_at = time.monotonic() + 2.5  # both processes are up and connected by then
    command = [sys.executable, "-m", "tests.unit.notify.notify_process", app.config["DATABASE_URL"],
               str(smtp_port), app.instance_path, str(start_at), now.isoformat()]
    processes = [subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_processes_at_once_send_everything_exactly_once(app, session, mailbox, smtp_server, clock):
    with app.app_context():
        application_server_key(app)  # the key exists before the race, as after any first page view
    users = [add_user(session, f"race{n}@example.jp", "daily") for n in range(USERS)]
    day = today()
    with PushService() as service:
        browsers = {}
        for user in users:
            save_search(session, user, "purpose=6", name="事業承継")
            browsers[user] = Browser(f"{service.url}/push/{user}")
            subscribe(app, user, browsers[user])
        first, second = add_supports(session, support_record("事業承継の補助金", purpose=[6]),
                                     support_record("承継後の設備投資", purpose=[6],
                                                    reception_end=day + timedelta(days=7)))
        for user in users:
            save_support(session, user, second)

        results = start_two(app, smtp_server.port, clock.now())

        assert sum(r["failed"] for r in results) == 0
        expected_alerts = USERS * 3  # two measures matching the search, one deadline reminder
        assert sum(r["alerts"] for r in results) == expected_alerts
        assert session.scalar(select(func.count(Notification.id))) == expected_alerts
        assert sum(r["pushes"] for r in results) == USERS
        assert Counter(r.path for r in service.received) == Counter(f"/push/{u}" for u in users)
        assert sum(r["digests"] for r in results) == USERS, (results, session.scalars(select(NotificationDelivery.state)).all())
        assert Counter(m["To"] for m in mailbox.messages) == Counter(f"race{n}@example.jp" for n in range(USERS))
        assert session.scalar(select(func.count(NotificationDelivery.id))) == USERS

        again = start_two(app, smtp_server.port, clock.now())  # and once more: nothing at all
        assert all(r == {"alerts": 0, "pushes": 0, "digests": 0, "failed": 0} for r in again)
        assert len(service.received) == USERS and len(mailbox.messages) == USERS
    assert first
