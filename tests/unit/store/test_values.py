"""Reading what people type into store values: amounts, counts, dates, codes, and the messages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from portal.store import SECTIONS, FieldProblem

BASIC = SECTIONS["basic"]
PERIOD = SECTIONS["period"]


def clean(section, name, value):
    return section.spec(name).clean(value)


@pytest.mark.parametrize("typed, amount", [
    ("1,234,567", 1234567), ("１，２３４，５６７", 1234567), ("1234567円", 1234567), (" 12 345 ", 12345),
    ("¥10,000", 10000), ("￥10,000", 10000), (1234567, 1234567), (Decimal("42"), 42), ("0", 0),
])
def test_amounts_accept_separators_full_width_digits_and_yen_signs(typed, amount):
    assert clean(PERIOD, "net_sales", typed) == amount


@pytest.mark.parametrize("typed", ["-500", "△500", "▲500", "−500", "－500"])
def test_losses_accept_minus_and_the_triangle_of_japanese_accounts(typed):
    assert clean(PERIOD, "net_income", typed) == -500


def test_amounts_that_cannot_be_negative_say_so():
    with pytest.raises(FieldProblem, match="売上高にマイナスの金額は入力できません"):
        clean(PERIOD, "net_sales", "-1")


@pytest.mark.parametrize("typed", ["12.5", "千円", "1,2a3", 1.5, Decimal("1.5"), True])
def test_amounts_that_are_not_whole_yen_are_refused(typed):
    with pytest.raises(FieldProblem, match="売上高は"):
        clean(PERIOD, "net_sales", typed)


def test_absurd_amounts_are_refused_as_typos():
    with pytest.raises(FieldProblem, match="大きすぎます"):
        clean(PERIOD, "net_sales", "1" + "0" * 15)


def test_blank_is_none_and_required_fields_ask_for_a_value():
    assert clean(PERIOD, "net_sales", "  ") is None
    with pytest.raises(FieldProblem, match="決算年月日を入力してください"):
        clean(PERIOD, "period_end", "")


@pytest.mark.parametrize("typed", ["2024-03-31", "2024/3/31", "２０２４年３月３１日", "令和6年3月31日", "2024.03.31",
                                   date(2024, 3, 31), datetime(2024, 3, 31, 9, 0)])
def test_dates_accept_the_usual_ways_of_writing_them(typed):
    assert clean(PERIOD, "period_end", typed) == date(2024, 3, 31)


def test_first_year_of_an_era_is_gannen():
    assert clean(BASIC, "established_on", "令和元年5月1日") == date(2019, 5, 1)


def test_impossible_and_unreadable_dates_have_their_own_messages():
    with pytest.raises(FieldProblem, match="存在しない日付"):
        clean(PERIOD, "period_end", "2023-02-29")
    with pytest.raises(FieldProblem, match="「2024-03-31」や「2024年3月31日」の形"):
        clean(PERIOD, "period_end", "昨年度末")


def test_months_are_one_to_twelve():
    assert clean(PERIOD, "months", "１２") == 12
    with pytest.raises(FieldProblem, match="1から12まで"):
        clean(PERIOD, "months", "13")


def test_text_is_normalised_and_limited():
    assert clean(BASIC, "name", "  株式会社　ＡＢＣ  ") == "株式会社 ABC"
    with pytest.raises(FieldProblem, match="200文字以内"):
        clean(BASIC, "name", "あ" * 201)


def test_kana_turns_hiragana_into_katakana_and_refuses_kanji():
    assert clean(BASIC, "name_kana", "かぶしきがいしゃ ﾃｽﾄ") == "カブシキガイシャ テスト"
    with pytest.raises(FieldProblem, match="カタカナ"):
        clean(BASIC, "name_kana", "株式会社")


def test_codes_contacts_and_urls():
    assert clean(BASIC, "postal_code", "〒１００－８９０１") == "1008901"
    assert clean(BASIC, "contact_phone", "03 (1234) 5678") == "03-1234-5678"
    assert clean(BASIC, "website", "www.example.jp") == "https://www.example.jp"
    assert clean(BASIC, "prefecture", "13") == "13"
    assert clean(BASIC, "corporate_number", "６０１０００１０９６６５９") == "6010001096659"
    for name, typed in [("postal_code", "100-89"), ("contact_phone", "03-1234"), ("contact_email", "info@"),
                        ("website", "javascript:alert(1)"), ("prefecture", "48"), ("industry", "Z")]:
        with pytest.raises(FieldProblem):
            clean(BASIC, name, typed)


def test_display_input_and_history_text_round_trip():
    spec = PERIOD.spec("net_income")
    assert spec.display(-1234567) == "-1,234,567円"
    assert spec.to_input(1234567) == "1,234,567"
    assert spec.from_text(spec.to_text(-5)) == -5
    day = PERIOD.spec("period_end")
    assert day.display(date(2024, 3, 31)) == "2024年3月31日"
    assert day.from_text(day.to_text(date(2024, 3, 31))) == date(2024, 3, 31)
    assert BASIC.spec("postal_code").display("1008901") == "〒100-8901"
    assert BASIC.spec("kind").display(clean(BASIC, "kind", "corporation")) == "法人"
