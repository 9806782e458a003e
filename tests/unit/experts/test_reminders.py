"""Reminders of 専門家派遣依頼: the agency at 3 and 9 days while 依頼中, the business at 9 days,
期限切れ at 45 days, the business asked to confirm 7 days after 実施済 — each once, even when the
job runs twice, and when two threads run it at the same moment."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal import store
from portal.db import get_db
from portal.experts.jobs import run_reminders
from portal.experts.programme import Programme
from portal.experts.services import new_draft
from portal.experts.states import AGENCY, BUSINESS, move
from portal.jobs.registry import PERIODIC
from portal.models import (ExpertRequest, ExpertRequestReminder, ExpertRequestTransition, Notification,
                           RequestState as S, Role)
from tests.business_factories import make_account, make_agency, make_business

pytestmark = pytest.mark.usefixtures("clock")

PROGRAMME = Programme()


@pytest.fixture
def world(app, session):
    owner = make_account(session, "owner@example.jp")
    business = make_business(session, owner)
    agency = make_agency(session)
    supporter = make_account(session, "shien@example.jp", role=Role.SUPPORTER)
    store.add_agency_member(session, agency, supporter)
    session.commit()

    def sent(state=S.SENT) -> ExpertRequest:
        request = new_draft(session, business, owner)
        request.themes, request.agency_id = ["cash"], agency.id
        move(session, request, S.SENT, BUSINESS, owner)
        if state is S.DONE:
            for to in (S.ACCEPTED, S.SCHEDULED, S.DONE):
                move(session, request, to, AGENCY, supporter)
        session.commit()
        return request

    return dict(owner=owner, supporter=supporter, sent=sent)


def run(app, session, now=None):
    with app.app_context():
        return run_reminders(session, PROGRAMME, now).sent


def keys(session, user) -> list[str]:
    return sorted(session.scalars(select(Notification.key).where(Notification.user_id == user.id)))


def test_the_job_runs_in_the_reminders_slot():
    assert "experts.reminders" in PERIODIC["reminders"]


def test_each_reminder_at_its_day_and_only_once(app, session, clock, world, mailbox):
    request = world["sent"]()
    rid = request.id
    clock.advance(days=2, hours=23)
    assert run(app, session) == {}
    clock.advance(hours=1)
    assert run(app, session) == {"agency_3": 1}
    assert run(app, session) == {}  # the second run finds it claimed
    clock.advance(days=6)
    assert run(app, session) == {"agency_9": 1, "business_waiting": 1}
    assert run(app, session) == {}
    assert keys(session, world["supporter"]) == [f"expert:{rid}:remind:agency_3", f"expert:{rid}:remind:agency_9"]
    assert keys(session, world["owner"]) == [f"expert:{rid}:remind:business_waiting"]
    clock.advance(days=36)
    assert run(app, session) == {"expired": 1}
    session.expire_all()
    assert request.state is S.EXPIRED
    last = session.scalars(select(ExpertRequestTransition).where(ExpertRequestTransition.request_id == rid)
                           .order_by(ExpertRequestTransition.id.desc())).first()
    assert (last.actor, last.user_id, last.to_state) == ("system", None, "expired")
    assert run(app, session) == {}
    mails = Counter(message["To"] for message in mailbox.messages)
    assert mails == {"shien@example.jp": 3, "owner@example.jp": 2}  # 3, 9, expired; waiting, expired


def test_a_request_found_late_expires_without_the_earlier_reminders(app, session, clock, world):
    world["sent"]()
    clock.advance(days=50)
    assert run(app, session) == {"expired": 1}


def test_the_business_is_asked_to_confirm_7_days_after_the_report(app, session, clock, world):
    request = world["sent"](S.DONE)
    clock.advance(days=6, hours=23)
    assert run(app, session) == {}
    clock.advance(hours=1)
    assert run(app, session) == {"confirm": 1}
    assert run(app, session) == {}
    assert f"expert:{request.id}:remind:confirm" in keys(session, world["owner"])


def test_two_threads_at_once_send_each_reminder_once(app, session, clock, world):
    requests = [world["sent"]() for _ in range(6)]
    clock.advance(days=10)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                own = get_db(app).session()
                barrier.wait()
                results.append(run_reminders(own, PROGRAMME).sent)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    total = Counter()
    for result in results:
        total.update(result)
    assert total == {"agency_3": 6, "agency_9": 6, "business_waiting": 6}
    assert session.scalar(select(func.count(ExpertRequestReminder.id))) == 18
    assert session.scalar(select(func.count(Notification.id)).where(Notification.key.like("%remind%"))) == 18
    assert len(requests) == 6
