"""Writing 事業データ: only changed values are written, every change is in the history with its
source, nothing is written when a value is wrong, and records of another business are out of reach."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import store
from portal.errors import NotFound
from portal.models import ValueChange, ValueSource
from tests.business_factories import VALID_NUMBERS, make_business


def history_count(session) -> int:
    return session.scalar(select(func.count()).select_from(ValueChange))


@pytest.fixture
def business(session):
    return make_business(session)


@pytest.fixture
def owner(session, business):
    return store.members(session, business)[0][1]


def test_update_writes_only_the_values_that_changed(session, business, owner):
    before = history_count(session)
    changes = store.update_fields(session, business, "basic", None,
                                  {"name": "株式会社テスト商事", "capital": "10,000,000"}, store.MANUAL, owner)
    session.commit()
    assert [(c.field, c.old, c.new) for c in changes] == [("capital", None, 10_000_000)]
    assert history_count(session) == before + 1
    stamped = store.sources_of(session, business)[("basic", 0, "capital")].updated_at

    assert store.update_fields(session, business, "basic", None, {"capital": "１０，０００，０００円"},
                               "gbizinfo", owner) == []
    session.commit()
    assert history_count(session) == before + 1
    kept = store.sources_of(session, business)[("basic", 0, "capital")]
    assert kept.source == store.MANUAL and kept.updated_at == stamped


def test_each_value_keeps_its_own_source(session, business, owner):
    store.update_fields(session, business, "basic", None, {"capital": 5_000_000, "address": "千代田区霞が関1-3-1"},
                        "gbizinfo", None)
    store.update_fields(session, business, "basic", None, {"address": "千代田区霞が関1-3-1 別館"},
                        store.MANUAL, owner)
    session.commit()
    basic = store.business_data(session, business).basic
    assert basic["capital"].source == "gbizinfo" and basic["capital"].text == "5,000,000円"
    assert basic["address"].source_label == "手入力" and basic["address"].updated_at is not None
    assert basic["website"].source is None and basic["website"].text == ""
    [latest] = store.history(session, business, "basic", limit=1)
    assert (latest.field_label, latest.old_text, latest.new_text) == (
        "本社所在地（市区町村・番地）", "千代田区霞が関1-3-1", "千代田区霞が関1-3-1 別館")
    assert latest.source_label == "手入力" and latest.changed_by == owner.email


def test_connector_names_can_be_given_a_label(session, business):
    store.register_source_label("test-bank", "テスト銀行")
    store.update_fields(session, business, "basic", None, {"website": "https://example.jp/"}, "test-bank")
    assert store.business_data(session, business).basic["website"].source_label == "テスト銀行"
    assert store.source_label("unknown-connector") == "unknown-connector"


def test_a_wrong_value_writes_nothing(session, business, owner):
    before = history_count(session)
    with pytest.raises(store.InvalidValues) as raised:
        store.update_fields(session, business, "basic", None,
                            {"capital": "1,000", "postal_code": "12-34", "established_on": "2020-13-01"},
                            store.MANUAL, owner)
    assert set(raised.value.errors) == {"postal_code", "established_on"}
    assert raised.value.field == "postal_code"
    session.rollback()
    session.refresh(business)
    assert business.capital is None and history_count(session) == before


def test_clearing_a_value_is_history_and_drops_its_source(session, business, owner):
    store.update_fields(session, business, "basic", None, {"website": "https://example.jp/"}, store.MANUAL, owner)
    store.update_fields(session, business, "basic", None, {"website": ""}, store.MANUAL, owner)
    session.commit()
    assert business.website is None
    assert ("basic", 0, "website") not in store.sources_of(session, business)
    [cleared, _set] = store.history(session, business, "basic", limit=2)
    assert (cleared.old_text, cleared.new_text) == ("https://example.jp/", "")


def test_changing_to_an_other_business_corporate_number_is_refused(session, business, owner):
    make_business(session, corporate_number=VALID_NUMBERS[2])
    with pytest.raises(store.InvalidValues, match="既に登録されています"):
        store.update_fields(session, business, "basic", None, {"corporate_number": VALID_NUMBERS[2]})
    store.update_fields(session, business, "basic", None, {"corporate_number": VALID_NUMBERS[0]})  # its own


def test_periods_hold_integer_yen_and_one_period_per_closing_date(session, business, owner):
    period = store.add_period(session, business, {"period_end": "2024/3/31", "months": "12", "net_sales": "98,765,432",
                                                  "net_income": "△1,200,000", "employees": "15"}, "freee", owner)
    session.commit()
    stored = store.get_record(session, business, "period", period.id)
    assert (stored.period_end, stored.net_sales, stored.net_income) == (date(2024, 3, 31), 98_765_432, -1_200_000)
    assert isinstance(stored.net_sales, int)
    with pytest.raises(store.InvalidValues) as duplicate:
        store.add_period(session, business, {"period_end": "2024-03-31", "months": 12})
    assert duplicate.value.errors == {"period_end": "この決算年月日の決算期は既に登録されています。"}
    session.rollback()
    changes = store.update_period(session, business, period.id, {"net_sales": "98765432", "gross_profit": "1"},
                                  store.MANUAL, owner)
    assert [c.field for c in changes] == ["gross_profit"]
    view = store.view_of(session, business, "period", period.id)
    assert view["net_sales"].source == "freee" and view["gross_profit"].source == store.MANUAL
    assert view.label == "2024年3月31日決算"


def test_a_new_period_needs_its_closing_date_and_months(session, business):
    with pytest.raises(store.InvalidValues) as raised:
        store.add_period(session, business, {"net_sales": "1"})
    assert set(raised.value.errors) == {"period_end", "months"}


def test_regular_employees_cannot_outnumber_employees(session, business):
    with pytest.raises(store.InvalidValues, match="正社員数は期末従業員数以下"):
        store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "employees": 3,
                                             "regular_employees": 4})


def test_removing_a_list_record_keeps_its_values_in_history(session, business, owner):
    holder = store.add_shareholder(session, business, {"name": "山田太郎", "shares": "600", "investment": "6,000,000"},
                                   store.MANUAL, owner)
    session.commit()
    holder_id = holder.id
    store.remove_shareholder(session, business, holder_id, owner)
    session.commit()
    assert store.records(session, business, "shareholder") == []
    assert not session.scalars(select(ValueSource).where(ValueSource.section == "shareholder")).all()
    removed = store.history(session, business, "shareholder", record_id=holder_id, limit=3)
    assert {(line.field_label, line.old_text, line.new_text) for line in removed} == {
        ("株主の氏名・名称", "山田太郎", ""), ("持株数", "600株", ""), ("出資額", "6,000,000円", "")}
    assert all(line.record_label == "山田太郎" for line in removed)


def test_records_of_another_business_are_not_found(session, business, owner):
    other = make_business(session, corporate_number=VALID_NUMBERS[3])
    theirs = store.add_officer(session, other, {"title": "取締役", "name": "佐藤花子"})
    period = store.add_period(session, other, {"period_end": "2023-12-31", "months": 12})
    session.commit()
    with pytest.raises(NotFound):
        store.get_record(session, business, "officer", theirs.id)
    with pytest.raises(NotFound):
        store.update_period(session, business, period.id, {"net_sales": 1}, store.MANUAL, owner)
    with pytest.raises(NotFound):
        store.remove_officer(session, business, theirs.id, owner)
    assert store.history(session, business, "officer") == []
    assert store.count_history(session, other, "officer") == 2


def test_lists_come_in_a_stable_order(session, business):
    store.add_period(session, business, {"period_end": "2022-03-31", "months": 12})
    store.add_period(session, business, {"period_end": "2024-03-31", "months": 12})
    store.add_office(session, business, {"name": "本社"})
    store.add_office(session, business, {"name": "大阪営業所", "employees": "4人"})
    data = store.business_data(session, business)
    assert [p.label for p in data.periods] == ["2024年3月31日決算", "2022年3月31日決算"]
    assert [o.label for o in data.offices] == ["本社", "大阪営業所"]
    assert data.offices[1]["employees"].text == "4人"


def test_unknown_fields_are_a_programming_error(session, business):
    with pytest.raises(ValueError, match="no fields"):
        store.update_fields(session, business, "basic", None, {"favourite_colour": "blue"})
