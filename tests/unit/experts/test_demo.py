"""`portal seed` adds demo 専門家派遣依頼: every state for demo@example.jp, in shien@example.jp's inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.demo.business import seed_demo_business
from portal.experts.demo import seed_demo_expert_requests
from portal.models import ExpertRequest, RequestState as S
from portal.seed import seed_accounts

pytestmark = pytest.mark.usefixtures("clock")


def test_every_state_once_and_seeding_again_adds_nothing(app, session):
    with app.app_context():
        seed_accounts(session)
        seed_demo_business(session)
        assert len(seed_demo_expert_requests(session)) == 1
        states = session.scalars(select(ExpertRequest.state)).all()
        assert set(states) == set(S)
        assert states.count(S.SENT) == 2 and states.count(S.DRAFT) == 2  # one the agency drafted for it
        assert seed_demo_expert_requests(session) == []
    assert session.scalar(select(func.count(ExpertRequest.id))) == len(states)


def test_the_demo_supporter_sees_them_in_the_inbox(app, session):
    with app.app_context():
        seed_accounts(session)
        seed_demo_business(session)
        seed_demo_expert_requests(session)
    client = app.test_client()
    from tests.web.test_accounts import login

    assert login(client, email="shien@example.jp", password="sakura-kaika-2026").status_code == 303
    page = client.get("/agency/expert-requests/").get_data(as_text=True)
    assert "新着（2）" in page and "辞退・期限切れ（3）" in page and "完了（1）" in page
