"""Reading what people type into store values: amounts (as owners write them: 万, 億, 千円, △), counts,
dates, codes, and the messages, each of which states the real limit."""

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


#: The notation table: what owners write, and the yen it means.
NOTATIONS = [
    ("1000万円", 10_000_000), ("1000万", 10_000_000), ("１０００万円", 10_000_000), ("1,000万円", 10_000_000),
    ("1.2億", 120_000_000), ("1.2億円", 120_000_000), ("3億2000万", 320_000_000), ("3億2,000万円", 320_000_000),
    ("1億2,345万6,789円", 123_456_789), ("12.5万", 125_000), ("3千万円", 30_000_000), ("5千円", 5_000),
    ("1,234千円", 1_234_000), ("１，２３４千円", 1_234_000), ("2兆", 2_000_000_000_000), ("100万5千", 1_005_000),
    ("¥1,500万", 15_000_000), (" 1000 万円 ", 10_000_000),
]


@pytest.mark.parametrize("typed, amount", NOTATIONS)
def test_amounts_accept_the_notation_owners_write(typed, amount):
    assert clean(BASIC, "capital", typed) == amount


@pytest.mark.parametrize("typed, amount", [("△500万", -5_000_000), ("▲1.2億", -120_000_000), ("-1,234千円", -1_234_000),
                                           ("－３００万円", -3_000_000)])
def test_losses_in_notation_keep_their_sign(typed, amount):
    assert clean(PERIOD, "net_income", typed) == amount


@pytest.mark.parametrize("typed, message", [
    ("1万2万", "大きい順"), ("万円", "数字で入力"), ("1.23456万", "1円単位"), ("百万円", "数字で入力"), ("1億円2", "数字で入力"),
    ("9" * 5000, "桁数が多すぎます"), ("9" * 19 + "万円", "桁数が多すぎます"), ("0." + "1" * 30 + "億", "桁数が多すぎます"),
])
def test_notation_that_cannot_be_read_says_why(typed, message):
    with pytest.raises(FieldProblem, match=f"資本金.*{message}"):
        clean(BASIC, "capital", typed)


def test_what_was_understood_is_said_for_notation_only():
    spec = BASIC.spec("capital")
    assert spec.reading_note("1000万円") == "資本金：「1000万円」を10,000,000円として読み取りました。"
    assert spec.reading_note("△500万") == "資本金：「△500万」を-5,000,000円として読み取りました。"
    assert spec.reading_note("10,000,000") is None
    assert spec.reading_note("あいう") is None
    assert PERIOD.spec("employees").reading_note("1万") is None  # not an amount in 円


@pytest.mark.parametrize("typed", ["12.5", "千円", "1,2a3", 1.5, Decimal("1.5"), True])
def test_amounts_that_are_not_whole_yen_are_refused(typed):
    with pytest.raises(FieldProblem, match="売上高は"):
        clean(PERIOD, "net_sales", typed)


def test_absurd_amounts_are_refused_with_the_real_limit():
    with pytest.raises(FieldProblem, match="売上高は1,000兆円未満で入力してください（1,000,000,000,000,000円と読み取りました）"):
        clean(PERIOD, "net_sales", "1" + "0" * 15)
    with pytest.raises(FieldProblem, match="1,000兆円未満"):
        clean(PERIOD, "net_sales", "1000兆")
    assert clean(PERIOD, "net_sales", "9" * 15) == int("9" * 15)


def test_counts_state_their_real_limit():
    with pytest.raises(FieldProblem, match=r"期末従業員数は0人から999,999,999人までの整数で入力してください（99,999,999,999人と"):
        clean(PERIOD, "employees", "99999999999")
    with pytest.raises(FieldProblem, match="0人から999,999,999人まで"):
        clean(PERIOD, "employees", "-1")
    assert clean(PERIOD, "employees", "999,999,999") == 999_999_999


def test_blank_is_none_and_required_fields_ask_for_a_value():
    assert clean(PERIOD, "net_sales", "  ") is None
    with pytest.raises(FieldProblem, match="決算年月日を入力してください"):
        clean(PERIOD, "period_end", "")


@pytest.mark.parametrize("typed", ["2024-03-31", "2024/3/31", "２０２４年３月３１日", "令和6年3月31日", "2024.03.31",
                                   date(2024, 3, 31), datetime(2024, 3, 31, 9, 0)])
def test_dates_accept_the_usual_ways_of_writing_them(typed):
    assert clean(PERIOD, "period_end", typed) == date(2024, 3, 31)


def test_a_future_founding_date_is_refused_with_today_named(clock):
    clock.set_jst(2026, 12, 5, 10)
    with pytest.raises(FieldProblem, match="設立日（開業日）に未来の日付は入力できません（今日は2026年12月5日です）"):
        clean(BASIC, "established_on", "2099-01-01")
    with pytest.raises(FieldProblem, match="未来の日付"):
        clean(BASIC, "established_on", "2026-12-06")
    assert clean(BASIC, "established_on", "2026-12-05") == date(2026, 12, 5)
    assert clean(PERIOD, "period_end", "2027-03-31") == date(2027, 3, 31)  # a 決算期 may end later


def test_dates_outside_the_years_the_portal_takes_name_them():
    with pytest.raises(FieldProblem, match="1868年から2100年までの日付"):
        clean(PERIOD, "period_end", "2101-03-31")


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


def test_implausible_figures_warn_with_their_numbers_but_do_not_refuse():
    values = {spec.name: None for spec in PERIOD.fields} | {"total_assets": 1, "total_liabilities": 195_000_000,
                                                            "net_assets": 117_500_000, "employees": 123_456}
    cautions = PERIOD.checks(values)
    assert [c.field for c in cautions] == ["employees", "total_assets"]
    assert "123,456人" in cautions[0].message and "100,000人" in cautions[0].message
    assert ("資産合計（1円）" in cautions[1].message and "195,000,000円＋117,500,000円＝312,500,000円" in cautions[1].message
            and "差は312,499,999円" in cautions[1].message)
    balanced = values | {"total_assets": 312_500_000, "employees": 28}
    assert PERIOD.checks(balanced) == []
    assert PERIOD.rules(values) == {}  # a warning, not a refusal
    assert SECTIONS["office"].checks({"employees": 100_001})[0].field == "employees"


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
