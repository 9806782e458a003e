"""Reading periods from JSON and from typed text: what is refused, and how fields are named."""

from __future__ import annotations

import pytest

from portal.locaben import inputs


def name(i: int, field: str) -> str:
    return f"periods[{i}].{field}"


def read_json(records):
    return inputs.read_periods(records, inputs.json_number, name)


def read_text(records):
    return inputs.read_periods(records, inputs.text_number, name)


@pytest.mark.parametrize(("typed", "value"), [("1,234", 1234.0), ("１２，３４５", 12345.0), ("△500", -500.0),
                                              ("-3.5", -3.5), ("  ", None), ("", None), ("▲2", -2.0)])
def test_typed_amounts(typed, value):
    assert inputs.text_number(typed) == value


@pytest.mark.parametrize(("typed", "value"), [("1.2億", 120_000.0), ("3,450万円", 34_500.0), ("△500万", -5_000.0),
                                              ("500円", 0.5), ("1,234千円", 1_234.0), ("1億2,345万6,789円", 123_456.789)])
def test_typed_amounts_in_the_notation_owners_write_are_read_in_thousands(typed, value):
    assert inputs.text_number(typed) == pytest.approx(value)
    assert inputs.understood(typed).startswith("＝")


def test_a_count_takes_plain_numbers_only():
    employees = inputs.FIELD_BY_NAME["employees"]
    assert inputs.text_number("12", employees) == 12.0
    with pytest.raises(ValueError):
        inputs.text_number("1万", employees)
    assert inputs.understood("12,345") is None


@pytest.mark.parametrize("typed", ["12a", "1.2.3", "--1", "百"])
def test_typed_nonsense_is_refused(typed):
    with pytest.raises(ValueError):
        inputs.text_number(typed)


def test_json_numbers_only():
    assert inputs.json_number(3) == 3.0 and inputs.json_number(None) is None
    for bad in ("3", True, [1], {"a": 1}):
        with pytest.raises(ValueError):
            inputs.json_number(bad)


def test_negative_only_where_the_sheet_allows_it():
    periods = read_json([{"sales": 10, "operating_income": -5, "net_assets": -1, "employees": 1}])
    assert periods[0].operating_income == -5 and periods[0].net_assets == -1
    with pytest.raises(inputs.InvalidInput) as error:
        read_json([{"sales": -10, "employees": 1}])
    assert error.value.first[0] == "periods[0].sales"


def test_infinite_and_huge_numbers_are_refused():
    with pytest.raises(inputs.InvalidInput) as error:
        read_json([{"sales": float("inf"), "employees": 1}])
    assert "periods[0].sales" in error.value.errors
    with pytest.raises(inputs.InvalidInput):
        read_json([{"sales": 1e20, "employees": 1}])


def test_trailing_blank_periods_are_dropped_but_gaps_are_refused():
    assert len(read_text([{"sales": "100", "employees": "2"}, {}, {"label": ""}])) == 1
    with pytest.raises(inputs.InvalidInput) as error:
        read_text([{"sales": "100", "employees": "2"}, {}, {"sales": "90"}])
    assert error.value.first[0] == "periods[1].sales"


def test_the_newest_employees_are_required_and_nothing_at_all_is_refused():
    with pytest.raises(inputs.InvalidInput) as error:
        read_json([{"sales": 100}])
    assert error.value.first[0] == "periods[0].employees"
    with pytest.raises(inputs.InvalidInput) as error:
        read_json([{}])
    assert error.value.first[0] == "periods[0].sales"


@pytest.mark.parametrize(("label", "clean"), [
    ("2024-03", "2024-03"), ("2024/3", "2024-03"), ("２０２４－０３", "2024-03"), ("2024年3月", "2024-03"),
    ("令和6年3月", None), ("March", None)])
def test_labels(label, clean):
    if clean is None:
        with pytest.raises(ValueError):
            inputs.check_label(label)
    else:
        assert inputs.check_label(label) == clean
    with pytest.raises(ValueError):
        inputs.check_label("2024-13")


def test_capital_is_required_and_not_negative():
    assert inputs.read_capital(0, inputs.json_number) == 0
    for bad in (None, -1, "10"):
        with pytest.raises(inputs.InvalidInput) as error:
            inputs.read_capital(bad, inputs.json_number)
        assert error.value.first[0] == "capital"
