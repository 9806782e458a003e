"""One value of 事業データ: how it is read from what people type, checked, shown and kept in history.

A `FieldSpec` describes a field (label, kind, limits). `clean` accepts what a form sends (strings,
full-width digits, 「1,234,567」, 「△500」, amounts as owners write them — 「1000万円」, 「1.2億」, read by
`portal.amounts.read_amount` — and 「令和6年3月31日」) as well as the typed values a connector yields, and
returns the one canonical Python value or raises `FieldProblem` with a Japanese message that states
the real limit. `reading_note` says what a typed amount was understood as, for the page to show.
History keeps values as canonical text (`to_text`), read back with `from_text` for display.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from portal import clock, corporate_number
from portal.amounts import AmountError, read_amount
from portal.ui import format_date

MAX_YEN = 10**15  # 1,000兆円: anything larger is a typo (or 銭 instead of 円)
MAX_COUNT = 10**9  # fits the INTEGER columns of 従業員数 with room to spare
FIRST_YEAR, LAST_YEAR = 1868, 2100  # 明治元年 to a far future: outside is a typo
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_ERA_DATE = re.compile(r"(令和|平成|昭和)(\d{1,2}|元)[年.](\d{1,2})[月.](\d{1,2})日?")
_NEGATIVE = ("-", "−", "△", "▲")
_KANJI = re.compile(r"[\u3400-\u9fff]")


class FieldProblem(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text kana yen count months date postal phone email url choice corporate_number
    required: bool = False
    max_length: int = 200
    signed: bool = False  # amounts that may be negative: 利益, 純資産
    unit: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    group: str = ""
    hint: str = ""
    coerce: Callable[[str], object] | None = None  # e.g. a choice kept as an enum member
    not_future: bool = False  # a date that cannot be later than today (設立日)

    def clean(self, value: object) -> object:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip()
        if value is None or value == "":
            if self.required:
                raise FieldProblem(f"{self.label}を入力してください。")
            return None
        return _CLEANERS[self.kind](self, value)

    def display(self, value: object) -> str:
        """The value as マイページ shows it; "" when not set."""
        if value is None:
            return ""
        if self.kind in ("yen", "count", "months"):
            return f"{value:,}{self.unit}"
        if self.kind == "date":
            return format_date(value)
        if self.kind == "postal":
            return f"〒{value[:3]}-{value[3:]}"
        if self.kind == "choice":
            return self.choices.get(str(value), str(value))
        if self.kind == "corporate_number":
            return corporate_number.formatted(value)
        return str(value)

    def to_input(self, value: object) -> str:
        """The value as an edit form shows it before the user changes it."""
        if value is None:
            return ""
        if self.kind == "yen":
            return f"{value:,}"
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "postal":
            return f"{value[:3]}-{value[3:]}"
        return str(value)

    def reading_note(self, typed: object) -> str | None:
        """「資本金：「1000万円」を10,000,000円として読み取りました。」 when `typed` is an amount written with
        万・億・千円 or the like; None for plain digits, other kinds, and text that is not an amount."""
        if self.kind != "yen" or not isinstance(typed, str) or not typed.strip():
            return None
        try:
            amount = read_amount(typed)
        except AmountError:
            return None
        if not amount.notation or amount.value != amount.value.to_integral_value():
            return None
        shown = unicodedata.normalize("NFKC", typed).strip()
        return f"{self.label}：「{shown}」を{self.display(int(amount.value))}として読み取りました。"

    def to_text(self, value: object) -> str | None:
        return None if value is None else value.isoformat() if isinstance(value, date) else str(value)

    def from_text(self, text: str | None) -> object:
        if text is None:
            return None
        if self.kind in ("yen", "count", "months"):
            return int(text)
        return date.fromisoformat(text) if self.kind == "date" else text


def _text(spec: FieldSpec, value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > spec.max_length:
        raise FieldProblem(f"{spec.label}は{spec.max_length}文字以内で入力してください。")
    return text


def _kana(spec: FieldSpec, value: object) -> str:
    # Hiragana to katakana, so that either way of typing gives the same value.
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in _text(spec, value))
    if _KANJI.search(text):
        raise FieldProblem(f"{spec.label}はカタカナで入力してください。")
    return text


def _integer(spec: FieldSpec, value: object, example: str) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise FieldProblem(f"{spec.label}は整数で入力してください。")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise FieldProblem(f"{spec.label}は整数で入力してください。")
        return int(value)
    if isinstance(value, int):
        return value
    text = re.sub(r"[,\s円¥人株]", "", str(value))
    sign = 1
    if text.startswith(_NEGATIVE):
        sign, text = -1, text[1:]
    if not (text.isascii() and text.isdigit()):
        raise FieldProblem(f"{spec.label}は数字で入力してください（例：{example}）。")
    if len(text.lstrip("0")) > 18:  # past any amount a company has, and before int() refuses 4,300 digits
        raise FieldProblem(f"{spec.label}の桁数が多すぎます。入力した数字を確かめてください。")
    return sign * int(text)


def _yen(spec: FieldSpec, value: object) -> int:
    if isinstance(value, str):
        try:
            read = read_amount(value).value
        except AmountError as problem:
            raise FieldProblem(f"{spec.label}{problem.message}") from None
        if read != read.to_integral_value():
            raise FieldProblem(f"{spec.label}は1円単位で入力してください（「{value}」は{read:,f}円になります）。")
        amount = int(read)
    else:
        amount = _integer(spec, value, "1,234,567")
    if amount < 0 and not spec.signed:
        raise FieldProblem(f"{spec.label}にマイナスの金額は入力できません（0円以上で入力してください）。")
    if abs(amount) >= MAX_YEN:
        raise FieldProblem(f"{spec.label}は1,000兆円未満で入力してください（{amount:,}円と読み取りました）。"
                           "円単位で入力しているか確かめてください。")
    return amount


def _count(spec: FieldSpec, value: object) -> int:
    number = _integer(spec, value, "12")
    if number < 0 or number >= MAX_COUNT:
        unit = spec.unit
        raise FieldProblem(f"{spec.label}は0{unit}から{MAX_COUNT - 1:,}{unit}までの整数で入力してください"
                           f"（{number:,}{unit}と読み取りました）。")
    return number


def _months(spec: FieldSpec, value: object) -> int:
    number = _integer(spec, value, "12")
    if not 1 <= number <= 12:
        raise FieldProblem(f"{spec.label}は1から12までの月数で入力してください。")
    return number


def _date(spec: FieldSpec, value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "".join(str(value).split())
    if match := _DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _ERA_DATE.fullmatch(text):
        era, era_year, month, day = match.groups()
        year = _ERAS[era] + (1 if era_year == "元" else int(era_year))
        month, day = int(month), int(day)
    else:
        raise FieldProblem(f"{spec.label}は「2024-03-31」や「2024年3月31日」の形で入力してください。")
    try:
        result = date(year, month, day)
    except ValueError:
        raise FieldProblem(f"{spec.label}に存在しない日付が入力されています。") from None
    if not FIRST_YEAR <= result.year <= LAST_YEAR:
        raise FieldProblem(f"{spec.label}は{FIRST_YEAR}年から{LAST_YEAR}年までの日付で入力してください。")
    if spec.not_future and result > (today := clock.today()):
        raise FieldProblem(f"{spec.label}に未来の日付は入力できません（今日は{format_date(today)}です）。")
    return result


def _postal(spec: FieldSpec, value: object) -> str:
    digits = re.sub(r"[〒\-\s]", "", str(value))
    if not (digits.isascii() and digits.isdigit() and len(digits) == 7):
        raise FieldProblem(f"{spec.label}は7桁の数字で入力してください（例：100-8901）。")
    return digits


def _phone(spec: FieldSpec, value: object) -> str:
    text = re.sub(r"\s", "", str(value)).replace("(", "-").replace(")", "-").strip("-")
    digits = re.sub(r"-+", "", text)
    if not (digits.isascii() and digits.isdigit() and 10 <= len(digits) <= 11):
        raise FieldProblem(f"{spec.label}は10桁または11桁の数字で入力してください（例：03-1234-5678）。")
    return re.sub(r"-+", "-", text)


def _email(spec: FieldSpec, value: object) -> str:
    text = _text(spec, value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", text):
        raise FieldProblem(f"{spec.label}の形式が正しくありません（例：info@example.jp）。")
    return text


def _url(spec: FieldSpec, value: object) -> str:
    text = _text(spec, value)
    if text.lower().startswith("www."):
        text = "https://" + text
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", text, flags=re.IGNORECASE):
        raise FieldProblem(f"{spec.label}は「https://」から始まるURLで入力してください。")
    return text


def _choice(spec: FieldSpec, value: object) -> str:
    if str(value) not in spec.choices:
        raise FieldProblem(f"{spec.label}を一覧から選んでください。")
    return spec.coerce(str(value)) if spec.coerce else str(value)


def _corporate_number(_spec: FieldSpec, value: object) -> str:
    try:
        return corporate_number.validate(str(value))
    except corporate_number.CorporateNumberError as error:
        raise FieldProblem(error.message) from None


_CLEANERS: dict[str, Callable[[FieldSpec, object], object]] = {
    "text": _text, "kana": _kana, "yen": _yen, "count": _count, "months": _months, "date": _date,
    "postal": _postal, "phone": _phone, "email": _email, "url": _url, "choice": _choice,
    "corporate_number": _corporate_number,
}
