"""Suggestions of 専門家派遣依頼 narrowed by 業種 and size where an agency's 得意分野 state them, each
with the reason; agencies that state neither are suggested as before, the linked agency always."""

from __future__ import annotations

from datetime import date

import pytest

from portal.experts.services import business_size, suggest_agencies
from portal.models import FinancialPeriod
from tests.business_factories import VALID_NUMBERS, make_agency, make_business

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def agencies(session):
    return dict(
        plain=make_agency(session, "109913000101", "みなと経営支援センター", prefecture="13", regions=["13"],
                          specialties=["資金繰り"]),
        makers=make_agency(session, "109913000202", "ものづくり支援会", prefecture="13", regions=["13"],
                           specialties=["製造業", "資金繰り"]),
        shops=make_agency(session, "109913000303", "商店街支援ネット", prefecture="13", regions=["13"],
                          specialties=["小売業・飲食業の販路開拓"]),
        small=make_agency(session, "109913000404", "小規模事業者サポート", prefecture="13", regions=["13"],
                          specialties=["小規模事業者の経営改善"]),
    )


def _business(session, industry: str, employees: int | None, number: int = 0):
    basic = {"prefecture": "13", **({"industry": industry} if industry else {})}
    business = make_business(session, corporate_number=VALID_NUMBERS[number], **basic)
    if employees is not None:
        session.add(FinancialPeriod(business_id=business.id, period_end=date(2026, 3, 31), employees=employees))
        session.commit()
    return business


def _names(suggestions) -> dict[str, str]:
    return {s.agency.name: s.reason for s in suggestions}


def test_a_maker_is_suggested_the_agency_for_its_industry_and_not_the_shops(session, agencies):
    found = _names(suggest_agencies(session, _business(session, "E", 50), ["cash"]))
    assert set(found) == {"みなと経営支援センター", "ものづくり支援会"}
    assert "業種：製造業に対応" in found["ものづくり支援会"]
    assert "業種" not in found["みなと経営支援センター"]  # states no 業種: suggested, no claim made


def test_a_small_shop_is_suggested_the_shop_and_small_business_agencies(session, agencies):
    found = _names(suggest_agencies(session, _business(session, "I", 4), ["sales"]))
    assert set(found) == {"みなと経営支援センター", "商店街支援ネット", "小規模事業者サポート"}
    assert "業種：卸売業，小売業に対応" in found["商店街支援ネット"]
    assert "規模：小規模事業者に対応" in found["小規模事業者サポート"]


def test_size_counts_five_employees_in_commerce_and_twenty_elsewhere(session, agencies):
    shop = _names(suggest_agencies(session, _business(session, "I", 6), ["sales"]))
    assert "小規模事業者サポート" not in shop  # 6 people in 小売業 is past 5
    maker = _names(suggest_agencies(session, _business(session, "E", 20, number=1), ["cash"]))
    assert "小規模事業者サポート" in maker and "規模：小規模事業者に対応" in maker["小規模事業者サポート"]


def test_unknown_industry_or_size_narrows_nothing(session, agencies):
    found = _names(suggest_agencies(session, _business(session, "", None), ["cash"]))
    assert set(found) == {"みなと経営支援センター", "ものづくり支援会", "商店街支援ネット", "小規模事業者サポート"}
    assert not any("業種" in reason or "規模" in reason for reason in found.values())


def test_the_linked_agency_is_kept_even_when_it_states_another_industry(session, agencies):
    business = _business(session, "E", 50)
    found = _names(suggest_agencies(session, business, ["sales"], linked=agencies["shops"]))
    assert "商店街支援ネット" in found and "連携している支援機関です" in found["商店街支援ネット"]
    assert "業種" not in found["商店街支援ネット"]


def test_business_size():
    from portal.models import Business

    assert business_size(Business(industry="I"), 5) == "small"
    assert business_size(Business(industry="I"), 6) == "medium"
    assert business_size(Business(industry="E"), 20) == "small"
    assert business_size(Business(industry="E"), 21) == "medium"
    assert business_size(Business(industry="E"), None) is None
