"""What the 経営カルテ screen shows and reads: the figures as typed, where prefilled ones came from,
the chosen industry, the 非財務 answers, and the calculation when the figures allow it.

`Sheet` is built either from 事業データ (`from_business`, amounts turned from 円 into 千円 with each
figure's source) or from a posted form (`from_form`, the text kept exactly as typed so that a
refused value is shown again beside its message). Both end in `evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from portal import store
from portal.locaben import baseline, calc, sheets
from portal.locaben.inputs import (
    FIELD_BY_NAME,
    PERIOD_FIELDS,
    PERIOD_NAMES,
    InvalidInput,
    read_capital,
    read_periods,
    text_number,
    understood,
)
from portal.locaben.serialize import period_json
from portal.models import Business

#: ロカベン input → the 事業データ fields (円) it is the sum of.
STORE_FIELDS: dict[str, tuple[str, ...]] = {
    "sales": ("net_sales",), "operating_income": ("operating_income",), "depreciation": ("depreciation",),
    "cash": ("cash_and_deposits",), "notes_receivable": ("notes_receivable",),
    "accounts_receivable": ("accounts_receivable",), "inventory": ("inventories",),
    "notes_payable": ("notes_payable",), "accounts_payable": ("accounts_payable",),
    "borrowings": ("short_term_borrowings", "long_term_borrowings"), "liabilities": ("total_liabilities",),
    "net_assets": ("net_assets",), "employees": ("regular_employees",),
}


def field_name(i: int, name: str) -> str:
    return f"p{i}_{name}"


def thousand(yen: int) -> str:
    """円 → 千円 as text: 「12,345」, or 「12,345.678」 when not a whole 千円."""
    value = Decimal(yen) / 1000
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text


@dataclass
class Sheet:
    values: dict[str, str] = field(default_factory=dict)  # form field → text
    sources: dict[str, str] = field(default_factory=dict)  # form field → source of the prefilled value
    originals: dict[str, str] = field(default_factory=dict)  # form field → the prefilled text
    answers: dict[str, str] = field(default_factory=dict)  # 非財務
    steps: int = sheets.DEFAULT_STEPS
    errors: dict[str, str] = field(default_factory=dict)
    industry: baseline.Industry | None = None
    jsic: baseline.JsicIndustry | None = None
    overridden: bool = False
    evaluation: calc.Evaluation | None = None
    periods: list[calc.PeriodInput] = field(default_factory=list)
    capital: float | None = None

    def source_of(self, key: str) -> str:
        """「freee」「手入力」 for a value still as 事業データ has it; "" once the user changed it."""
        if key in self.sources and self.values.get(key) == self.originals.get(key, self.values.get(key)):
            return self.sources[key]
        return ""

    def reading_of(self, key: str) -> str | None:
        """「＝120,000千円として計算」 when the amount in `key` was typed as 「1.2億」 or the like."""
        if key.endswith("_employees") or key.endswith("_label"):
            return None
        return understood(self.values.get(key))

    def note_keys(self) -> list[str]:
        """Every input whose note (source or reading) may change as the user types."""
        return [field_name(i, spec.name) for i in range(calc.MAX_PERIODS) for spec in PERIOD_FIELDS] + ["capital"]

    def inputs_json(self) -> dict:
        return {"capital": self.capital, "industry": self.industry.code if self.industry else None,
                "jsic": self.jsic.code if self.jsic else None, "overridden": self.overridden,
                "periods": [period_json(p) for p in self.periods]}


def _source_text(shown: list[store.Shown]) -> str:
    parts = []
    for item in shown:
        if item.source_label and item.source_label not in parts:
            parts.append(item.source_label)
    return "・".join(parts)


def from_business(session: Session, business: Business) -> Sheet:
    """The screen before the user types: 事業データ's newest three periods, capital and sources."""
    data = store.business_data(session, business, lists=("period",))  # only 決算期 and 資本金 are prefilled
    sheet = Sheet()
    for i, period in enumerate(data.periods[:calc.MAX_PERIODS + 1]):
        if i == calc.MAX_PERIODS:  # a fourth period only gives the oldest one its 前期売上高
            target, shown = field_name(i - 1, "prior_sales"), [period["net_sales"]]
            if shown[0].value is not None:
                sheet.values[target], sheet.sources[target] = thousand(shown[0].value), _source_text(shown)
            break
        sheet.values[field_name(i, "label")] = f"{period.record.period_end:%Y-%m}"
        for name, parts in STORE_FIELDS.items():
            shown = [period[part] for part in parts if period[part].value is not None]
            if not shown:
                continue
            total = sum(item.value for item in shown)
            sheet.values[field_name(i, name)] = str(total) if name == "employees" else thousand(total)
            sheet.sources[field_name(i, name)] = _source_text(shown)
    capital = data.basic["capital"]
    if capital.value is not None:
        sheet.values["capital"], sheet.sources["capital"] = thousand(capital.value), capital.source_label
    return sheet


def continue_from(sheet: Sheet, inputs: dict, answers: dict[str, str]) -> Sheet:
    """Starts a new sheet from the last saved report's industry choice and 非財務 answers."""
    if inputs.get("jsic") and baseline.jsic_industry(inputs["jsic"]):
        sheet.jsic = baseline.jsic_industry(inputs["jsic"])
        sheet.values["jsic"] = sheet.jsic.code
        sheet.industry = baseline.industry(sheet.jsic.locaben)
    if inputs.get("overridden") and baseline.industry(inputs.get("industry") or ""):
        sheet.values["industry"], sheet.overridden = inputs["industry"], True
        sheet.industry = baseline.industry(inputs["industry"])
    sheet.answers = dict(answers)
    sheet.steps = sheets.step_count(answers)
    return sheet


def _choose_industry(sheet: Sheet, form: Mapping[str, str]) -> None:
    jsic_code = (form.get("jsic") or "").strip()
    override = (form.get("industry") or "").strip()
    sheet.values["jsic"], sheet.values["industry"] = jsic_code, override
    sheet.jsic = baseline.jsic_industry(jsic_code) if jsic_code else None
    if override:
        sheet.industry = baseline.industry(override)
        sheet.overridden = sheet.industry is not None and (sheet.jsic is None or sheet.jsic.locaben != override)
        if sheet.industry is None:
            sheet.errors["industry"] = "ロカベン業種を一覧から選んでください。"
    elif sheet.jsic is not None:
        sheet.industry = baseline.industry(sheet.jsic.locaben)
    else:
        sheet.errors["jsic_q"] = "業種を検索して選ぶか、ロカベン業種を一覧から選んでください。"


def _keep(sheet: Sheet, form: Mapping[str, str], key: str) -> None:
    """The value as typed; its 事業データ source only while it is still the prefilled value."""
    sheet.values[key] = (form.get(key) or "").strip()
    source, original = form.get(f"src_{key}"), form.get(f"orig_{key}")
    if source and original is not None:
        sheet.originals[key] = original[:40]
        sheet.sources[key] = source[:100]


def from_form(form: Mapping[str, str]) -> Sheet:
    """The screen after a post: the text as typed, the industry, the answers and any errors."""
    sheet = Sheet()
    for i in range(calc.MAX_PERIODS):
        for name in ("label", *(spec.name for spec in PERIOD_FIELDS)):
            key = field_name(i, name)
            _keep(sheet, form, key)
    _keep(sheet, form, "capital")
    _choose_industry(sheet, form)
    try:
        requested = int(form.get("steps") or sheets.DEFAULT_STEPS)
    except ValueError:
        requested = sheets.DEFAULT_STEPS
    sheet.steps = min(max(requested, sheets.DEFAULT_STEPS), sheets.MAX_STEPS)
    sheet.answers, text_errors = sheets.read_sheets(form, sheet.steps)
    sheet.errors.update(text_errors)
    return sheet


def evaluate(sheet: Sheet) -> Sheet:
    """Runs the calculation when the figures and the industry allow it; otherwise adds the errors."""
    records = [{spec.name: sheet.values.get(field_name(i, spec.name)) for spec in PERIOD_FIELDS}
               | {"label": sheet.values.get(field_name(i, "label"))} for i in range(calc.MAX_PERIODS)]
    try:
        sheet.periods = read_periods(records, text_number, field_name)
    except InvalidInput as error:
        sheet.errors.update(error.errors)
    try:
        sheet.capital = read_capital(sheet.values.get("capital"), text_number)
    except InvalidInput as error:
        sheet.errors.update(error.errors)
    if sheet.industry is not None and sheet.periods and sheet.capital is not None:
        sheet.periods = [p if p.label else _labelled(p, i) for i, p in enumerate(sheet.periods)]
        sheet.evaluation = calc.evaluate(sheet.industry, sheet.capital, sheet.periods)
    return sheet


def _labelled(period: calc.PeriodInput, i: int) -> calc.PeriodInput:
    return replace(period, label=PERIOD_NAMES[i])


def label_of(name: str) -> str:
    """The label an error summary shows for a form field."""
    if name in ("capital", "industry", "jsic_q"):
        return {"capital": "資本金", "industry": "ロカベン業種", "jsic_q": "業種"}[name]
    if name.startswith("nf_"):
        return sheets.labels(sheets.MAX_STEPS).get(name[3:], name)
    i, _, key = name[1:].partition("_")
    label = "決算年月" if key == "label" else FIELD_BY_NAME[key].label
    return f"{PERIOD_NAMES[int(i)]}の{label}"
