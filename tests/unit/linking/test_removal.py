"""解除 with 「取り込んだデータを削除」: the store touches exactly the values whose current source is the
connector, puts back what each field held before (hand-typed, or another service's that still
counts), empties only what never had another value, keeps what a record cannot do without, and
notes both steps in the history; `unlink` keeps or deletes and logs the choice. On SQLite and
PostgreSQL. The three-source cases (手入力, freee, マネーフォワード in both orders) are in
test_unlink_restore.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal import store
from portal.linking import accept, link, pending_changes, run_sync, unlink
from portal.models import AuditEvent, FinancialPeriod
from portal.store.removal import restored_source, unlinked_source
from tests.business_factories import make_account, make_business

TODAY = date(2026, 11, 27)


@pytest.fixture
def owner(session):
    user = make_account(session)
    business = make_business(session, user, corporate_number="7123456789012", name="株式会社みなと製作所",
                             capital="20,000,000")
    return user, business


def test_only_the_connectors_current_values_change_and_earlier_ones_come_back(session, owner):
    user, business = owner
    store.register_unlinked_label("freee", "freee会計")
    only_freee = store.add_period(session, business, {"period_end": "2025-03-31", "months": 12,
                                                      "net_sales": "98,000,000", "total_assets": "52,000,000"},
                                  "freee", user)
    mixed = store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "employees": 8},
                             store.MANUAL, user)
    store.update_period(session, business, mixed.id, {"net_sales": "90,000,000", "total_assets": "50,000,000"},
                        "freee", user)
    store.update_period(session, business, mixed.id, {"total_assets": "51,000,000"}, store.MANUAL, user)
    store.update_fields(session, business, "basic", None, {"name": "株式会社みなと製作所 横浜本社",
                                                           "website": "https://minato.example.jp/"}, "freee", user)
    other = make_business(session, make_account(session), corporate_number="4000012090001", name="別会社")
    theirs = store.add_period(session, other, {"period_end": "2025-03-31", "months": 12, "net_sales": 1}, "freee")
    session.commit()
    history_before = store.count_history(session, business)

    removal = store.remove_source_values(session, business, "freee", user)
    session.commit()

    assert removal.records_removed == {"period": 1}  # every value of it came from freee
    assert removal.cleared == 2  # the 2024 net_sales and the website: they never had another value
    assert removal.restored == 1  # the 商号 typed when the business was registered
    assert removal.kept == []
    assert session.get(FinancialPeriod, only_freee.id) is None
    session.refresh(mixed)
    assert (mixed.net_sales, mixed.total_assets, mixed.employees) == (None, 51_000_000, 8)
    assert business.website is None and business.name == "株式会社みなと製作所"
    assert business.capital == 20_000_000
    sources = store.sources_of(session, business)
    assert not [key for key, row in sources.items() if row.source == "freee"]
    assert sources[("basic", 0, "name")].source == store.MANUAL
    assert session.get(FinancialPeriod, theirs.id).net_sales == 1  # another business: untouched
    lines = store.history(session, business, limit=100)
    removed = [line for line in lines if line.source == unlinked_source("freee")]
    restored = [line for line in lines if line.source == restored_source(store.MANUAL)]
    assert len(removed) + len(restored) == store.count_history(session, business) - history_before
    assert {line.source_label for line in removed} == {"freee会計（連携解除により削除）"}
    assert {(line.record_label, line.field, line.old_text, line.new_text) for line in removed} >= {
        ("2024年3月31日決算", "net_sales", "90,000,000円", ""), ("2025年3月31日決算", "net_sales", "98,000,000円", ""),
        ("基本情報", "website", "https://minato.example.jp/", ""),
        ("基本情報", "name", "株式会社みなと製作所 横浜本社", "")}
    assert [(line.field, line.old_text, line.new_text, line.source_label) for line in restored] == [
        ("name", "", "株式会社みなと製作所", "手入力（連携解除により復元）")]


def test_a_value_the_record_cannot_do_without_stays_when_there_is_nothing_to_go_back_to(session, owner):
    user, business = owner
    period = store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "employees": 8},
                              "freee", user)
    store.update_period(session, business, period.id, {"net_sales": "1,000"}, store.MANUAL, user)
    session.commit()

    removal = store.remove_source_values(session, business, "freee", user)
    session.commit()

    assert removal.records_removed == {}  # a hand-typed figure is in it
    assert removal.cleared == 1  # 期末従業員数
    assert sorted(name for _s, _r, name in removal.kept) == ["months", "period_end"]
    session.refresh(period)
    assert (period.period_end, period.months, period.employees, period.net_sales) == (date(2024, 3, 31), 12, None, 1000)


def test_removing_a_source_with_nothing_stored_does_nothing(session, owner):
    user, business = owner
    history_before = store.count_history(session, business)
    removal = store.remove_source_values(session, business, "freee", user)
    assert (removal.cleared, removal.restored, removal.removed_records, removal.kept) == (0, 0, 0, [])
    assert store.count_history(session, business) == history_before


@pytest.mark.parametrize("keep_data", [True, False])
def test_unlink_keeps_or_deletes_what_was_accepted_and_logs_the_choice(app, session, owner, keep_data):
    user, business = owner
    connection = link(session, business, "freee", "sandbox", {}, user=user)
    run_sync(session, app, connection, TODAY)
    accept(session, user, [c.id for c in pending_changes(session, business)])
    session.commit()
    [period] = store.records(session, business, "period")
    sales = period.net_sales
    result = unlink(session, business, "freee", keep_data=keep_data, user=user)
    session.commit()
    event = session.scalar(select(AuditEvent).where(AuditEvent.event == "connection_unlinked"))
    assert event.user_id == user.id
    if keep_data:
        assert result.removal is None and "data=keep" in event.detail
        assert store.records(session, business, "period")[0].net_sales == sales
        assert store.view_of(session, business, "period", period.id)["net_sales"].source == "freee"
    else:
        assert result.removal.records_removed == {"period": 1}
        assert "data=delete" in event.detail and "records=period:1" in event.detail
        assert store.records(session, business, "period") == []
        assert business.capital == 20_000_000  # 手入力: never the connector's
