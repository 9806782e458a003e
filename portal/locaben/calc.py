"""The ロカベン calculation exactly as the official sheet does it (locaben.md): six indicators per
決算期, 事業規模, 1–5 points against the (ロカベン小分類, 事業規模) row, 総合評価点 and rank.

Pure functions on plain values, no Flask and no database, so the API, the screen, saved reports
and `make bench` all run the same code. Amounts are in 千円 as on the official sheet. Values are
binary floats, like the workbook's, so that a value that lands exactly on a cut-off scores as it
does in Excel. `None` means "cannot be computed" and is shown as 「-」.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from portal.locaben import baseline
from portal.locaben.baseline import MEDIUM, SMALL

#: The six indicators in the sheet's order: key, 指標, 観点, unit shown, whether higher is better.
INDICATORS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("sales_growth", "売上増加率", "売上持続性", "%", True),
    ("operating_margin", "営業利益率", "収益性", "%", True),
    ("labor_productivity", "労働生産性", "生産性", "千円", True),
    ("ebitda_debt_ratio", "EBITDA有利子負債倍率", "健全性", "倍", False),
    ("working_capital_months", "営業運転資本回転期間", "効率性", "ヶ月", False),
    ("equity_ratio", "自己資本比率", "安全性", "%", True),
)
INDICATOR_KEYS = tuple(item[0] for item in INDICATORS)
RATIO_KEYS = frozenset(item[0] for item in INDICATORS if item[3] == "%")
MAX_PERIODS = 3
CAVEAT = ("評価点は、業種ごとの基準値からの距離を示すものであり、企業の良し悪しを評価するものではありません。"
          "財務指標は企業の一側面にすぎないため、非財務情報とあわせて対話のきっかけとしてご活用ください。")

#: 事業規模 limits per ロカベン大分類: (capital limit in 千円, employee limit, small-business limit).
SIZE_LIMITS: dict[str, tuple[int, int, int]] = {
    "04": (100_000, 100, 5),
    **{major: (50_000, 50, 5) for major in ("05", "06")},
    **{major: (50_000, 100, 5) for major in ("10", "11", "12", "13")},
}
DEFAULT_SIZE_LIMITS = (300_000, 300, 20)


@dataclass(frozen=True)
class PeriodInput:
    """One 決算期 as entered, in 千円 (employees in persons). None = not entered."""

    label: str = ""
    sales: float | None = None
    prior_sales: float | None = None
    operating_income: float | None = None
    depreciation: float | None = None
    cash: float | None = None
    notes_receivable: float | None = None
    accounts_receivable: float | None = None
    inventory: float | None = None
    notes_payable: float | None = None
    accounts_payable: float | None = None
    borrowings: float | None = None
    liabilities: float | None = None
    net_assets: float | None = None
    employees: float | None = None


AMOUNT_FIELDS = tuple(f.name for f in fields(PeriodInput) if f.name != "label")


@dataclass(frozen=True)
class IndicatorResult:
    key: str
    value: float | None
    score: int | None
    baseline: float


@dataclass(frozen=True)
class PeriodResult:
    label: str
    indicators: dict[str, IndicatorResult]
    total: int | None
    rank: str | None

    @property
    def scores(self) -> list[int | None]:
        return [self.indicators[key].score for key in INDICATOR_KEYS]


@dataclass(frozen=True)
class Evaluation:
    industry: baseline.Industry
    size: str
    is_sme: bool
    periods: list[PeriodResult] = field(default_factory=list)


class UnknownIndustry(ValueError):
    """The code is neither a ロカベン小分類 nor a mapped JSIC 細分類."""


# --- the six indicators -------------------------------------------------------------------------

def _finite(value: float) -> float | None:
    """A quotient past what a float holds (a denominator of 1e-300) cannot be computed either."""
    return value if math.isfinite(value) else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return _finite(numerator / denominator)


def sales_growth(period: PeriodInput, older: PeriodInput | None = None) -> float | None:
    """① sales ÷ prior_sales − 1; prior_sales defaults to the next-older period's sales."""
    prior = period.prior_sales if period.prior_sales is not None else (older.sales if older else None)
    ratio = _ratio(period.sales, prior)
    return None if ratio is None else ratio - 1


def operating_margin(period: PeriodInput) -> float | None:
    """② operating_income ÷ sales."""
    return _ratio(period.operating_income, period.sales)


def labor_productivity(period: PeriodInput) -> float | None:
    """③ operating_income ÷ employees (千円/人)."""
    return _ratio(period.operating_income, period.employees)


def net_debt(period: PeriodInput) -> float | None:
    if period.borrowings is None or period.cash is None:
        return None
    return period.borrowings - period.cash


def ebitda(period: PeriodInput) -> float | None:
    if period.operating_income is None or period.depreciation is None:
        return None
    return period.operating_income + period.depreciation


def ebitda_debt_ratio(period: PeriodInput) -> float | None:
    """④ (borrowings − cash) ÷ (operating_income + depreciation)."""
    return _ratio(net_debt(period), ebitda(period))


WORKING_CAPITAL_ITEMS = ("accounts_receivable", "notes_receivable", "inventory", "accounts_payable", "notes_payable")


def working_capital_months(period: PeriodInput) -> float | None:
    """⑤ (売上債権 + 棚卸資産 − 買入債務) ÷ (sales ÷ 12); a missing item is 0 if any is given."""
    items = {name: getattr(period, name) for name in WORKING_CAPITAL_ITEMS}
    if all(value is None for value in items.values()) or period.sales is None or period.sales == 0:
        return None
    v = {name: value or 0 for name, value in items.items()}
    working = v["accounts_receivable"] + v["notes_receivable"] + v["inventory"] - v["accounts_payable"] \
        - v["notes_payable"]
    return _finite(working / (period.sales / 12)) if period.sales / 12 else None


def equity_ratio(period: PeriodInput) -> float | None:
    """⑥ net_assets ÷ (net_assets + liabilities)."""
    if period.net_assets is None or period.liabilities is None:
        return None
    return _ratio(period.net_assets, period.net_assets + period.liabilities)


# --- scoring ------------------------------------------------------------------------------------

def score_higher(value: float | None, cut: baseline.Cutoffs) -> int | None:
    """①②③⑥: 5 if v ≥ ⅰ; 4 if v ≥ ⅱ; 3 if v ≥ ⅲ; 2 if v ≥ ⅳ; else 1."""
    if value is None:
        return None
    for points, limit in ((5, cut.i), (4, cut.ii), (3, cut.iii), (2, cut.iv)):
        if value >= limit:
            return points
    return 1


def score_lower(value: float | None, cut: baseline.Cutoffs) -> int | None:
    """⑤ (and ④ with net debt and positive EBITDA): 5 if v < ⅰ; 4 if v < ⅱ; 3 if v < ⅲ; 2 if v < ⅳ; else 1."""
    if value is None:
        return None
    for points, limit in ((5, cut.i), (4, cut.ii), (3, cut.iii), (2, cut.iv)):
        if value < limit:
            return points
    return 1


def score_ebitda_debt(period: PeriodInput, cut: baseline.Cutoffs) -> int | None:
    """④ in the sheet's order: net cash → 5; else EBITDA ≤ 0 → 1; else lower is better.

    The first two rules need no division, so they also score a period whose EBITDA is exactly 0
    (the ratio itself is then 「-」), as the workbook's IF formula does.
    """
    debt, earnings = net_debt(period), ebitda(period)
    if debt is None or earnings is None:
        return None
    if debt <= 0:
        return 5
    if earnings <= 0:
        return 1
    return score_lower(debt / earnings, cut)


def rank(total: int) -> str:
    """A ≥ 24; B ≥ 18; C ≥ 12; D below 12."""
    for letter, limit in (("A", 24), ("B", 18), ("C", 12)):
        if total >= limit:
            return letter
    return "D"


# --- 事業規模 and industry ---------------------------------------------------------------------

def size_limits(industry_code: str) -> tuple[int, int, int]:
    return SIZE_LIMITS.get(industry_code[:2], DEFAULT_SIZE_LIMITS)


def is_sme(industry_code: str, capital: float | None, employees: float) -> bool:
    """中小企業: capital ≤ limit or employees ≤ limit. A capital of 0 (個人事業主) satisfies no capital clause."""
    capital_limit, employee_limit, _small = size_limits(industry_code)
    return bool(capital) and capital <= capital_limit or employees <= employee_limit


def business_size(industry_code: str, capital: float | None, employees: float) -> str:
    """小規模事業者 for an SME with employees ≤ the small limit; everything else is 中規模事業者."""
    small_limit = size_limits(industry_code)[2]
    return SMALL if is_sme(industry_code, capital, employees) and employees <= small_limit else MEDIUM


def resolve_industry(code: str | None = None, jsic: str | None = None) -> baseline.Industry:
    """A ロカベン小分類 code, or a JSIC 細分類 mapped through the official table."""
    if jsic:
        mapped = baseline.jsic_industry(jsic)
        if mapped is None:
            raise UnknownIndustry(jsic)
        code = mapped.locaben
    found = baseline.industry(code or "")
    if found is None:
        raise UnknownIndustry(code or "")
    return found


# --- the whole sheet ----------------------------------------------------------------------------

def indicator_values(period: PeriodInput, older: PeriodInput | None) -> dict[str, float | None]:
    return {
        "sales_growth": sales_growth(period, older),
        "operating_margin": operating_margin(period),
        "labor_productivity": labor_productivity(period),
        "ebitda_debt_ratio": ebitda_debt_ratio(period),
        "working_capital_months": working_capital_months(period),
        "equity_ratio": equity_ratio(period),
    }


def evaluate_period(period: PeriodInput, older: PeriodInput | None, industry_code: str, size: str) -> PeriodResult:
    values = indicator_values(period, older)
    results = {}
    for key, _name, _view, _unit, higher in INDICATORS:
        cut = baseline.cutoffs(industry_code, size, key)
        if key == "ebitda_debt_ratio":
            score = score_ebitda_debt(period, cut)
        else:
            score = (score_higher if higher else score_lower)(values[key], cut)
        results[key] = IndicatorResult(key, values[key], score, cut.median)
    scored = [r.score for r in results.values() if r.score is not None]
    total = sum(scored) if scored else None
    return PeriodResult(period.label, results, total, rank(total) if total is not None else None)


def evaluate(industry: baseline.Industry, capital: float | None, periods: Sequence[PeriodInput]) -> Evaluation:
    """Scores up to three periods, newest first. 事業規模 uses the newest period's employees."""
    if not 1 <= len(periods) <= MAX_PERIODS:
        raise ValueError(f"between 1 and {MAX_PERIODS} periods, newest first")
    employees = periods[0].employees
    if employees is None:
        raise ValueError("the newest period's employees decide 事業規模")
    size = business_size(industry.code, capital, employees)
    results = [evaluate_period(period, periods[i + 1] if i + 1 < len(periods) else None, industry.code, size)
               for i, period in enumerate(periods)]
    return Evaluation(industry, size, is_sme(industry.code, capital, employees), results)
