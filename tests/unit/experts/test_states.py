"""Every move of a 専門家派遣依頼: each allowed one for its actor, refused for the others, and every
move not in the table refused — with the record of who, when, from and to."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from portal.experts.states import AGENCY, ALLOWED, BUSINESS, SYSTEM, TransitionRefused, move
from portal.models import ExpertRequest, ExpertRequestTransition, RequestState as S
from tests.business_factories import make_account, make_business

pytestmark = pytest.mark.usefixtures("clock")

ACTORS = (BUSINESS, AGENCY, SYSTEM)


@pytest.fixture
def request_in(session):
    user = make_account(session)
    business = make_business(session, user)

    def build(state: S) -> ExpertRequest:
        request = ExpertRequest(business_id=business.id, state=state, themes=["cash"], consented_sections=[])
        session.add(request)
        session.flush()
        return request

    build.user = user
    return build


def test_the_state_names_are_the_contract():
    assert [state.label for state in S] == ["下書き", "依頼中", "対応中", "日程確定", "実施済", "完了", "辞退",
                                            "取り下げ", "期限切れ"]


@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED, key=str))
def test_each_allowed_move_is_made_and_recorded(session, clock, request_in, start, end):
    request = request_in(start)
    actor = ALLOWED[(start, end)]
    entry = move(session, request, end, actor, request_in.user, note="理由があります")
    session.commit()
    assert request.state is end
    [stored] = session.scalars(select(ExpertRequestTransition).where(ExpertRequestTransition.request_id == request.id))
    assert (stored.from_state, stored.to_state, stored.actor, stored.user_id) == (
        start.value, end.value, actor, request_in.user.id)
    assert stored.at == clock.now() and entry.id == stored.id


@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED, key=str))
def test_each_allowed_move_is_refused_to_the_other_actors(session, request_in, start, end):
    request = request_in(start)
    for actor in ACTORS:
        if actor == ALLOWED[(start, end)]:
            continue
        with pytest.raises(TransitionRefused, match="できるのは"):
            move(session, request, end, actor, note="理由")
    assert request.state is start


REFUSED = [(a, b) for a, b in itertools.product(S, S) if (a, b) not in ALLOWED]


@pytest.mark.parametrize(("start", "end"), REFUSED, ids=[f"{a.value}-{b.value}" for a, b in REFUSED])
def test_every_other_move_is_refused_to_everyone(session, request_in, start, end):
    request = request_in(start)
    for actor in ACTORS:
        with pytest.raises(TransitionRefused, match=f"「{start.label}」の依頼を「{end.label}」にはできません"):
            move(session, request, end, actor, note="理由")
    assert request.state is start
    assert session.scalar(select(ExpertRequestTransition.id)) is None


def test_finished_requests_never_move_again():
    for final in (S.COMPLETED, S.DECLINED, S.WITHDRAWN, S.EXPIRED):
        assert not [pair for pair in ALLOWED if pair[0] is final]


def test_declining_needs_a_reason(session, request_in):
    request = request_in(S.SENT)
    with pytest.raises(TransitionRefused, match="辞退の理由"):
        move(session, request, S.DECLINED, AGENCY, note="  ")
    move(session, request, S.DECLINED, AGENCY, note="担当できる専門家がいません")
    assert request.decline_reason == "担当できる専門家がいません" and request.closed_at is not None


def test_the_times_of_sending_and_accepting_are_kept(session, clock, request_in):
    request = request_in(S.DRAFT)
    sent = clock.now()
    move(session, request, S.SENT, BUSINESS)
    clock.advance(hours=5)
    move(session, request, S.ACCEPTED, AGENCY)
    assert (request.sent_at, request.accepted_at) == (sent, clock.now())
