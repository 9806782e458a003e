"""Runs `run_notify` in a process of its own, starting at an agreed moment, for the exactly-once
test: `python -m tests.unit.notify.notify_process DB_URL SMTP_PORT INSTANCE START_AT NOW` (NOW in ISO
8601). Like `portal notify --inline`, it sends the pushes and mails it queues itself (`jobs.inline()`)."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime

from sqlalchemy import func, select

from portal import create_app, jobs
from portal.db import get_session
from portal.models import Job
from portal.notify.run import run_notify


def main(db_url: str, smtp_port: str, instance: str, start_at: str, now: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-key",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(smtp_port), "SERVER_NAME": "portal.test",
                      "CONTENT_VERSION_MAX_AGE": 0, "NOTIFY_DIGEST_HOUR": 0}, instance_path=instance)
    with app.app_context():
        get_session().connection()  # connect before the start, so both start on equal terms
        while time.monotonic() < float(start_at):
            time.sleep(0.001)
        with jobs.inline():
            report = run_notify(get_session(), datetime.fromisoformat(now))
        failed = get_session().scalar(select(func.count(Job.id)).where(Job.error.is_not(None)))
    print(json.dumps({"alerts": report.alerts, "pushes": report.push.messages, "digests": report.digest.sent,
                      "failed": failed}))


if __name__ == "__main__":
    main(*sys.argv[1:])
