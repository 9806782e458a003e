"""Turning what people and programs send into `PeriodInput`s: the same rules for the API and the screen.

The API sends JSON numbers (`periods[0].sales`), the screen sends text as typed (「1,234」「△500」,
full-width digits, and amounts as owners write them — 「1.2億」「3,450万円」 — read by the portal's one
amount reader, `portal.amounts.read_amount`, in 千円). Both end in `read_periods`, which knows the rules of locaben.md: amounts that
may be negative, the newest period's 従業員数 deciding 事業規模, periods given newest first without
gaps. Problems are collected per field (field name → Japanese message) and raised together.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.amounts import AmountError, read_amount
from portal.locaben.calc import MAX_PERIODS, PeriodInput


@dataclass(frozen=True)
class InputField:
    name: str
    label: str
    hint: str = ""
    signed: bool = False
    unit: str = "千円"


PERIOD_FIELDS: tuple[InputField, ...] = (
    InputField("sales", "売上高"),
    InputField("prior_sales", "前期売上高", "前期の欄が空のときだけ使います（最も古い期の売上増加率に必要）。"),
    InputField("operating_income", "営業利益", "赤字のときは「-」か「△」を付けてください。", signed=True),
    InputField("depreciation", "減価償却費", "製造原価と販管費に計上された合計です。"),
    InputField("cash", "現金・預金"),
    InputField("notes_receivable", "受取手形", "割引手形を含みます。"),
    InputField("accounts_receivable", "売掛金"),
    InputField("inventory", "棚卸資産"),
    InputField("notes_payable", "支払手形", "設備支払手形は含めません。"),
    InputField("accounts_payable", "買掛金"),
    InputField("borrowings", "借入金", "短期借入金＋長期借入金（1年以内返済分を含む）の合計です。"),
    InputField("liabilities", "負債合計"),
    InputField("net_assets", "純資産合計", "債務超過のときは「-」か「△」を付けてください。", signed=True),
    InputField("employees", "従業員数（正社員）", "役員だけの会社は 1 としてください。", unit="人"),
)
FIELD_BY_NAME = {f.name: f for f in PERIOD_FIELDS}
PERIOD_NAMES = ("最新期", "前期", "前々期")
LABEL_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_AMOUNT = 1e13  # 千円: ten quadrillion yen, far above any company, below float trouble


class InvalidInput(ValueError):
    """One or more fields are wrong; `errors` maps each field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @property
    def first(self) -> tuple[str, str]:
        return next(iter(self.errors.items()))


def text_number(text: str | None, spec: InputField | None = None) -> float | None:
    """「1,234.5」「△500」「－３」 → float in the field's unit (千円 unless `spec` says otherwise); an
    amount field also takes 「1.2億」「3,450万円」「500円」 (yen, turned into 千円); blank → None;
    anything else raises ValueError."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if spec is None or spec.unit == "千円":
        try:
            return float(read_amount(cleaned, unit=1000).value)
        except AmountError:
            raise ValueError("数字で入力してください（例：12,345、1.2億、3,450万円）。") from None
    cleaned = re.sub(r"^[△▲−ー‐]", "-", cleaned)
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError("数字で入力してください（例：12）。")
    return float(cleaned)


def understood(text: str | None) -> str | None:
    """「＝120,000千円」 for an amount typed as 「1.2億」; None for plain numbers and what cannot be read."""
    try:
        amount = read_amount(text or "", unit=1000)
    except AmountError:
        return None
    if not amount.notation:
        return None
    value = amount.value.normalize()
    return f"＝{value:,f}千円として計算"


def json_number(value: Any, _spec: InputField | None = None) -> float | None:
    """A JSON number or null; strings and booleans are refused so that mistakes are not guessed at."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("数値か null を指定してください。")  # noqa: TRY004  (a user's input error, not a bug)
    return float(value)


def check_amount(spec: InputField, value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
        if spec.unit != "千円":
            raise ValueError(f"{spec.label}は{MAX_AMOUNT:,.0f}{spec.unit}までの数で入力してください。")
        raise ValueError(f"桁が大きすぎます。{MAX_AMOUNT:,.0f}千円までの金額を、千円単位で入力してください。")
    if value < 0 and not spec.signed:
        raise ValueError(f"{spec.label}に負の値は入力できません。")
    return value


def check_label(text: Any) -> str:
    if text is None or text == "":
        return ""
    if not isinstance(text, str):
        raise ValueError("決算年月は「2024-03」の形で指定してください。")  # noqa: TRY004  (a user's input error)
    normalized = unicodedata.normalize("NFKC", text).strip().replace("/", "-").replace(".", "-")
    normalized = normalized.replace("年", "-").removesuffix("月")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", normalized)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("決算年月は「2024-03」の形で入力してください。")
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def read_periods(records: list[Mapping[str, Any]], number: Callable[[Any, InputField], float | None],
                 name: Callable[[int, str], str]) -> list[PeriodInput]:
    """Periods newest first from `records` (one mapping per period; all blank = not given).

    `number(raw, spec)` reads one raw value of field `spec`; `name(i, field)` is how the caller names a
    field in errors.
    """
    errors: dict[str, str] = {}
    periods: list[PeriodInput] = []
    for i, record in enumerate(records[:MAX_PERIODS]):
        values: dict[str, Any] = {}
        try:
            values["label"] = check_label(record.get("label"))
        except ValueError as problem:
            errors[name(i, "label")] = str(problem)
        for spec in PERIOD_FIELDS:
            try:
                values[spec.name] = check_amount(spec, number(record.get(spec.name), spec))
            except ValueError as problem:
                errors[name(i, spec.name)] = str(problem)
        periods.append(PeriodInput(**{k: v for k, v in values.items() if k in PeriodInput.__dataclass_fields__}))
    filled = [any(getattr(p, f.name) is not None for f in PERIOD_FIELDS) for p in periods]
    while filled and not filled[-1] and not errors:
        filled.pop()
        periods.pop()
    if not errors:
        if not periods:
            errors[name(0, "sales")] = "最新期の数字を入力してください。"
        for i, is_filled in enumerate(filled):
            if not is_filled:
                errors[name(i, "sales")] = (f"{PERIOD_NAMES[i]}の数字がありません。新しい期から順に、"
                                            "間をあけずに入力してください。")
                break
    if not errors and periods[0].employees is None:
        errors[name(0, "employees")] = "事業規模の判定に、最新期の従業員数（正社員）が必要です。"
    if errors:
        raise InvalidInput(errors)
    return periods


def read_capital(raw: Any, number: Callable[[Any], float | None], field: str = "capital") -> float:
    try:
        value = number(raw)
    except ValueError as problem:
        raise InvalidInput({field: str(problem)}) from problem
    if value is None:
        raise InvalidInput({field: "資本金を千円単位で入力してください（個人事業主は 0）。"})
    if value < 0 or not math.isfinite(value) or value > MAX_AMOUNT:
        raise InvalidInput({field: f"資本金は 0 から{MAX_AMOUNT:,.0f}千円までの数値で入力してください。"})
    return value
