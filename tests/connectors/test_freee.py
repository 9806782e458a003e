"""The freee会計 connector: fixture parsing, the live client against a local server, errors, sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from connectors.freee.connector import (
    AUTHORIZE_URL,
    TOKEN_URL,
    FreeeConnector,
    latest_closed_fiscal_year,
    sandbox_reports,
    to_financial_period,
)
from portal.sdk import (
    AuthExpired,
    ConnectorError,
    Credentials,
    FetchContext,
    FinancialPeriodRecord,
    HttpResponse,
    RateLimited,
    Section,
    UpstreamError,
)
from tests.connectors import http
from tests.connectors.http import FakeBearerService, UrllibHttp

TOKEN = "freee-access-token-123"


def fixture_bytes(name: str) -> bytes:
    return http.fixture_bytes("freee", name)


def fixture_json(name: str) -> dict:
    return http.fixture_json("freee", name)


EXPECTED = FinancialPeriodRecord(
    period_end=date(2025, 3, 31), period_start=date(2024, 4, 1), months=12,
    total_assets=52_000_000, current_assets=40_500_000, cash_and_deposits=23_000_000,
    notes_receivable=1_600_000, accounts_receivable=12_400_000, inventories=3_000_000,
    fixed_assets=11_500_000, total_liabilities=26_900_000, current_liabilities=11_900_000,
    accounts_payable=6_800_000, short_term_borrowings=3_000_000, fixed_liabilities=15_000_000,
    long_term_borrowings=15_000_000, net_assets=25_100_000, capital_stock=10_000_000,
    net_sales=98_000_000, cost_of_sales=60_000_000, gross_profit=38_000_000,
    sga_expenses=33_600_000, depreciation=1_100_000, operating_income=4_400_000,
    ordinary_income=4_000_000, net_income=2_800_000,
)


# --- a tiny HTTP client and a local server speaking freee's format ---------------------------------

@pytest.fixture
def fake() -> Iterator[FakeBearerService]:
    routes = {
        "/api/1/companies": (200, fixture_bytes("companies.json"), {}),
        "/api/1/reports/trial_bs": (200, fixture_bytes("trial_bs.json"), {}),
        "/api/1/reports/trial_pl": (200, fixture_bytes("trial_pl.json"), {}),
    }
    with FakeBearerService(routes, TOKEN, b'{"status_code":401,"errors":[]}').running() as service:
        yield service


def live_context(fake: FakeBearerService, token: str = TOKEN, **settings: str) -> FetchContext:
    return FetchContext(corporate_number="1234567890123", mode="live", http=UrllibHttp(),
                        today=date(2025, 6, 15), credentials=Credentials(access_token=token),
                        settings={"freee_base_url": fake.base_url, **settings})


# --- the connector's declaration --------------------------------------------------------------------

def test_declaration() -> None:
    assert FreeeConnector.name == "freee"
    assert FreeeConnector.title == "freee会計"
    assert FreeeConnector.auth.kind == "oauth2"
    assert FreeeConnector.auth.authorize_url == AUTHORIZE_URL == \
        "https://accounts.secure.freee.co.jp/public_api/authorize"
    assert FreeeConnector.auth.token_url == TOKEN_URL == "https://accounts.secure.freee.co.jp/public_api/token"
    assert FreeeConnector.reads == (Section.FINANCIALS,)


# --- parsing ----------------------------------------------------------------------------------------

def test_fixtures_parse_to_exact_figures() -> None:
    assert to_financial_period(fixture_json("trial_bs.json"), fixture_json("trial_pl.json")) == EXPECTED


def test_cash_is_the_sum_of_accounts_under_cash_and_deposits() -> None:
    trial_bs = fixture_json("trial_bs.json")
    balances = trial_bs["trial_bs"]["balances"]
    cash = [b for b in balances if b.get("account_category_name") == "現金・預金" and b.get("account_item_name")]
    assert sum(b["closing_balance"] for b in cash) == 23_000_000
    for row in balances:  # the category row is ignored in favour of the accounts
        if row.get("total_line") and row["account_category_name"] == "現金・預金":
            row["closing_balance"] = 1
    record = to_financial_period(trial_bs, fixture_json("trial_pl.json"))
    assert record.cash_and_deposits == 23_000_000


def test_period_from_fiscal_year_when_dates_are_absent() -> None:
    trial_bs = fixture_json("trial_bs.json")
    del trial_bs["trial_bs"]["start_date"], trial_bs["trial_bs"]["end_date"]
    record = to_financial_period(trial_bs, fixture_json("trial_pl.json"))
    assert (record.period_start, record.period_end, record.months) == (date(2024, 4, 1), date(2025, 3, 31), 12)


def test_missing_accounts_stay_none() -> None:
    trial_pl = fixture_json("trial_pl.json")
    trial_pl["trial_pl"]["balances"] = [b for b in trial_pl["trial_pl"]["balances"]
                                        if b.get("account_item_name") != "減価償却費"]
    record = to_financial_period(fixture_json("trial_bs.json"), trial_pl)
    assert record.depreciation is None
    assert record.notes_payable is None


@pytest.mark.parametrize("trial_bs", [
    {}, {"trial_bs": []}, {"trial_bs": {"balances": "x"}},
    {"trial_bs": {"fiscal_year": 2024, "start_month": 4, "balances": [{"account_category_name": "資産",
                                                                      "closing_balance": "abc"}]}},
    {"trial_bs": {"balances": []}},
    [1, 2],
])
def test_malformed_reports_are_upstream_errors(trial_bs: object) -> None:
    with pytest.raises(UpstreamError):
        to_financial_period(trial_bs, fixture_json("trial_pl.json"))


def test_fiscal_year_defaults_to_the_latest_closed_one() -> None:
    assert latest_closed_fiscal_year(date(2025, 6, 15), 4) == 2024
    assert latest_closed_fiscal_year(date(2025, 3, 31), 4) == 2023
    assert latest_closed_fiscal_year(date(2025, 1, 5), 1) == 2024


# --- live -------------------------------------------------------------------------------------------

def test_live_fetch_with_company_from_settings(fake: FakeBearerService) -> None:
    records = list(FreeeConnector().fetch(live_context(fake, freee_company_id="777")))
    assert records == [EXPECTED]
    expected_query = {"company_id": "777", "fiscal_year": "2024", "start_month": "4", "end_month": "3"}
    assert fake.requests == [("/api/1/reports/trial_bs", expected_query),
                             ("/api/1/reports/trial_pl", expected_query)]


def test_live_fetch_takes_the_first_company_and_settings_for_the_year(fake: FakeBearerService) -> None:
    records = list(FreeeConnector().fetch(live_context(fake, freee_fiscal_year="2023",
                                                       freee_start_month="1")))
    assert records == [EXPECTED]  # the dates in the response win over the requested year
    expected_query = {"company_id": "3141592", "fiscal_year": "2023", "start_month": "1", "end_month": "12"}
    assert fake.requests == [("/api/1/companies", {}),
                             ("/api/1/reports/trial_bs", expected_query),
                             ("/api/1/reports/trial_pl", expected_query)]


def test_no_company_is_a_connector_error(fake: FakeBearerService) -> None:
    fake.routes["/api/1/companies"] = (200, b'{"companies": []}', {})
    with pytest.raises(ConnectorError) as info:
        list(FreeeConnector().fetch(live_context(fake)))
    assert type(info.value) is ConnectorError


def test_rejected_token_is_auth_expired(fake: FakeBearerService) -> None:
    with pytest.raises(AuthExpired):
        list(FreeeConnector().fetch(live_context(fake, token="stale", freee_company_id="777")))


def test_missing_token_is_auth_expired(fake: FakeBearerService) -> None:
    with pytest.raises(AuthExpired):
        list(FreeeConnector().fetch(live_context(fake, token="", freee_company_id="777")))
    assert fake.requests == []


def test_429_is_rate_limited_with_retry_after(fake: FakeBearerService) -> None:
    fake.routes["/api/1/reports/trial_pl"] = (429, b'{"status_code":429}', {"Retry-After": "12"})
    with pytest.raises(RateLimited) as info:
        list(FreeeConnector().fetch(live_context(fake, freee_company_id="777")))
    assert info.value.retry_after == 12.0


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b'{"trial_bs": null}'])
def test_malformed_live_response_is_upstream_error(fake: FakeBearerService, body: bytes) -> None:
    fake.routes["/api/1/reports/trial_bs"] = (200, body, {})
    with pytest.raises(UpstreamError):
        list(FreeeConnector().fetch(live_context(fake, freee_company_id="777")))


def test_server_error_is_upstream_error(fake: FakeBearerService) -> None:
    fake.routes["/api/1/reports/trial_bs"] = (503, b"{}", {})
    with pytest.raises(UpstreamError):
        list(FreeeConnector().fetch(live_context(fake, freee_company_id="777")))


# --- sandbox ----------------------------------------------------------------------------------------

class NoHttp:
    def get(self, *args: object, **kwargs: object) -> HttpResponse:
        raise AssertionError("sandbox mode must not use the network")


def sandbox(number: str) -> list[FinancialPeriodRecord]:
    context = FetchContext(corporate_number=number, mode="sandbox", http=NoHttp(), today=date(2026, 4, 1))
    return list(FreeeConnector().fetch(context))


def test_sandbox_is_deterministic_per_corporate_number() -> None:
    first = sandbox("1234567890123")
    assert first == sandbox("1234567890123")
    assert len(first) == 1
    assert first[0].net_sales == 98_000_000 * 4  # 1234567890123 % 5 + 1
    assert sandbox("1000000000000")[0] == EXPECTED  # factor 1: the fixture as it is
    assert sandbox("1000000000001")[0] != EXPECTED


def test_sandbox_figures_stay_consistent() -> None:
    record = sandbox("7123456789012")[0]
    assert record.total_assets == record.current_assets + record.fixed_assets
    assert record.total_assets == record.total_liabilities + record.net_assets
    assert record.gross_profit == record.net_sales - record.cost_of_sales
    assert record.operating_income == record.gross_profit - record.sga_expenses


def test_sandbox_reports_are_in_the_real_format() -> None:
    trial_bs, trial_pl = sandbox_reports("1234567890123")
    assert {"company_id", "fiscal_year", "balances"} <= set(trial_bs["trial_bs"])
    assert {"account_item_id", "account_item_name", "account_category_name", "hierarchy_level",
            "parent_account_category_name", "opening_balance", "debit_amount", "credit_amount",
            "closing_balance"} <= set(trial_pl["trial_pl"]["balances"][0])
