"""Integers from people are bounded before they reach the database.

Ids are PostgreSQL `integer` columns (and SQLite refuses anything past 2⁶³): an id of 2³¹ or a page
number of 10²⁰ used to end in a 500 deep inside a query. Here a route's `<int:…>` matches only
1–`MAX_ID` written in ASCII digits (anything else is a 404, like any id that does not exist), and
form and query values go through `parse_int`, which also refuses the digits `str.isdigit()` lets
through but `int()` cannot read (「²」) and strings too long for `int()` to be asked about.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` for the whole portal: 1–MAX_ID unless the rule says otherwise."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


def install_converter(app) -> None:
    """Before any blueprint is registered: rules pick their converter class when they are added."""
    app.url_map.converters["int"] = BoundedIntConverter


def parse_int(raw: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """`raw` as an int in [low, high], or None for anything else (blank, signs, non-ASCII digits).
    「24.0」 is 24, as JSON Schema's `integer` (and so a client generated from the OpenAPI file) has it."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    whole, dot, fraction = text.partition(".")
    if dot and fraction and not fraction.strip("0"):
        text = whole
    if not text or len(text) > len(str(high)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A record id sent in a form or query (1–MAX_ID)."""
    return parse_int(raw, 1, MAX_ID)


def page_arg(args, name: str = "page", high: int = MAX_PAGE) -> int:
    """A page number from the query string; anything unreadable or out of range is page 1."""
    return parse_int(args.get(name, ""), 1, high) or 1


def id_list(values) -> list[int]:
    """The readable ids among `values` (e.g. `request.args.getlist("report")`), others dropped."""
    return [value for value in (parse_id(raw) for raw in values) if value is not None]
