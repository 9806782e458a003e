"""法人番号: the check digit of domain.md §1, full-width input, and messages that say what is wrong."""

from __future__ import annotations

import pytest

from portal.corporate_number import (MISTYPED, CorporateNumberError, check_digit, formatted, is_valid, normalise,
                                     validate)
from tests.business_factories import VALID_NUMBERS


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_the_examples_of_the_spec_are_valid(number):
    assert validate(number) == number
    assert check_digit(number[1:]) == int(number[0])


@pytest.mark.parametrize("typed", ["４００００１２０９０００１", "4-0000-1209-0001", "4 0000 1209 0001",
                                   " 4000012090001 ", "4０００－０１２０－９０００１", "4\u30000000\u30001209\u30000001",
                                   "4‐0000‐1209‐0001", "4ー0000ー1209ー0001"])
def test_full_width_digits_hyphens_and_spaces_are_normalised(typed):
    assert validate(typed) == "4000012090001"


@pytest.mark.parametrize("wrong", ["5000012090001", "4000012090002", "6010001096658", "1000020012132",
                                   "0000012090001"])
def test_a_wrong_check_digit_says_the_number_is_mistyped(wrong):
    with pytest.raises(CorporateNumberError) as raised:
        validate(wrong)
    assert raised.value.message == MISTYPED == "法人番号の確認用の数字が合いません。入力ミスがないか確かめてください。"
    assert raised.value.field == "corporate_number"
    assert not is_valid(wrong)


def test_swapped_neighbouring_digits_are_caught():
    assert not is_valid("4000021090001")


@pytest.mark.parametrize("wrong, digits", [("400001209000", 12), ("40000120900011", 14), ("４００", 3)])
def test_a_wrong_length_says_how_many_digits_were_typed(wrong, digits):
    with pytest.raises(CorporateNumberError) as raised:
        validate(wrong)
    assert raised.value.message == f"法人番号は13桁です。入力された番号は{digits}桁です。"


@pytest.mark.parametrize("wrong", ["4000O12090001", "T4000012090001", "四〇〇〇〇一二〇九〇〇〇一"])
def test_letters_are_refused_with_their_own_message(wrong):
    with pytest.raises(CorporateNumberError, match="数字で入力してください"):
        validate(wrong)


def test_empty_input_asks_for_the_number():
    with pytest.raises(CorporateNumberError, match="法人番号を入力してください"):
        validate("  ")


def test_normalise_does_not_validate_and_formatted_groups_the_digits():
    assert normalise("１２３-4") == "1234"
    assert formatted("4000012090001") == "4-0000-1209-0001"


def test_check_digit_needs_twelve_ascii_digits():
    with pytest.raises(ValueError):
        check_digit("１２３４５６７８９０１２")
