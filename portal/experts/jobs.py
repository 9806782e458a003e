"""Reminders that keep a 専門家派遣依頼 from being forgotten (slot reminders), each sent once.

While 依頼中: the agency at EXPERT_AGENCY_REMINDER_DAYS (3 and 9) days, the business at
EXPERT_BUSINESS_REMINDER_DAYS (9, with the offer to choose another agency), and 期限切れ at
EXPERT_EXPIRY_DAYS (45). After 実施済: the business asked to confirm and rate at
EXPERT_CONFIRM_REMINDER_DAYS (7). Each is claimed by a row unique per (request, kind) inserted in
the same transaction as the inbox items, the mail and the move, so two runs at once — two workers,
two threads — send it once: the second insert waits for the first and is then skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, jobs
from portal.experts import notices
from portal.experts.programme import Programme, load
from portal.experts.states import SYSTEM, move
from portal.models import ExpertRequest, ExpertRequestReminder, RequestState as S
from portal.notify.claims import insert_or_skip


@dataclass
class ReminderReport:
    sent: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1


def _claim(session: Session, request: ExpertRequest, kind: str, now: datetime) -> bool:
    return insert_or_skip(session, ExpertRequestReminder, {"request_id": request.id, "kind": kind, "sent_at": now},
                          ["request_id", "kind"])


def _due(session: Session, state: S, column, before: datetime) -> list[int]:
    return list(session.scalars(select(ExpertRequest.id).where(ExpertRequest.state == state, column <= before)
                                .order_by(ExpertRequest.id)))


def run_reminders(session: Session, programme: Programme, now: datetime | None = None) -> ReminderReport:
    now = now or clock.now()
    report = ReminderReport()
    plan: list[tuple[str, S, object, int]] = [
        (f"agency_{days}", S.SENT, ExpertRequest.sent_at, days) for days in programme.agency_reminder_days]
    plan += [("business_waiting", S.SENT, ExpertRequest.sent_at, programme.business_reminder_days),
             ("expired", S.SENT, ExpertRequest.sent_at, programme.expiry_days),
             ("confirm", S.DONE, ExpertRequest.reported_at, programme.confirm_reminder_days)]
    # Expiry first, so a request past 45 days is not also reminded about at 3 and 9 days.
    plan.sort(key=lambda step: step[0] != "expired")
    for kind, state, column, days in plan:
        for request_id in _due(session, state, column, now - timedelta(days=days)):
            request = session.get(ExpertRequest, request_id, populate_existing=True)
            if request is None or request.state is not state or not _claim(session, request, kind, now):
                session.rollback()
                continue
            if kind == "expired":
                move(session, request, S.EXPIRED, SYSTEM, note=f"{days}日以内に受け付けられませんでした")
            notices.reminded(session, request, kind)
            session.commit()
            report.add(kind)
    return report


@jobs.periodic("reminders", name="experts.reminders")
def send_reminders(session: Session) -> None:
    from flask import current_app

    run_reminders(session, load(session, current_app.config))
