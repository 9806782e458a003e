"""The yearly allowance per theme (3; IT・DX 5) counts by 年度 (April–March), in Japan time."""

from __future__ import annotations

from datetime import date

import pytest

from portal.experts.programme import Programme, fiscal_year
from portal.experts.services import allowances, over_allowance, send
from portal.experts.states import TransitionRefused, move, BUSINESS
from portal.models import ExpertRequest, RequestState as S
from tests.business_factories import VALID_NUMBERS, make_account, make_agency, make_business

pytestmark = pytest.mark.usefixtures("clock")

PROGRAMME = Programme()


def test_fiscal_year_turns_on_the_first_of_april():
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert fiscal_year(date(2026, 12, 31)) == 2026
    assert fiscal_year(date(2027, 1, 1)) == 2026


def test_settings_come_from_the_config():
    programme = Programme.from_config({"EXPERT_ALLOWANCE": 2, "EXPERT_ALLOWANCE_IT_DX": 4,
                                       "EXPERT_AGENCY_REMINDER_DAYS": "2, 5"})
    assert (programme.allowance_for("cash"), programme.allowance_for("it_dx")) == (2, 4)
    assert programme.agency_reminder_days == (2, 5) and programme.expiry_days == 45
    assert (PROGRAMME.allowance_for("succession"), PROGRAMME.allowance_for("it_dx")) == (3, 5)


@pytest.fixture
def world(session):
    user = make_account(session)
    business = make_business(session, user)
    agency = make_agency(session)

    def sent(themes, state=S.SENT):
        request = ExpertRequest(business_id=business.id, agency_id=agency.id, themes=themes, consented_sections=[],
                                state=S.DRAFT)
        session.add(request)
        session.flush()
        send(session, business, request, user, PROGRAMME)
        if state is not S.SENT:
            request.state = state
        session.commit()
        return request

    return session, business, agency, user, sent


def test_three_per_theme_then_refused_with_the_reason_until_1_april(world, clock):
    session, business, agency, user, sent = world
    clock.set_jst(2026, 3, 31, 23, 50)
    for _ in range(3):
        sent(["cash"])
    left = allowances(session, business, PROGRAMME)
    assert (left["cash"].used, left["cash"].left, left["management"].left) == (3, 0, 3)
    draft = ExpertRequest(business_id=business.id, agency_id=agency.id, themes=["cash", "sales"],
                          consented_sections=[], state=S.DRAFT)
    session.add(draft)
    session.flush()
    with pytest.raises(TransitionRefused) as refused:
        send(session, business, draft, user, PROGRAMME)
    assert "「資金繰り」は2025年度の上限（3回）まで依頼済みです。次は2026年4月1日から依頼できます。" in str(refused.value)
    assert draft.state is S.DRAFT

    clock.set_jst(2026, 4, 1, 0, 0)
    assert allowances(session, business, PROGRAMME)["cash"].left == 3
    send(session, business, draft, user, PROGRAMME)
    assert (draft.state, draft.fiscal_year) == (S.SENT, 2026)


def test_it_dx_allows_five(world, clock):
    session, business, _agency, _user, sent = world
    clock.set_jst(2026, 6, 1, 10)
    for _ in range(4):
        sent(["it_dx"])
    assert over_allowance(session, business, ["it_dx"], PROGRAMME) == []
    sent(["it_dx"])
    assert over_allowance(session, business, ["it_dx"], PROGRAMME) == [
        "「IT・DX」は2026年度の上限（5回）まで依頼済みです。次は2027年4月1日から依頼できます。"]


def test_declined_withdrawn_and_expired_requests_give_the_visit_back(world, clock):
    session, business, _agency, _user, sent = world
    clock.set_jst(2026, 5, 1, 10)
    sent(["cash"], S.DECLINED)
    sent(["cash"], S.WITHDRAWN)
    sent(["cash"], S.EXPIRED)
    sent(["cash"], S.COMPLETED)
    assert allowances(session, business, PROGRAMME)["cash"].used == 1


def test_another_business_has_its_own_allowance(world, session, clock):
    _session, business, _agency, _user, sent = world
    clock.set_jst(2026, 5, 1, 10)
    for _ in range(3):
        sent(["cash"])
    other = make_business(session, make_account(session), corporate_number=VALID_NUMBERS[1], name="別の会社")
    assert allowances(session, other, PROGRAMME)["cash"].left == 3
    assert allowances(session, business, PROGRAMME)["cash"].left == 0


def test_sending_needs_a_theme_and_an_agency(world):
    session, business, agency, user, _sent = world
    draft = ExpertRequest(business_id=business.id, themes=[], consented_sections=[], state=S.DRAFT)
    session.add(draft)
    session.flush()
    with pytest.raises(TransitionRefused, match="テーマ"):
        send(session, business, draft, user, PROGRAMME)
    draft.themes = ["other"]
    with pytest.raises(TransitionRefused, match="支援機関"):
        send(session, business, draft, user, PROGRAMME)
    draft.agency_id = agency.id
    send(session, business, draft, user, PROGRAMME)
    assert draft.state is S.SENT
    move(session, draft, S.WITHDRAWN, BUSINESS, user)
