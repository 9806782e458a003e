"""マネーフォワード クラウド会計 → 事業財務情報: one `FinancialPeriodRecord` from the 試算表 (API v3).

Live mode calls `GET {base}/reports/trial_balance_bs` and `/reports/trial_balance_pl` (domain.md §8)
with the access token as a Bearer token and `fiscal_year`, `start_month`, `end_month`: the fiscal
year is `settings["moneyforward_fiscal_year"]` (the year it starts in) or else the latest one that
ended before `context.today`, starting in `settings["moneyforward_start_month"]` (default 4); the
base URL is `settings["moneyforward_base_url"]`. Sandbox mode reads `fixtures/trial_balance_bs.json`
and `fixtures/trial_balance_pl.json` (the real response format) and scales every amount by a whole
factor taken from the 法人番号, so each number always gets the same figures; a number with reports of
its own (`trial_balance_bs.<法人番号>.json`, the demo business) gets those as they are: its
2025年3月期 after an inventory count and a late invoice, small differences from マイページ and from
freee's sandbox, so the two services disagree on a few figures. Both modes go through
`to_financial_period`.

The response is a tree: `columns` names the value columns and each row has `type`, `name`,
`values` (one per column) and nested `rows`. The amount of a row is its value in the
`closing_balance` column, found by index. Totals are taken from the first row (depth first) whose
name is one of the known 決算書科目 names; 減価償却費 is the sum of the account rows of that name
(売上原価内＋販管費内). A figure the report does not contain stays None.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from importlib import resources

from connectors import accounting
from connectors.accounting import fiscal_period, latest_closed_fiscal_year, sandbox_factor
from connectors.accounting import yen as _yen
from portal.sdk import (
    AuthSpec,
    Connector,
    FetchContext,
    FinancialPeriodRecord,
    Section,
    UpstreamError,
)

DEFAULT_BASE_URL = "https://api-accounting.moneyforward.com/api/v3"
AUTHORIZE_URL = "https://api.biz.moneyforward.com/authorize"
TOKEN_URL = "https://api.biz.moneyforward.com/token"
SCOPE = "mfc/accounting/report.read"

BS_ITEMS = {
    "total_assets": ("資産の部合計", "資産合計", "資産の部"),
    "current_assets": ("流動資産合計", "流動資産"),
    "cash_and_deposits": ("現金及び預金", "現金・預金"),
    "notes_receivable": ("受取手形",),
    "accounts_receivable": ("売掛金",),
    "inventories": ("棚卸資産",),
    "fixed_assets": ("固定資産合計", "固定資産"),
    "total_liabilities": ("負債の部合計", "負債合計", "負債の部"),
    "current_liabilities": ("流動負債合計", "流動負債"),
    "notes_payable": ("支払手形",),
    "accounts_payable": ("買掛金",),
    "short_term_borrowings": ("短期借入金",),
    "fixed_liabilities": ("固定負債合計", "固定負債"),
    "long_term_borrowings": ("長期借入金",),
    "net_assets": ("純資産の部合計", "純資産合計", "純資産の部"),
    "capital_stock": ("資本金",),
}
PL_ITEMS = {
    "net_sales": ("売上高",),
    "cost_of_sales": ("売上原価",),
    "gross_profit": ("売上総利益", "売上総損益"),
    "sga_expenses": ("販売費及び一般管理費", "販売費及び一般管理費合計"),
    "operating_income": ("営業利益", "営業損益"),
    "ordinary_income": ("経常利益", "経常損益"),
    "net_income": ("当期純利益", "当期純損益"),
}
DEPRECIATION_ACCOUNT = "減価償却費"


class MoneyForwardConnector(Connector):
    name = "moneyforward"
    title = "マネーフォワード クラウド会計"
    version = "0.1.0"
    description = "マネーフォワード クラウド会計の試算表（貸借対照表・損益計算書）から、決算期ごとの財務情報を取り込みます。"
    auth = AuthSpec.oauth2(AUTHORIZE_URL, TOKEN_URL, scopes=(SCOPE,))
    reads = (Section.FINANCIALS,)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[FinancialPeriodRecord]:
        if context.mode == "sandbox":
            bs, pl = sandbox_reports(context.corporate_number)
            yield to_financial_period(bs, pl)
            return
        start_month = accounting.start_month(context.settings.get("moneyforward_start_month", "4"), "マネーフォワード クラウド会計")
        fiscal_year = int(context.settings.get("moneyforward_fiscal_year") or
                          latest_closed_fiscal_year(context.today, start_month))
        bs, pl = self.live_reports(context, fiscal_year, start_month)
        yield to_financial_period(bs, pl, default_period=fiscal_period(fiscal_year, start_month))

    def live_reports(self, context: FetchContext, fiscal_year: int,
                     start_month: int) -> tuple[object, object]:
        base_url = context.settings.get("moneyforward_base_url", DEFAULT_BASE_URL).rstrip("/")
        headers = {"Authorization": f"Bearer {context.credentials.require()}",
                   "Accept": "application/json"}
        params = {"fiscal_year": str(fiscal_year), "start_month": str(start_month),
                  "end_month": str(accounting.end_month(start_month))}
        return tuple(  # type: ignore[return-value]
            context.http.get(f"{base_url}/reports/{report}", params=params, headers=headers)
            .raise_for_status().json()
            for report in ("trial_balance_bs", "trial_balance_pl"))


# --- periods ----------------------------------------------------------------------------------------

# --- sandbox ----------------------------------------------------------------------------------------

def _fixture(name: str) -> object:
    return json.loads(resources.files(__package__).joinpath(f"fixtures/{name}").read_text("utf-8"))


def _own_fixture(name: str, corporate_number: str) -> object | None:
    path = resources.files(__package__).joinpath(f"fixtures/{name}.{corporate_number}.json")
    return json.loads(path.read_text("utf-8")) if corporate_number.isdigit() and path.is_file() else None


def sandbox_reports(corporate_number: str) -> tuple[object, object]:
    own = _own_fixture("trial_balance_bs", corporate_number), _own_fixture("trial_balance_pl", corporate_number)
    if None not in own:
        return own
    factor = sandbox_factor(corporate_number)
    return (_scaled(_fixture("trial_balance_bs.json"), factor),
            _scaled(_fixture("trial_balance_pl.json"), factor))


def _scaled(body: object, factor: int) -> object:
    """Every amount column times `factor` (the ratio column is left as it is)."""
    if not isinstance(body, dict):
        return body
    columns = body.get("columns") or []

    def scale_rows(rows: list) -> list:
        return [{**row,
                 "values": [v * factor if isinstance(v, int) and column != "ratio" else v
                            for column, v in zip(columns, row.get("values") or [])],
                 "rows": scale_rows(row.get("rows") or [])} for row in rows]

    return {**body, "rows": scale_rows(body.get("rows") or [])}


# --- parsing ----------------------------------------------------------------------------------------

class _Tree:
    """One report: the amount of the first row of each name, and account amounts summed by name."""

    def __init__(self, body: object) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("columns"), list) \
                or not isinstance(body.get("rows"), list):
            raise UpstreamError(detail="no 'columns' and 'rows' in the trial balance")
        try:
            self.index = body["columns"].index("closing_balance")
        except ValueError:
            raise UpstreamError(detail="no 'closing_balance' column in the trial balance") from None
        self.items: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.body = body
        self._walk(body["rows"])

    def _walk(self, rows: list) -> None:
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("name"), str):
                raise ValueError(f"row without a name: {row!r}")
            amount = _yen(row["values"][self.index])
            self.items.setdefault(row["name"], amount)
            if row.get("type") == "account":
                self.accounts[row["name"]] = self.accounts.get(row["name"], 0) + amount
            self._walk(row.get("rows") or [])

    def item(self, names: tuple[str, ...]) -> int | None:
        return next((self.items[n] for n in names if n in self.items), None)


def to_financial_period(bs_body: object, pl_body: object, *,
                        default_period: tuple[date, date] | None = None) -> FinancialPeriodRecord:
    """The record for the period the BS response names (its `start_date`/`end_date`), else
    `default_period`; UpstreamError if the responses cannot be read."""
    try:
        bs, pl = _Tree(bs_body), _Tree(pl_body)
        body = bs.body
        if body.get("start_date") and body.get("end_date"):
            start, end = date.fromisoformat(body["start_date"]), date.fromisoformat(body["end_date"])
        elif default_period is not None:
            start, end = default_period
        else:
            raise ValueError("no start_date/end_date in the response")
        values: dict[str, int | None] = {f: bs.item(names) for f, names in BS_ITEMS.items()}
        values.update({f: pl.item(names) for f, names in PL_ITEMS.items()})
        values["depreciation"] = pl.accounts.get(DEPRECIATION_ACCOUNT)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return FinancialPeriodRecord(period_end=end, period_start=start, months=months, **values)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        raise UpstreamError(detail=f"unreadable Money Forward trial balance: {error!r}") from None
