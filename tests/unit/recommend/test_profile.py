"""プロフィール・関心: the reasons, every exclusion, and the list built from the catalog."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import store
from portal.clock import today
from portal.models import Support
from portal.recommend import profile
from portal.recommend.interests import InvalidInterest, interests_of, replace_interests
from tests.business_factories import make_business
from tests.factories import add_supports, support_record

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


@pytest.fixture
def business(session):
    business = make_business(session, prefecture="13", industry="E", capital="10,000,000",
                             established_on="2019-04-01")
    store.add_period(session, business, {"period_end": "2025-03-31", "months": "12", "employees": "25"})
    replace_interests(session, business, ["2", "3"], ["7"])
    session.commit()
    return business


def support(session, title: str, **kwargs) -> Support:
    (support_id,) = add_supports(session, support_record(title, **kwargs))
    return session.scalar(select(Support).where(Support.id == support_id))


def reasons(session, business, title, **kwargs):
    with session.info["app"].app_context():
        return profile.eligible_reasons(session, business, support(session, title, **kwargs), today())


def test_interest_region_industry_size_and_status_each_give_their_reason(session, business):
    found = reasons(session, business, "東京都 製造業向け 設備補助金", purpose=[2], stage=[7], prefecture=["13"],
                    industry=["E"], max_employees=50, max_capital=300_000_000, max_established_years=10,
                    reception_end=today() + timedelta(days=20))
    deadline = today() + timedelta(days=20)
    assert found == [
        "関心のある目的「設備投資」に当てはまります。",
        "選んだ事業ステージ「設備投資」向けの制度です。",
        "東京都の事業者を対象にした制度です。",
        "製造業の事業者を対象にした制度です。",
        "従業員数（25人）と資本金（10,000,000円）が対象の範囲内です。",
        f"創業10年以内という条件に合っています（創業{profile._years_since(date(2019, 4, 1), today())}年）。",
        f"公募中です（締切 {deadline.year}年{deadline.month}月{deadline.day}日）。",
    ]


def test_several_interests_are_named_together(session, business):
    found = reasons(session, business, "IT導入と設備の補助", purpose=[2, 3, 5], reception_remarks="通年で受け付けます")
    assert found == ["関心のある目的「設備投資・IT化」に当てはまります。", "いつでも申し込めます。"]


@pytest.mark.parametrize("kwargs", [
    {"purpose": [2], "reception_end": today() - timedelta(days=1)},        # closed
    {"purpose": [2], "prefecture": ["27"]},                                # another prefecture
    {"purpose": [2], "industry": ["M"]},                                   # another industry
    {"purpose": [2], "max_employees": 20},                                 # too many employees
    {"purpose": [2], "max_capital": 5_000_000},                            # too much capital
    {"purpose": [2], "max_established_years": 3},                          # founded too long ago
    {"purpose": [1]},                                                      # nothing points to it
    {},
], ids=["closed", "prefecture", "industry", "employees", "capital", "established", "no-interest", "no-tags"])
def test_measures_the_business_cannot_use_or_did_not_ask_for_are_left_out(session, business, kwargs):
    assert reasons(session, business, "対象外の制度", **kwargs) is None


def test_facts_not_entered_exclude_nothing(session):
    bare = make_business(session, name="株式会社まだ未入力")
    replace_interests(session, bare, ["4"], [])
    session.commit()
    found = reasons(session, bare, "大阪府の資金繰り支援", purpose=[4], prefecture=["27"], industry=["M"],
                    max_employees=5, max_capital=1_000_000)
    assert found == ["関心のある目的「資金繰り」に当てはまります。"]


def test_the_list_puts_the_best_fit_first_and_keeps_out_what_does_not_fit(app, session, business):
    day = today()
    ids = add_supports(
        session,
        support_record("設備もITも", purpose=[2, 3], stage=[7], reception_end=day + timedelta(days=9)),
        support_record("ITだけ", purpose=[3]),
        support_record("大阪の設備補助", purpose=[2], prefecture=["27"]),
        support_record("終わった設備補助", purpose=[2], reception_end=day - timedelta(days=2)),
        support_record("東京の制度", prefecture=["13"]),
        support_record("販路の制度", purpose=[1]),
    )
    with app.app_context():
        found = profile.recommend(session, profile.load_profile(session, business), day, limit=10)
    titles = [r.row.title for r in found]
    assert titles[0] == "設備もITも"
    assert set(titles) == {"設備もITも", "ITだけ", "東京の制度"}
    assert all(r.reasons and r.method == "profile" for r in found)
    with app.app_context():
        assert profile.recommend(session, profile.load_profile(session, business), day, limit=10,
                                 exclude={("support", ids[0])})[0].row.title != "設備もITも"


def test_interests_are_replaced_and_unknown_ids_change_nothing(session, business):
    with pytest.raises(InvalidInterest) as refused:
        replace_interests(session, business, ["1", "11"], [])
    session.rollback()
    assert refused.value.field == "purpose"
    assert interests_of(session, business).purposes == {2, 3}
    replace_interests(session, business, [], ["15", "14"])
    session.commit()
    assert interests_of(session, business).purposes == frozenset()
    assert interests_of(session, business).stages == {14, 15}
