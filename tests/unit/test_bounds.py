"""Integers from people are bounded before they reach the database (portal/bounds.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from portal.bounds import MAX_ID, id_list, install_converter, page_arg, parse_id, parse_int


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), (" 42 ", 42), ("24.0", 24), ("007", 7), (str(MAX_ID), MAX_ID),
    (str(MAX_ID + 1), None), ("0", None), ("-1", None), ("+1", None), ("1.5", None), ("", None), ("   ", None),
    ("²", None), ("١٢", None), ("１２", None), ("9" * 5000, None), ("1e3", None), (None, None), (12, None),
])
def test_parse_id_takes_only_ascii_digits_within_the_id_range(raw, expected):
    assert parse_id(raw) == expected


def test_parse_int_keeps_to_its_bounds():
    assert parse_int("0") == 0 and parse_int("100", 1, 100) == 100 and parse_int("101", 1, 100) is None
    assert parse_int("10" + "0" * 14, 0, 10**15) == 10**15


def test_a_page_number_out_of_range_or_unreadable_is_page_one():
    assert page_arg(MultiDict({"page": "3"})) == 3
    for raw in ("1" + "0" * 20, "0", "-2", "abc", "²", ""):
        assert page_arg(MultiDict({"page": raw})) == 1
    assert page_arg(MultiDict()) == 1


def test_id_list_drops_what_cannot_be_an_id():
    assert id_list(["3", "x", str(2**31), "5"]) == [3, 5]


def test_the_int_converter_matches_ids_from_one_to_max_id_only():
    app = Flask(__name__)
    install_converter(app)
    app.add_url_rule("/items/<int:item_id>", "item", lambda item_id: str(item_id))
    adapter = app.url_map.bind("portal.test")
    assert adapter.match(f"/items/{MAX_ID}") == ("item", {"item_id": MAX_ID})
    for path in (f"/items/{MAX_ID + 1}", "/items/0", "/items/" + "9" * 25, "/items/١٢", "/items/-1"):
        with pytest.raises(NotFound):
            adapter.match(path)
