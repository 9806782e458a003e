"""Amounts as owners write them, read by one function for every amount field of the portal.

People rarely type 10000000 for ten million yen: they write 「1000万円」, 「1.2億」, 「△500万」 or, from a
決算書 in thousands, 「1,234千円」. `read_amount` reads all of these (and plain 「12,345,678」, full-width
digits, ¥ signs) and says whether the text used such a notation, so that a page can show what it
understood. マイページ's 円 fields call it with `unit=1`, the 経営カルテ's 千円 fields with `unit=1000`:
a plain number is taken in the field's own unit, while a number that names its unit (円, 千円, 万,
億, 兆) is taken in yen and converted — 「1.2億」 in a 千円 field is 120,000.

Grammar, after NFKC: an optional sign (- − △ ▲ ー), then groups written from the largest, each a
number with an optional 千 and an optional 兆/億/万 (「1億2,345万6,789円」, 「3千万」), then an optional 円.
The result is exact (`Decimal`); callers decide whether a fraction of their unit is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

_SIGNS = ("-", "−", "△", "▲", "ー", "‐", "―")
_BIG = {"兆": 10**12, "億": 10**8, "万": 10**4, "": 1}
_GROUP = re.compile(r"(\d+(?:\.\d+)?)(千)?(兆|億|万)?")
EXAMPLES = "「1,234,567」「1000万円」「1.2億」「△500万」のように"


#: More digits than any amount a company has: refused before Decimal arithmetic rounds them and before
#: formatting meets Python's 4,300-digit limit for int ↔ str.
MAX_DIGITS = 18


class AmountError(ValueError):
    """What is wrong with the text, as the end of a sentence that starts with the field's label."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Amount:
    value: Decimal
    """In the field's unit (円 for unit=1, 千円 for unit=1000)."""
    notation: bool
    """True when the text named a unit or used 千/万/億/兆, i.e. when showing the reading helps."""


def read_amount(text: str, unit: int = 1) -> Amount:
    """The amount `text` says, in units of `unit` yen; AmountError when it is not an amount."""
    cleaned = re.sub(r"[\s,¥]", "", unicodedata.normalize("NFKC", str(text)))
    sign = 1
    if cleaned.startswith(_SIGNS):
        sign, cleaned = -1, cleaned[1:]
    elif cleaned.startswith("+"):
        cleaned = cleaned[1:]
    yen_suffix = cleaned.endswith("円")
    cleaned = cleaned.removesuffix("円")
    if not cleaned:
        raise AmountError(f"は数字で入力してください（{EXAMPLES}書けます）。")
    total, notation, position, last_big = Decimal(0), yen_suffix, 0, None
    for match in _GROUP.finditer(cleaned):
        if match.start() != position or not match.group(0):
            break
        number, thousand, big = match.group(1), match.group(2), match.group(3) or ""
        if len(number.replace(".", "").lstrip("0")) > MAX_DIGITS:
            raise AmountError("の桁数が多すぎます。入力した数字を確かめてください。")
        if last_big is not None and (last_big == "" or _BIG[big] >= _BIG[last_big]):
            raise AmountError("の書き方が正しくありません（兆・億・万は大きい順に書いてください）。")
        total += Decimal(number) * (1000 if thousand else 1) * _BIG[big]
        notation = notation or bool(thousand or big)
        position, last_big = match.end(), big
    if position != len(cleaned):
        raise AmountError(f"は数字で入力してください（{EXAMPLES}書けます）。")
    value = sign * total
    if notation and unit != 1:
        value = value / unit
    return Amount(value, notation)


def format_yen(value: int | Decimal) -> str:
    """12345678 → 「12,345,678円」, the way the portal shows a yen amount."""
    return f"{value:,}円"
