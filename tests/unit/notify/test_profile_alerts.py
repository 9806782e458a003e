"""Profile alerts: a new measure that suits a business's region and chosen interests is told to its
members, with the recommendation's reasons; one it cannot use, or a business without interests,
gets nothing; another business's members never see it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock
from portal.models import BusinessInterest, BusinessMember
from tests.business_factories import make_account, make_business
from tests.factories import add_supports, support_record
from tests.unit.notify.helpers import notifications, run

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def business_with_interest(session, email: str, prefecture: str, purpose: int | None, number: str):
    user = make_account(session, email)
    business = make_business(session, user, corporate_number=number, prefecture=prefecture)
    member = session.query(BusinessMember).filter_by(user_id=user.id).one()
    member.created_at = clock.now() - timedelta(hours=1)  # joined before the measures appeared
    if purpose is not None:
        session.add(BusinessInterest(business_id=business.id, kind="purpose", value=purpose))
    session.commit()
    return user.id


def test_a_measure_suiting_the_profile_is_told_with_its_reasons(app, session):
    tokyo = business_with_interest(session, "tokyo@example.jp", "13", 1, "4000012090001")
    osaka = business_with_interest(session, "osaka@example.jp", "27", 1, "6010001096659")
    no_interest = business_with_interest(session, "plain@example.jp", "13", None, "1000020012131")
    fits, other_region, other_purpose = add_supports(
        session,
        support_record("東京都の創業助成", purpose=[1], prefecture=["13"]),
        support_record("大阪府の創業支援", purpose=[1], prefecture=["27"]),
        support_record("全国の省エネ支援", purpose=[5]),  # nothing in the profile points to it
    )
    run(app)
    [item] = [n for n in notifications(session, tokyo) if n.support_id == fits]
    assert item.kind == "profile"
    assert "関心のある目的" in item.body and "東京都の事業者" in item.body
    assert {n.support_id for n in notifications(session, tokyo)} == {fits}
    assert {n.support_id for n in notifications(session, osaka)} == {other_region}
    assert notifications(session, no_interest) == []
    assert other_purpose


def test_a_search_and_profile_match_make_one_alert(app, session):
    from tests.unit.notify.helpers import save_search

    user = business_with_interest(session, "both@example.jp", "13", 1, "4000012090001")
    save_search(session, user, "purpose=1", name="創業")
    [support] = add_supports(session, support_record("東京都の創業助成", purpose=[1], prefecture=["13"]))
    assert run(app).alerts == 1
    [item] = notifications(session, user)
    assert item.support_id == support and item.kind == "search"
    assert "保存した検索条件「創業」" in item.body and "関心のある目的" in item.body
