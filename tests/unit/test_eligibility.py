"""One judgement of a business against a measure's stated conditions (portal.eligibility)."""

from datetime import date

import pytest

from portal.eligibility import (LIKELY, NG, OK, UNDECIDED, UNKNOWN, UNLIKELY, UNSTATED, Facts, Terms, entity_of,
                                judge)

DAY = date(2026, 6, 1)
DEMO = Facts(prefecture="13", industry="E", employees=28, capital=10_000_000, established_on=date(2012, 4, 2),
             kind="corporation")


def condition(judgement, key):
    return next(c for c in judgement.conditions if c.key == key)


def test_region_outside_the_stated_prefecture_is_ng_with_both_names():
    found = judge(DEMO, Terms(prefectures=frozenset({"12"})), DAY)
    region = condition(found, "region")
    assert region.state == NG
    assert "千葉県" in region.reason and "東京都" in region.reason
    assert found.verdict == UNLIKELY and not found.fits


def test_region_inside_and_nationwide_are_ok():
    assert condition(judge(DEMO, Terms(prefectures=frozenset({"13", "14"})), DAY), "region").state == OK
    nationwide = condition(judge(Facts(), Terms(), DAY), "region")
    assert nationwide.state == OK and "全国" in nationwide.reason


def test_region_unknown_when_prefecture_not_entered():
    found = judge(Facts(industry="E"), Terms(prefectures=frozenset({"27"})), DAY)
    region = condition(found, "region")
    assert region.state == UNKNOWN and "未登録" in region.reason
    assert region.fill == ("mypage.edit_basic", "prefecture")
    assert found.verdict == UNDECIDED and found.fits


def test_industry_condition():
    transport = Terms(industries=frozenset({"H"}))
    assert condition(judge(DEMO, transport, DAY), "industry").state == NG
    assert "運輸業" in condition(judge(DEMO, transport, DAY), "industry").reason
    assert condition(judge(DEMO, Terms(industries=frozenset({"E", "H"})), DAY), "industry").state == OK
    assert condition(judge(Facts(), transport, DAY), "industry").state == UNKNOWN
    assert condition(judge(Facts(), Terms(), DAY), "industry").reason == "業種の限定はありません。"


@pytest.mark.parametrize(("limit", "state"), [(28, OK), (27, NG), (300, OK)])
def test_employees_limit_is_inclusive(limit, state):
    assert condition(judge(DEMO, Terms(max_employees=limit), DAY), "employees").state == state


def test_employees_unknown_links_to_periods():
    found = condition(judge(Facts(), Terms(max_employees=20), DAY), "employees")
    assert found.state == UNKNOWN and found.fill == ("mypage.index", "periods")


@pytest.mark.parametrize(("limit", "state"), [(10_000_000, OK), (9_999_999, NG), (300_000_000, OK)])
def test_capital_limit(limit, state):
    found = condition(judge(DEMO, Terms(max_capital=limit), DAY), "capital")
    assert found.state == state
    assert "1,000万円" in found.reason


def test_capital_unknown():
    assert condition(judge(Facts(), Terms(max_capital=1), DAY), "capital").state == UNKNOWN


def test_years_since_founding_counts_to_the_anniversary():
    founded = Facts(established_on=date(2021, 6, 1))
    assert condition(judge(founded, Terms(max_established_years=5), date(2026, 6, 1)), "years").state == OK
    assert condition(judge(founded, Terms(max_established_years=5), date(2026, 6, 2)), "years").state == NG
    leap = Facts(established_on=date(2024, 2, 29))
    assert condition(judge(leap, Terms(max_established_years=1), date(2025, 2, 28)), "years").state == OK
    assert condition(judge(Facts(), Terms(max_established_years=5), DAY), "years").state == UNKNOWN


def test_kind_condition():
    corp_only = Terms(entity="corporation")
    assert condition(judge(DEMO, corp_only, DAY), "kind").state == OK
    sole = Facts(kind="sole_proprietor")
    assert condition(judge(sole, corp_only, DAY), "kind").state == NG
    assert condition(judge(sole, Terms(entity="either"), DAY), "kind").state == OK
    assert condition(judge(Facts(), Terms(entity="either"), DAY), "kind").state == OK
    assert condition(judge(Facts(), corp_only, DAY), "kind").state == UNKNOWN


def test_kind_is_read_only_from_plain_words():
    assert entity_of("会社のほか、個人事業主も対象です。") == "either"
    assert entity_of("中小企業者（個人事業主を含む）。") == "either"
    assert entity_of("資本金1億円以下の法人に限ります。") == "corporation"
    assert entity_of("個人事業主は対象外です。") == "corporation"
    assert entity_of("個人事業主のみが対象です。") == "sole_proprietor"
    assert entity_of("災害で資産に損失を受けた中小企業者。") is None
    assert entity_of(None) is None


def test_unstated_conditions_are_not_shown():
    found = judge(DEMO, Terms(), DAY)
    assert [c.key for c in found.conditions] == ["region", "industry"]
    assert found.verdict == UNSTATED and found.fits


def test_verdict_never_claims_more_than_the_data():
    terms = Terms(prefectures=frozenset({"13"}), max_employees=50, max_capital=50_000_000)
    assert judge(DEMO, terms, DAY).verdict == LIKELY
    missing = Facts(prefecture="13", employees=28)
    partial = judge(missing, terms, DAY)
    assert partial.verdict == UNDECIDED and [c.label for c in partial.missing] == ["資本金"]
    assert "判断できません" in partial.message
    # one ✗ outweighs unknowns
    mixed = judge(Facts(prefecture="27"), terms, DAY)
    assert mixed.verdict == UNLIKELY and mixed.short == "対象外の条件があります：地域"


def test_the_demo_business_on_a_chiba_transport_measure():
    found = judge(DEMO, Terms(prefectures=frozenset({"12"}), industries=frozenset({"H"})), DAY)
    assert [c.state for c in found.conditions] == [NG, NG]
    assert found.short == "対象外の条件があります：地域・業種"
