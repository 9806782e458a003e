"""`portal notify`: find what is due and send it, safe to run twice or twice at once.

Order matters: alerts are stored (claimed) first and committed, then pushed, then gathered into
digests; each step claims in the database and, in the same commit, queues the pushes and mails as
jobs (a worker sends them; `portal notify --inline` sends them itself), so two runs never queue one
message twice and a queued message is not lost with a worker. Links in mails and pushes are made
absolute on `PUBLIC_URL` (portal/public_url.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from portal import clock
from portal.notify.alerts import find_alerts, store_alerts
from portal.notify.digest import DigestReport, send_digests
from portal.notify.push import PushReport, send_pushes
from portal.public_url import public_request_context
from portal.ui import JST


@dataclass
class NotifyReport:
    alerts: int
    users: int
    push: PushReport
    digest: DigestReport

    def lines(self) -> list[str]:
        return [f"新しい通知: {self.alerts} 件（{self.users} 人）",
                f"プッシュ通知: {self.push.messages} 人分を送信へ",
                f"まとめメール: {self.digest.sent} 通を送信へ"]


def run_notify(session: Session, now: datetime | None = None) -> NotifyReport:
    """Runs inside an app context; sets up a request context so that `url_for` can build links."""
    app = current_app._get_current_object()
    now = now or clock.now()
    lookback = timedelta(days=int(app.config.get("NOTIFY_LOOKBACK_DAYS", 7)))
    with public_request_context(app):
        alerts = find_alerts(session, now, now.astimezone(JST).date(), lookback)
        new = store_alerts(session, alerts, now)
        session.commit()
        push = send_pushes(session, now)
        digest = send_digests(session, now)
    return NotifyReport(alerts=sum(new.values()), users=len(new), push=push, digest=digest)
