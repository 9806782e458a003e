"""`portal seed`'s demo business, agencies and 支援者: complete, made through the store, idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import corporate_number, store
from portal.demo.business import demo_business_data, seed_demo_business
from portal.linking import accept, link, pending_changes, run_sync
from portal.models import (
    AgencyMember,
    Business,
    FinancialPeriod,
    Office,
    Officer,
    Shareholder,
    SupportAgency,
    ValueChange,
    ValueSource,
)
from portal.seed import seed_accounts
from tests.business_factories import make_account

pytestmark = pytest.mark.usefixtures("clock")

COUNTED = (Business, FinancialPeriod, Shareholder, Officer, Office, ValueChange, ValueSource, SupportAgency,
           AgencyMember)


@pytest.fixture
def seeded(app, session):
    with app.app_context():
        seed_accounts(session)
    lines = seed_demo_business(session)
    return lines


def counts(session) -> dict[str, int]:
    return {model.__name__: session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def demo_business(session) -> Business:
    return store.business_for_user(session, store_user(session, "demo@example.jp"))


def store_user(session, email):
    from portal.accounts.services import find_user

    return find_user(session, email)


def test_the_demo_corporate_number_has_a_valid_check_digit():
    number = demo_business_data()["corporate_number"]
    assert corporate_number.is_valid(number) and corporate_number.check_digit(number[1:]) == int(number[0])


def test_the_demo_figures_add_up():
    for period in demo_business_data()["periods"]:
        assert period["total_assets"] == period["current_assets"] + period["fixed_assets"]
        assert period["total_assets"] == period["total_liabilities"] + period["net_assets"]
        assert period["total_liabilities"] == period["current_liabilities"] + period["fixed_liabilities"]
        assert period["gross_profit"] == period["net_sales"] - period["cost_of_sales"]
        assert period["operating_income"] == period["gross_profit"] - period["sga_expenses"]


def test_the_demo_user_owns_a_complete_business_entered_by_hand(session, seeded):
    business = demo_business(session)
    data = store.business_data(session, business)
    assert business.name == "株式会社みらい工房" and business.corporate_number == "8010401098765"
    assert [p.record.period_end for p in data.periods] == [date(2025, 3, 31), date(2024, 3, 31), date(2023, 3, 31)]
    assert (len(data.shareholders), len(data.officers), len(data.offices)) == (3, 3, 2)
    assert data.basic["representative_name"].text == "森田 拓海"
    assert {v.source for view in [data.basic, *data.periods] for v in view.values if v.value is not None} == {
        store.MANUAL}
    assert sum(s.record.investment for s in data.shareholders) == business.capital
    assert any("株式会社みらい工房" in line for line in seeded)


def test_the_demo_agencies_exist_and_the_demo_supporter_belongs_to_one(session, seeded):
    assert session.scalar(select(func.count(SupportAgency.id))) == 15
    [agency] = store.agencies_of_user(session, store_user(session, "shien@example.jp"))
    assert agency.name == "株式会社みらい経営支援センター"


def test_seeding_twice_changes_nothing(session, seeded):
    before = counts(session)
    stamps = {a.certification_number: a.updated_at for a in session.scalars(select(SupportAgency))}
    assert seed_demo_business(session) == []
    session.expire_all()
    assert counts(session) == before
    assert {a.certification_number: a.updated_at for a in session.scalars(select(SupportAgency))} == stamps


def test_seeding_keeps_what_the_demo_user_changed(session, seeded):
    business = demo_business(session)
    store.update_fields(session, business, "basic", None, {"capital": "20,000,000"})
    session.commit()
    seed_demo_business(session)
    session.expire_all()
    assert demo_business(session).capital == 20_000_000


def test_without_the_demo_accounts_only_the_agencies_are_seeded(session):
    make_account(session, "someone@example.jp")
    lines = seed_demo_business(session)
    assert session.scalar(select(func.count(Business.id))) == 0
    assert lines == ["デモ用の認定支援機関を15件登録しました"]


def test_linking_the_agency_sandbox_on_the_demo_business_reaches_the_demo_supporter(app, session, seeded):
    business = demo_business(session)
    run_sync(session, app, link(session, business, "agency", "sandbox", {}), date(2026, 11, 27))
    session.commit()
    accept(session, store_user(session, "demo@example.jp"), [c.id for c in pending_changes(session, business)])
    session.commit()
    [agency] = store.agencies_of_user(session, store_user(session, "shien@example.jp"))
    assert [b.name for b in store.businesses_of_agency(session, agency)] == ["株式会社みらい工房"]
