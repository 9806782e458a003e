"""法人番号: normalising what people type and checking it with the check digit.

A 法人番号 is 13 digits: a check digit (1–9) followed by the 12-digit 基礎番号. People copy it from
letters and web pages, so full-width digits, hyphens and spaces are accepted and dropped; what is
left must be 13 ASCII digits whose first digit matches the check digit computed from the other
twelve (domain.md §1). A mismatch almost always means a mistyped digit, and the message says so.
"""

from __future__ import annotations

import re
import unicodedata

from portal.errors import DomainError

LENGTH = 13

# Hyphen look-alikes that survive NFKC: people paste numbers from PDFs and word processors.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－ｰ]+")

MISTYPED = "法人番号の確認用の数字が合いません。入力ミスがないか確かめてください。"


class CorporateNumberError(DomainError):
    """The 法人番号 typed cannot be right; `field` is always "corporate_number"."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="corporate_number")


def normalise(raw: str | None) -> str:
    """Full-width digits to ASCII, separators dropped. Does not validate."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _SEPARATORS.sub("", text)


def check_digit(base: str) -> int:
    """The check digit of a 12-digit 基礎番号: 9 − (Σ Pn × Qn mod 9), n counted from the right."""
    if len(base) != LENGTH - 1 or not base.isascii() or not base.isdigit():
        raise ValueError("the 基礎番号 is 12 ASCII digits")
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def validate(raw: str | None) -> str:
    """The normalised 13-digit 法人番号, or `CorporateNumberError` with a message for the user."""
    number = normalise(raw)
    if not number:
        raise CorporateNumberError("法人番号を入力してください。")
    if not (number.isascii() and number.isdigit()):
        raise CorporateNumberError("法人番号は数字で入力してください（ハイフンや空白は入れても構いません）。")
    if len(number) != LENGTH:
        raise CorporateNumberError(f"法人番号は13桁です。入力された番号は{len(number)}桁です。")
    if int(number[0]) != check_digit(number[1:]):
        raise CorporateNumberError(MISTYPED)
    return number


def is_valid(raw: str | None) -> bool:
    try:
        validate(raw)
    except CorporateNumberError:
        return False
    return True


def formatted(number: str) -> str:
    """13 digits shown in groups that are easy to read aloud: 1-2345-6789-0123."""
    if len(number) != LENGTH:
        return number
    return f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}"
