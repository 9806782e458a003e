"""解除 with 「取り込んだデータを削除」: the store removes exactly the values whose current source is the
connector, keeps what the user typed over and what a record cannot do without, and notes it in
the history; `unlink` keeps or deletes and logs the choice. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal import store
from portal.linking import accept, link, pending_changes, run_sync, unlink
from portal.models import AuditEvent, FinancialPeriod
from portal.store.removal import unlinked_source
from tests.business_factories import make_account, make_business

TODAY = date(2026, 11, 27)


@pytest.fixture
def owner(session):
    user = make_account(session)
    business = make_business(session, user, corporate_number="7123456789012", name="株式会社みなと製作所",
                             capital="20,000,000")
    return user, business


def test_only_the_connectors_current_values_go_and_whole_records_only_when_all_theirs(session, owner):
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

    assert removal.records_removed == {"period": 1}
    assert removal.cleared == 2  # the 2024 net_sales and the website
    assert removal.kept == [("basic", 0, "name")]  # 商号 cannot be empty
    assert session.get(FinancialPeriod, only_freee.id) is None
    session.refresh(mixed)
    assert (mixed.net_sales, mixed.total_assets, mixed.employees) == (None, 51_000_000, 8)
    assert business.website is None and business.name == "株式会社みなと製作所 横浜本社"
    assert business.capital == 20_000_000
    sources = store.sources_of(session, business)
    assert {key for key, row in sources.items() if row.source == "freee"} == {("basic", 0, "name")}
    assert session.get(FinancialPeriod, theirs.id).net_sales == 1  # another business: untouched
    lines = store.history(session, business, limit=100)
    removed = [line for line in lines if line.source == unlinked_source("freee")]
    assert len(removed) == store.count_history(session, business) - history_before
    assert {line.source_label for line in removed} == {"freee会計（連携解除により削除）"}
    assert {(line.record_label, line.field, line.old_text, line.new_text) for line in removed} >= {
        ("2024年3月31日決算", "net_sales", "90,000,000円", ""), ("2025年3月31日決算", "net_sales", "98,000,000円", ""),
        ("基本情報", "website", "https://minato.example.jp/", "")}


def test_removing_a_source_with_nothing_stored_does_nothing(session, owner):
    user, business = owner
    history_before = store.count_history(session, business)
    removal = store.remove_source_values(session, business, "freee", user)
    assert (removal.cleared, removal.removed_records, removal.kept) == (0, 0, [])
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
