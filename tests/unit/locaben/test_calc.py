"""The ロカベン calculation: every formula and edge case of locaben.md, the scoring cut-offs in both
directions, 事業規模 for every group, and a three-period company worked by hand."""

from __future__ import annotations

import math

import pytest

from portal.locaben import baseline, calc
from portal.locaben.baseline import MEDIUM, SMALL
from portal.locaben.calc import PeriodInput

FULL = {"sales": 120_000, "operating_income": 6_000, "depreciation": 2_000, "cash": 10_000,
        "notes_receivable": 1_000, "accounts_receivable": 9_000, "inventory": 5_000, "notes_payable": 2_000,
        "accounts_payable": 3_000, "borrowings": 50_000, "liabilities": 80_000, "net_assets": 20_000, "employees": 10}


def period(**values) -> PeriodInput:
    return PeriodInput(**{**FULL, **values})


# --- ① 売上増加率 ---------------------------------------------------------------------------------

def test_sales_growth_uses_the_older_periods_sales():
    assert calc.sales_growth(period(sales=110), PeriodInput(sales=100)) == pytest.approx(0.10)


def test_sales_growth_prefers_an_explicit_prior_sales():
    assert calc.sales_growth(period(sales=90, prior_sales=100), PeriodInput(sales=50)) == pytest.approx(-0.10)


def test_sales_growth_without_any_prior_sales_has_no_value():
    assert calc.sales_growth(period(), None) is None
    assert calc.sales_growth(period(), PeriodInput(sales=None)) is None


def test_sales_growth_with_zero_prior_sales_has_no_value():
    assert calc.sales_growth(period(prior_sales=0), None) is None


def test_sales_growth_without_sales_has_no_value():
    assert calc.sales_growth(period(sales=None), PeriodInput(sales=100)) is None


# --- ② 営業利益率 / ③ 労働生産性 ----------------------------------------------------------------

def test_operating_margin_may_be_negative():
    assert calc.operating_margin(period(sales=200, operating_income=-10)) == pytest.approx(-0.05)


def test_operating_margin_with_zero_or_missing_sales_has_no_value():
    assert calc.operating_margin(period(sales=0)) is None
    assert calc.operating_margin(period(sales=None)) is None
    assert calc.operating_margin(period(operating_income=None)) is None


def test_labor_productivity_is_operating_income_per_employee():
    assert calc.labor_productivity(period(operating_income=9_000, employees=4)) == 2_250


def test_labor_productivity_with_zero_or_missing_employees_has_no_value():
    assert calc.labor_productivity(period(employees=0)) is None
    assert calc.labor_productivity(period(employees=None)) is None


# --- ④ EBITDA有利子負債倍率 -------------------------------------------------------------------------

CUT4 = baseline.Cutoffs(median=5, iv=20, iii=10, ii=5, i=1)


def test_ebitda_debt_ratio_formula():
    p = period(borrowings=50_000, cash=10_000, operating_income=6_000, depreciation=2_000)
    assert calc.ebitda_debt_ratio(p) == 5.0
    assert calc.score_ebitda_debt(p, CUT4) == 3  # 5.0 is not < ⅱ (5) but < ⅲ (10)


def test_net_cash_scores_five_even_with_a_loss():
    p = period(borrowings=10_000, cash=30_000, operating_income=-8_000, depreciation=1_000)
    assert calc.ebitda_debt_ratio(p) == pytest.approx(20_000 / 7_000)  # (−20,000) ÷ (−7,000), shown as computed
    assert calc.score_ebitda_debt(p, CUT4) == 5


def test_net_debt_of_exactly_zero_counts_as_net_cash():
    assert calc.score_ebitda_debt(period(borrowings=10_000, cash=10_000), CUT4) == 5


def test_negative_ebitda_with_net_debt_scores_one():
    p = period(borrowings=50_000, cash=10_000, operating_income=-6_000, depreciation=2_000)
    assert calc.ebitda_debt_ratio(p) == -10.0
    assert calc.score_ebitda_debt(p, CUT4) == 1


def test_zero_ebitda_has_no_value_but_is_scored_by_the_rules():
    with_debt = period(borrowings=50_000, cash=10_000, operating_income=-2_000, depreciation=2_000)
    assert calc.ebitda_debt_ratio(with_debt) is None
    assert calc.score_ebitda_debt(with_debt, CUT4) == 1
    net_cash = period(borrowings=0, cash=10_000, operating_income=-2_000, depreciation=2_000)
    assert calc.ebitda_debt_ratio(net_cash) is None
    assert calc.score_ebitda_debt(net_cash, CUT4) == 5


@pytest.mark.parametrize("missing", ["borrowings", "cash", "operating_income", "depreciation"])
def test_ebitda_debt_ratio_with_a_missing_input_has_no_value_and_no_score(missing):
    p = period(**{missing: None})
    assert calc.ebitda_debt_ratio(p) is None
    assert calc.score_ebitda_debt(p, CUT4) is None


# --- ⑤ 営業運転資本回転期間 -------------------------------------------------------------------------

def test_working_capital_months_formula():
    # (9,000 + 1,000 + 5,000 − 3,000 − 2,000) ÷ (120,000 ÷ 12) = 10,000 ÷ 10,000
    assert calc.working_capital_months(period()) == 1.0


def test_working_capital_missing_items_count_as_zero_when_one_is_given():
    p = PeriodInput(sales=120_000, accounts_receivable=20_000)
    assert calc.working_capital_months(p) == 2.0
    assert calc.working_capital_months(PeriodInput(sales=120_000, accounts_payable=10_000)) == -1.0


def test_working_capital_with_no_item_or_no_sales_has_no_value():
    assert calc.working_capital_months(PeriodInput(sales=120_000)) is None
    assert calc.working_capital_months(period(sales=0)) is None
    assert calc.working_capital_months(period(sales=None)) is None


# --- ⑥ 自己資本比率 ----------------------------------------------------------------------------------

def test_equity_ratio_formula_and_negative_equity():
    assert calc.equity_ratio(period(net_assets=20_000, liabilities=80_000)) == 0.2
    assert calc.equity_ratio(period(net_assets=-10_000, liabilities=60_000)) == -0.2


def test_equity_ratio_with_zero_total_or_missing_input_has_no_value():
    assert calc.equity_ratio(period(net_assets=-5_000, liabilities=5_000)) is None
    assert calc.equity_ratio(period(net_assets=None)) is None
    assert calc.equity_ratio(period(liabilities=None)) is None


# --- scoring cut-offs in both directions ----------------------------------------------------------

UP = baseline.Cutoffs(median=0.0, iv=-0.1, iii=0.0, ii=0.05, i=0.2)
DOWN = baseline.Cutoffs(median=1.0, iv=5.0, iii=2.5, ii=1.0, i=0.3)


@pytest.mark.parametrize(("cut", "at", "below"), [("i", 5, 4), ("ii", 4, 3), ("iii", 3, 2), ("iv", 2, 1)])
def test_higher_is_better_scores_at_and_just_below_each_cutoff(cut, at, below):
    limit = getattr(UP, cut)
    assert calc.score_higher(limit, UP) == at
    assert calc.score_higher(math.nextafter(limit, -math.inf), UP) == below


@pytest.mark.parametrize(("cut", "at", "below"), [("i", 4, 5), ("ii", 3, 4), ("iii", 2, 3), ("iv", 1, 2)])
def test_lower_is_better_scores_at_and_just_below_each_cutoff(cut, at, below):
    limit = getattr(DOWN, cut)
    assert calc.score_lower(limit, DOWN) == at
    assert calc.score_lower(math.nextafter(limit, -math.inf), DOWN) == below


def test_ebitda_ratio_exactly_at_a_cutoff_scores_like_lower_is_better():
    # net debt 10,000 ÷ EBITDA 2,000 = 5.0 = ⅱ of CUT4: not < 5 → 3; 4,999 ÷ 1,000 < 5 → 4
    assert calc.score_ebitda_debt(period(borrowings=10_000, cash=0, operating_income=2_000, depreciation=0),
                                  CUT4) == 3
    assert calc.score_ebitda_debt(period(borrowings=4_999, cash=0, operating_income=1_000, depreciation=0),
                                  CUT4) == 4


def test_extremes_and_no_value():
    assert calc.score_higher(10.0, UP) == 5 and calc.score_higher(-10.0, UP) == 1
    assert calc.score_lower(-10.0, DOWN) == 5 and calc.score_lower(10.0, DOWN) == 1
    assert calc.score_higher(None, UP) is None and calc.score_lower(None, DOWN) is None


@pytest.mark.parametrize(("total", "letter"), [(30, "A"), (24, "A"), (23, "B"), (18, "B"), (17, "C"), (12, "C"),
                                               (11, "D"), (1, "D")])
def test_rank_boundaries(total, letter):
    assert calc.rank(total) == letter


def test_real_cutoffs_are_applied_at_their_exact_values():
    cut = baseline.cutoffs("0301", SMALL, "operating_margin")
    assert calc.score_higher(cut.ii, cut) == 4
    assert calc.score_higher(math.nextafter(cut.ii, -1), cut) == 3
    cut5 = baseline.cutoffs("0301", SMALL, "working_capital_months")
    assert calc.score_lower(cut5.iii, cut5) == 2
    assert calc.score_lower(math.nextafter(cut5.iii, -1), cut5) == 3


# --- 事業規模 ------------------------------------------------------------------------------------------

GROUPS = [  # (industry, capital limit 千円, employee limit, small limit)
    ("0401", 100_000, 100, 5),
    ("0501", 50_000, 50, 5),
    ("0601", 50_000, 50, 5),
    ("1003", 50_000, 100, 5),
    ("1101", 50_000, 100, 5),
    ("1201", 50_000, 100, 5),
    ("1301", 50_000, 100, 5),
    ("0101", 300_000, 300, 20),
    ("0201", 300_000, 300, 20),
    ("0305", 300_000, 300, 20),
    ("0701", 300_000, 300, 20),
    ("0801", 300_000, 300, 20),
    ("0901", 300_000, 300, 20),
    ("1400", 300_000, 300, 20),
]


@pytest.mark.parametrize(("code", "capital_limit", "employee_limit", "small"), GROUPS)
def test_size_boundaries_of_every_group(code, capital_limit, employee_limit, small):
    assert calc.size_limits(code) == (capital_limit, employee_limit, small)
    assert calc.business_size(code, 1_000, small) == SMALL
    assert calc.business_size(code, 1_000, small + 1) == MEDIUM
    assert calc.business_size(code, 0, small) == SMALL  # 個人事業主: classified by employees
    # the 中小企業 clauses: capital exactly at the limit, or employees exactly at the limit
    assert calc.is_sme(code, capital_limit, employee_limit + 1)
    assert not calc.is_sme(code, capital_limit + 1, employee_limit + 1)
    assert calc.is_sme(code, capital_limit + 1, employee_limit)
    assert not calc.is_sme(code, 0, employee_limit + 1)  # capital 0 satisfies no capital clause
    assert calc.is_sme(code, 0, employee_limit)
    assert calc.business_size(code, capital_limit + 1, employee_limit + 1) == MEDIUM  # large: scored as 中規模


def test_wholesale_applies_the_employee_clause_as_written():
    # The official workbook ignores employees for 卸売業; the portal follows the rule (locaben.md).
    assert calc.is_sme("0404", 200_000, 100)
    assert calc.business_size("0404", 200_000, 5) == SMALL


# --- industries -----------------------------------------------------------------------------------

def test_industry_from_a_locaben_code_or_a_jsic_code():
    assert calc.resolve_industry("0301").name == "食料品・飼料・飲料製造業"
    assert calc.resolve_industry(jsic="0971").code == "0301"  # パン製造業
    with pytest.raises(calc.UnknownIndustry):
        calc.resolve_industry("9999")
    with pytest.raises(calc.UnknownIndustry):
        calc.resolve_industry(jsic="0000")


def test_searching_jsic_names_lists_own_name_hits_first():
    hits = baseline.search_jsic("パン")
    assert hits[0].name.startswith("パン") and hits[0].locaben == "0301"
    assert baseline.search_jsic("  ") == []
    assert [h.code for h in baseline.search_jsic("ソフトウェア 受託")] == ["3911"]


# --- totals ---------------------------------------------------------------------------------------

def test_missing_indicators_are_left_out_of_the_total_not_counted_as_zero():
    result = calc.evaluate(calc.resolve_industry("0301"), 10_000, [PeriodInput(sales=100_000, employees=3)])
    only = result.periods[0]
    assert [key for key, r in only.indicators.items() if r.score is not None] == []
    assert only.total is None and only.rank is None


def test_evaluate_needs_the_newest_employees_and_one_to_three_periods():
    industry = calc.resolve_industry("0301")
    with pytest.raises(ValueError):
        calc.evaluate(industry, 0, [PeriodInput(sales=1)])
    with pytest.raises(ValueError):
        calc.evaluate(industry, 0, [])
    with pytest.raises(ValueError):
        calc.evaluate(industry, 0, [period()] * 4)


def test_a_three_period_company_worked_by_hand():
    """A bakery (JSIC 0971 パン製造業 → ロカベン 0301 食料品・飼料・飲料製造業), capital 10,000千円,
    8 正社員 in the newest period. 中小企業 (capital ≤ 300,000), 8 ≤ 20 → 小規模事業者. Cut-offs of
    (0301, 小規模事業者) [ⅳ, ⅲ, ⅱ, ⅰ]: ① −0.0745, −0.0075, 0.0632, 0.1981; ② −0.0523, −0.0005, 0.0252,
    0.0562; ③ −1320.65, 35.44, 1253.67, 3831.87; ④ 49.77, 20.73, 6.2756, 1.3765; ⑤ 5.165, 2.447, 1.046,
    0.279; ⑥ −0.389, 0.0542, 0.3333, 0.7190.

    2024-03: ① 240,000 ÷ 200,000 − 1 = 0.20 ≥ ⅰ → 5. ② 9,600 ÷ 240,000 = 0.04 ≥ ⅱ → 4.
      ③ 9,600 ÷ 8 = 1,200 ≥ ⅲ, < ⅱ → 3. ④ (110,000 − 30,000) ÷ (9,600 + 6,400) = 5.0: < ⅱ → 4.
      ⑤ (20,000 + 0 + 8,000 − 12,000 − 0) ÷ (240,000 ÷ 12) = 0.8: < ⅱ → 4.
      ⑥ 50,000 ÷ 200,000 = 0.25 ≥ ⅲ → 3. Total 23 → B.
    2023-03: ① 200,000 ÷ 250,000 − 1 = −0.20 < ⅳ → 1. ② −2,000 ÷ 200,000 = −0.01 ≥ ⅳ → 2.
      ③ −2,000 ÷ 7 = −285.71 ≥ ⅳ → 2. ④ net debt 100,000 > 0 and EBITDA −1,000 ≤ 0 → 1 (value −100).
      ⑤ 受取手形・支払手形 blank count as 0: (25,000 + 10,000 − 5,000) ÷ (200,000 ÷ 12) = 1.8: < ⅲ → 3.
      ⑥ 40,000 ÷ 200,000 = 0.2 → 3. Total 12 → C (exactly at the C line).
    2022-03: ① no older period and no 前期売上高 → 「-」. ② 5,000 ÷ 250,000 = 0.02 ≥ ⅲ → 3.
      ③ 0 employees → 「-」. ④ 60,000 − 90,000 < 0: net cash → 5 (value −30,000 ÷ 10,000 = −3.0).
      ⑤ no receivable/payable item → 「-」. ⑥ −10,000 ÷ 90,000 = −0.111 ≥ ⅳ → 2. Total 10 → D.
    """
    periods = [
        PeriodInput("2024-03", sales=240_000, operating_income=9_600, depreciation=6_400, cash=30_000,
                    notes_receivable=0, accounts_receivable=20_000, inventory=8_000, notes_payable=0,
                    accounts_payable=12_000, borrowings=110_000, liabilities=150_000, net_assets=50_000, employees=8),
        PeriodInput("2023-03", sales=200_000, operating_income=-2_000, depreciation=1_000, cash=20_000,
                    accounts_receivable=25_000, inventory=10_000, accounts_payable=5_000, borrowings=120_000,
                    liabilities=160_000, net_assets=40_000, employees=7),
        PeriodInput("2022-03", sales=250_000, operating_income=5_000, depreciation=5_000, cash=90_000,
                    borrowings=60_000, liabilities=100_000, net_assets=-10_000, employees=0),
    ]
    result = calc.evaluate(calc.resolve_industry(jsic="0971"), 10_000, periods)
    assert (result.industry.code, result.size, result.is_sme) == ("0301", SMALL, True)
    newest, middle, oldest = result.periods

    def values(p):
        return [p.indicators[k].value for k in calc.INDICATOR_KEYS]

    assert values(newest) == pytest.approx([0.2, 0.04, 1_200, 5.0, 0.8, 0.25])
    assert newest.scores == [5, 4, 3, 4, 4, 3] and (newest.total, newest.rank) == (23, "B")
    assert values(middle) == pytest.approx([-0.2, -0.01, -2_000 / 7, -100.0, 1.8, 0.2])
    assert middle.scores == [1, 2, 2, 1, 3, 3] and (middle.total, middle.rank) == (12, "C")
    assert values(oldest)[0] is None and values(oldest)[2] is None and values(oldest)[4] is None
    assert [values(oldest)[i] for i in (1, 3, 5)] == pytest.approx([0.02, -3.0, -10_000 / 90_000])
    assert oldest.scores == [None, 3, None, 5, None, 2] and (oldest.total, oldest.rank) == (10, "D")
    assert newest.indicators["operating_margin"].baseline == baseline.cutoffs("0301", SMALL, "operating_margin").median
