"""What the cloud-accounting connectors share: fiscal years and the sandbox scale factor.

freee and Money Forward both report per fiscal year given by its first month; both sandboxes scale
one set of recorded-format fixtures by a whole factor fixed by the 法人番号, which keeps every total
equal to the sum of its rows.
"""

from __future__ import annotations

import calendar
from datetime import date

from portal.sdk import ConnectorError


def start_month(value: object, service: str) -> int:
    """The operator's 期首月 setting as 1–12, or a Japanese error naming the service."""
    try:
        month = int(str(value))
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        raise ConnectorError(f"{service}の期首月の設定が正しくありません: {value!r}")
    return month


def end_month(first_month: int) -> int:
    return 12 if first_month == 1 else first_month - 1


def fiscal_period(fiscal_year: int, first_month: int) -> tuple[date, date]:
    """The first and last day of the 12-month fiscal year starting in `first_month` of `fiscal_year`."""
    end_year = fiscal_year if first_month == 1 else fiscal_year + 1
    last = end_month(first_month)
    return date(fiscal_year, first_month, 1), date(end_year, last, calendar.monthrange(end_year, last)[1])


def latest_closed_fiscal_year(today: date, first_month: int) -> int:
    """The fiscal year (by the year it starts in) that ended most recently before `today`."""
    year = today.year
    while fiscal_period(year, first_month)[1] >= today:
        year -= 1
    return year


def sandbox_factor(corporate_number: str) -> int:
    """1–5, fixed by the 法人番号."""
    digits = "".join(ch for ch in corporate_number if ch.isdigit())
    return int(digits or "0") % 5 + 1


def yen(value: object) -> int:
    """An amount as both services write it (int, integral float, or "1,234" text) as int yen."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.replace(",", ""))
    raise ValueError(f"not an amount: {value!r}")
