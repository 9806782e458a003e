"""Runs the 専門家派遣依頼 reminders in a process of its own, starting at an agreed moment, for the
two-process test: `python -m tests.unit.experts.reminders_process DB_URL SMTP_PORT INSTANCE START_AT
NOW` (NOW in ISO 8601). The settings are read from the database as the periodic job reads them, and
the mails it queues are sent by the process itself (`jobs.inline()`)."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime

from portal import create_app, jobs
from portal.db import get_session
from portal.experts.jobs import run_reminders
from portal.experts.programme import load


def main(db_url: str, smtp_port: str, instance: str, start_at: str, now: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-key",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(smtp_port), "SERVER_NAME": "portal.test",
                      "CONTENT_VERSION_MAX_AGE": 0}, instance_path=instance)
    with app.app_context():
        session = get_session()
        session.connection()  # connect before the start, so both start on equal terms
        while time.monotonic() < float(start_at):
            time.sleep(0.001)
        with jobs.inline():
            report = run_reminders(session, load(session, app.config), datetime.fromisoformat(now))
        session.close()
    get_db_engine_dispose(app)
    print(json.dumps(report.sent))


def get_db_engine_dispose(app) -> None:
    from portal.db import get_db

    get_db(app).session.remove()
    get_db(app).engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
