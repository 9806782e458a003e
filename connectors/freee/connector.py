"""freee会計 → 事業財務情報: one `FinancialPeriodRecord` from the 試算表 (trial_bs / trial_pl).

Live mode calls the freee 会計 API (domain.md §8): `GET /api/1/reports/trial_bs` and `/trial_pl`
with `company_id`, `fiscal_year`, `start_month`, `end_month`, the access token as a Bearer token.
The company is `settings["freee_company_id"]` or else the first of `GET /api/1/companies`; the
fiscal year is `settings["freee_fiscal_year"]` (the year it starts in) or else the latest one that
ended before `context.today`, with the year starting in `settings["freee_start_month"]` (default 4).
Sandbox mode reads `fixtures/trial_bs.json` and `fixtures/trial_pl.json` (the real response format)
and scales every amount by a whole factor taken from the 法人番号, so each number always gets the
same, internally consistent figures. A number with reports of its own (`trial_bs.<法人番号>.json`,
the demo business 株式会社みらい工房) gets those as they are: its 2025年3月期 as its books say after a
late invoice, a few small differences from what マイページ holds. Both modes go through
`to_financial_period`.

Mapping: PL from the category rows 売上高, 売上原価, 売上総損益金額, 販売管理費, 営業損益金額,
経常損益金額, 当期純損益金額; BS totals from the category rows 資産, 流動資産, 固定資産, 負債,
流動負債, 固定負債, 純資産, 棚卸資産; 現金及び預金 is the sum of the accounts under 現金・預金;
売掛金, 受取手形, 買掛金, 支払手形, 短期借入金, 長期借入金, 資本金 and 減価償却費 by account name
(summed where an account appears more than once). A figure the report does not contain stays None.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources

from connectors import accounting
from connectors.accounting import fiscal_period, latest_closed_fiscal_year, sandbox_factor
from connectors.accounting import yen as _yen
from portal.sdk import (
    AuthSpec,
    Connector,
    ConnectorError,
    FetchContext,
    FinancialPeriodRecord,
    Section,
    UpstreamError,
)

DEFAULT_BASE_URL = "https://api.freee.co.jp"
AUTHORIZE_URL = "https://accounts.secure.freee.co.jp/public_api/authorize"
TOKEN_URL = "https://accounts.secure.freee.co.jp/public_api/token"

BS_CATEGORIES = {
    "total_assets": ("資産",), "current_assets": ("流動資産",), "fixed_assets": ("固定資産",),
    "inventories": ("棚卸資産",), "total_liabilities": ("負債",), "current_liabilities": ("流動負債",),
    "fixed_liabilities": ("固定負債",), "net_assets": ("純資産",),
}
BS_ACCOUNTS = {
    "notes_receivable": "受取手形", "accounts_receivable": "売掛金", "notes_payable": "支払手形",
    "accounts_payable": "買掛金", "short_term_borrowings": "短期借入金",
    "long_term_borrowings": "長期借入金", "capital_stock": "資本金",
}
PL_CATEGORIES = {
    "net_sales": ("売上高",), "cost_of_sales": ("売上原価",), "gross_profit": ("売上総損益金額",),
    "sga_expenses": ("販売管理費", "販売費及び一般管理費"), "operating_income": ("営業損益金額",),
    "ordinary_income": ("経常損益金額",), "net_income": ("当期純損益金額",),
}
PL_ACCOUNTS = {"depreciation": "減価償却費"}
CASH_CATEGORY = "現金・預金"


class FreeeConnector(Connector):
    name = "freee"
    title = "freee会計"
    version = "0.1.0"
    description = "freee会計の試算表（貸借対照表・損益計算書）から、決算期ごとの財務情報を取り込みます。"
    auth = AuthSpec.oauth2(AUTHORIZE_URL, TOKEN_URL, scopes=("read",))
    reads = (Section.FINANCIALS,)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[FinancialPeriodRecord]:
        if context.mode == "sandbox":
            trial_bs, trial_pl = sandbox_reports(context.corporate_number)
        else:
            trial_bs, trial_pl = self.live_reports(context)
        yield to_financial_period(trial_bs, trial_pl)

    def live_reports(self, context: FetchContext) -> tuple[object, object]:
        base_url = context.settings.get("freee_base_url", DEFAULT_BASE_URL).rstrip("/")
        headers = {"Authorization": f"Bearer {context.credentials.require()}",
                   "Accept": "application/json"}
        company_id = context.settings.get("freee_company_id") or self._first_company_id(
            context, base_url, headers)
        start_month = accounting.start_month(context.settings.get("freee_start_month", "4"), "freee会計")
        fiscal_year = context.settings.get("freee_fiscal_year") or str(
            latest_closed_fiscal_year(context.today, start_month))
        params = {"company_id": str(company_id), "fiscal_year": str(fiscal_year),
                  "start_month": str(start_month), "end_month": str(accounting.end_month(start_month))}
        return tuple(  # type: ignore[return-value]
            context.http.get(f"{base_url}/api/1/reports/{report}", params=params, headers=headers)
            .raise_for_status().json()
            for report in ("trial_bs", "trial_pl"))

    @staticmethod
    def _first_company_id(context: FetchContext, base_url: str, headers: Mapping[str, str]) -> str:
        body = context.http.get(f"{base_url}/api/1/companies", headers=headers).raise_for_status().json()
        companies = body.get("companies") if isinstance(body, dict) else None
        if not isinstance(companies, list):
            raise UpstreamError(detail="no 'companies' list in the response")
        if not companies:
            raise ConnectorError("freee会計に、このアカウントで見られる事業所がありません。")
        if not isinstance(companies[0], dict) or "id" not in companies[0]:
            raise UpstreamError(detail="company without an id")
        return str(companies[0]["id"])


# --- periods ----------------------------------------------------------------------------------------

# --- sandbox ----------------------------------------------------------------------------------------

def _fixture(name: str) -> object:
    return json.loads(resources.files(__package__).joinpath(f"fixtures/{name}").read_text("utf-8"))


def _own_fixture(name: str, corporate_number: str) -> object | None:
    path = resources.files(__package__).joinpath(f"fixtures/{name}.{corporate_number}.json")
    return json.loads(path.read_text("utf-8")) if corporate_number.isdigit() and path.is_file() else None


def sandbox_reports(corporate_number: str) -> tuple[object, object]:
    own = _own_fixture("trial_bs", corporate_number), _own_fixture("trial_pl", corporate_number)
    if None not in own:
        return own
    factor = sandbox_factor(corporate_number)
    return _scaled(_fixture("trial_bs.json"), factor), _scaled(_fixture("trial_pl.json"), factor)


_AMOUNT_KEYS = frozenset({"opening_balance", "debit_amount", "credit_amount", "closing_balance"})


def _scaled(value: object, factor: int) -> object:
    if isinstance(value, dict):
        return {k: (v * factor if k in _AMOUNT_KEYS and isinstance(v, int) else _scaled(v, factor))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, factor) for v in value]
    return value


# --- parsing ----------------------------------------------------------------------------------------

def _report(body: object, key: str) -> dict:
    report = body.get(key) if isinstance(body, dict) else None
    if not isinstance(report, dict) or not isinstance(report.get("balances"), list):
        raise UpstreamError(detail=f"no '{key}.balances' in the response")
    return report


class _Balances:
    """The rows of one report: category rows by name, account rows by name and by category."""

    def __init__(self, rows: list) -> None:
        self.categories: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.by_category: dict[str, int] = {}
        for row in rows:
            if not isinstance(row, dict):
                raise ValueError(f"balance row is not an object: {row!r}")
            amount = _yen(row.get("closing_balance", 0) or 0)
            if row.get("account_item_name"):
                name = row["account_item_name"]
                self.accounts[name] = self.accounts.get(name, 0) + amount
                category = row.get("account_category_name")
                if category:
                    self.by_category[category] = self.by_category.get(category, 0) + amount
            elif row.get("account_category_name"):
                self.categories.setdefault(row["account_category_name"], amount)

    def category(self, names: tuple[str, ...]) -> int | None:
        return next((self.categories[n] for n in names if n in self.categories), None)


def _period(report: dict) -> tuple[date, date]:
    if report.get("start_date") and report.get("end_date"):
        return date.fromisoformat(report["start_date"]), date.fromisoformat(report["end_date"])
    return fiscal_period(int(report["fiscal_year"]), int(report.get("start_month") or 1))


def to_financial_period(trial_bs_body: object, trial_pl_body: object) -> FinancialPeriodRecord:
    """The record for the period of the trial_bs response; UpstreamError if it cannot be read."""
    trial_bs, trial_pl = _report(trial_bs_body, "trial_bs"), _report(trial_pl_body, "trial_pl")
    try:
        start, end = _period(trial_bs)
        bs, pl = _Balances(trial_bs["balances"]), _Balances(trial_pl["balances"])
        values: dict[str, int | None] = {}
        for field_name, names in BS_CATEGORIES.items():
            values[field_name] = bs.category(names)
        for field_name, account in BS_ACCOUNTS.items():
            values[field_name] = bs.accounts.get(account)
        values["cash_and_deposits"] = bs.by_category.get(CASH_CATEGORY, bs.category((CASH_CATEGORY,)))
        for field_name, names in PL_CATEGORIES.items():
            values[field_name] = pl.category(names)
        for field_name, account in PL_ACCOUNTS.items():
            values[field_name] = pl.accounts.get(account)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return FinancialPeriodRecord(period_end=end, period_start=start, months=months, **values)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UpstreamError(detail=f"unreadable freee trial balance: {error!r}") from None
