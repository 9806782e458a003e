"""The マネーフォワード クラウド会計 connector: tree parsing, the live client against a local server,
errors, sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from connectors.moneyforward.connector import (
    MoneyForwardConnector,
    sandbox_reports,
    to_financial_period,
)
from portal.sdk import (
    AuthExpired,
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

TOKEN = "mf-access-token-456"
API_PREFIX = "/api/v3"


def fixture_bytes(name: str) -> bytes:
    return http.fixture_bytes("moneyforward", name)


def fixture_json(name: str) -> dict:
    return http.fixture_json("moneyforward", name)


EXPECTED = FinancialPeriodRecord(
    period_end=date(2025, 3, 31), period_start=date(2024, 4, 1), months=12,
    total_assets=20_600_000, current_assets=16_750_000, cash_and_deposits=9_200_000,
    accounts_receivable=6_300_000, inventories=1_150_000, fixed_assets=3_850_000,
    total_liabilities=10_800_000, current_liabilities=4_800_000, accounts_payable=2_900_000,
    short_term_borrowings=1_000_000, fixed_liabilities=6_000_000, long_term_borrowings=6_000_000,
    net_assets=9_800_000, capital_stock=3_000_000,
    net_sales=42_500_000, cost_of_sales=22_800_000, gross_profit=19_700_000,
    sga_expenses=16_300_000, depreciation=750_000, operating_income=3_400_000,
    ordinary_income=3_320_000, net_income=1_980_000,
)


# --- a tiny HTTP client and a local server speaking Money Forward's format -------------------------

@pytest.fixture
def fake() -> Iterator[FakeBearerService]:
    routes = {
        f"{API_PREFIX}/reports/trial_balance_bs": (200, fixture_bytes("trial_balance_bs.json"), {}),
        f"{API_PREFIX}/reports/trial_balance_pl": (200, fixture_bytes("trial_balance_pl.json"), {}),
    }
    unauthorized = b'{"errors":[{"message":"Unauthorized"}]}'
    with FakeBearerService(routes, TOKEN, unauthorized, prefix=API_PREFIX).running() as service:
        yield service


def live_context(fake: FakeBearerService, token: str = TOKEN, **settings: str) -> FetchContext:
    return FetchContext(corporate_number="1234567890123", mode="live", http=UrllibHttp(),
                        today=date(2025, 6, 15), credentials=Credentials(access_token=token),
                        settings={"moneyforward_base_url": fake.base_url, **settings})


# --- the connector's declaration --------------------------------------------------------------------

def test_declaration() -> None:
    auth = MoneyForwardConnector.auth
    assert MoneyForwardConnector.name == "moneyforward"
    assert MoneyForwardConnector.title == "マネーフォワード クラウド会計"
    assert (auth.kind, auth.authorize_url, auth.token_url, auth.scopes) == (
        "oauth2", "https://api.biz.moneyforward.com/authorize", "https://api.biz.moneyforward.com/token",
        ("mfc/accounting/report.read",))
    assert MoneyForwardConnector.reads == (Section.FINANCIALS,)


# --- parsing ----------------------------------------------------------------------------------------

def test_fixtures_parse_to_exact_figures() -> None:
    record = to_financial_period(fixture_json("trial_balance_bs.json"), fixture_json("trial_balance_pl.json"))
    assert record == EXPECTED


def test_closing_balance_is_found_by_its_column_index() -> None:
    def reorder(body: dict) -> dict:  # closing_balance first, the rest after it
        order = [3, 0, 1, 2, 4]

        def rows(items: list) -> list:
            return [{**r, "values": [r["values"][i] for i in order], "rows": rows(r["rows"])} for r in items]
        return {**body, "columns": [body["columns"][i] for i in order], "rows": rows(body["rows"])}

    record = to_financial_period(reorder(fixture_json("trial_balance_bs.json")),
                                 reorder(fixture_json("trial_balance_pl.json")))
    assert record == EXPECTED


def test_depreciation_sums_the_accounts_in_cost_of_sales_and_sga() -> None:
    pl = fixture_json("trial_balance_pl.json")
    found = []

    def walk(rows: list, path: tuple[str, ...]) -> None:
        for row in rows:
            if row["name"] == "減価償却費":
                found.append((path, row["values"][3]))
            walk(row["rows"], (*path, row["name"]))
    walk(pl["rows"], ())
    assert found == [(("売上原価", "製造原価"), 300_000), (("販売費及び一般管理費",), 450_000)]
    assert to_financial_period(fixture_json("trial_balance_bs.json"), pl).depreciation == 750_000


def test_period_falls_back_to_the_requested_one() -> None:
    bs = fixture_json("trial_balance_bs.json")
    del bs["start_date"], bs["end_date"]
    record = to_financial_period(bs, fixture_json("trial_balance_pl.json"),
                                 default_period=(date(2023, 1, 1), date(2023, 12, 31)))
    assert (record.period_start, record.period_end, record.months) == (date(2023, 1, 1), date(2023, 12, 31), 12)
    with pytest.raises(UpstreamError):
        to_financial_period(bs, fixture_json("trial_balance_pl.json"))


@pytest.mark.parametrize("bs", [
    {}, [], {"columns": ["closing_balance"]}, {"columns": ["opening_balance"], "rows": []},
    {"columns": ["closing_balance"], "rows": [{"type": "account", "name": "現金", "values": []}]},
    {"columns": ["closing_balance"], "rows": [{"type": "account", "name": "現金", "values": ["x"]}]},
    {"columns": ["closing_balance"], "rows": [{"type": "account", "values": [1]}]},
    {"columns": ["closing_balance"], "rows": [{"type": "account", "name": "現金", "values": [None]}]},
])
def test_malformed_trees_are_upstream_errors(bs: object) -> None:
    with pytest.raises(UpstreamError):
        to_financial_period(bs, fixture_json("trial_balance_pl.json"),
                            default_period=(date(2024, 4, 1), date(2025, 3, 31)))


# --- live -------------------------------------------------------------------------------------------

def test_live_fetch(fake: FakeBearerService) -> None:
    assert list(MoneyForwardConnector().fetch(live_context(fake))) == [EXPECTED]
    query = {"fiscal_year": "2024", "start_month": "4", "end_month": "3"}
    assert fake.requests == [(f"{API_PREFIX}/reports/trial_balance_bs", query),
                             (f"{API_PREFIX}/reports/trial_balance_pl", query)]


def test_live_fetch_with_fiscal_year_settings(fake: FakeBearerService) -> None:
    for route in list(fake.routes):  # a response without dates: the requested period is used
        body = json.loads(fake.routes[route][1])
        del body["start_date"], body["end_date"]
        fake.routes[route] = (200, json.dumps(body).encode(), {})
    [record] = MoneyForwardConnector().fetch(live_context(
        fake, moneyforward_fiscal_year="2022", moneyforward_start_month="1"))
    assert (record.period_start, record.period_end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert record.net_sales == 42_500_000
    assert fake.requests[0][1] == {"fiscal_year": "2022", "start_month": "1", "end_month": "12"}


def test_rejected_token_is_auth_expired(fake: FakeBearerService) -> None:
    with pytest.raises(AuthExpired):
        list(MoneyForwardConnector().fetch(live_context(fake, token="stale")))


def test_429_is_rate_limited(fake: FakeBearerService) -> None:
    fake.routes[f"{API_PREFIX}/reports/trial_balance_bs"] = (429, b"{}", {"Retry-After": "1"})
    with pytest.raises(RateLimited) as info:
        list(MoneyForwardConnector().fetch(live_context(fake)))
    assert info.value.retry_after == 1.0


@pytest.mark.parametrize("body", [b"not json", b'{"rows": []}', b'{"columns": [], "rows": []}'])
def test_malformed_live_response_is_upstream_error(fake: FakeBearerService, body: bytes) -> None:
    fake.routes[f"{API_PREFIX}/reports/trial_balance_pl"] = (200, body, {})
    with pytest.raises(UpstreamError):
        list(MoneyForwardConnector().fetch(live_context(fake)))


# --- sandbox ----------------------------------------------------------------------------------------

class NoHttp:
    def get(self, *args: object, **kwargs: object) -> HttpResponse:
        raise AssertionError("sandbox mode must not use the network")


def sandbox(number: str) -> list[FinancialPeriodRecord]:
    context = FetchContext(corporate_number=number, mode="sandbox", http=NoHttp(), today=date(2026, 4, 1))
    return list(MoneyForwardConnector().fetch(context))


def test_sandbox_is_deterministic_per_corporate_number() -> None:
    first = sandbox("1234567890123")
    assert first == sandbox("1234567890123") and len(first) == 1
    assert first[0].total_assets == 20_600_000 * 4
    assert sandbox("1000000000000") == [EXPECTED]
    assert sandbox("1000000000002") != [EXPECTED]


def test_sandbox_keeps_the_ratio_column_and_totals() -> None:
    bs, _ = sandbox_reports("1000000000003")
    assert bs["rows"][0]["values"][3] == 20_600_000 * 4
    assert bs["rows"][0]["values"][4] == 100.0
    record = sandbox("1000000000003")[0]
    assert record.total_assets == record.total_liabilities + record.net_assets
