"""Linking end to end on SQLite and PostgreSQL: link → sync → proposals → accept/reject → unlink."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import clock, store
from portal.linking import (
    accept,
    due_connections,
    link,
    pending_changes,
    reject,
    run_sync,
    unlink,
)
from portal.linking.crypto import decrypt_credentials
from portal.linking.services import FAILED
from portal.models import (
    AuditEvent,
    ConnectionState,
    Decision,
    FinancialPeriod,
    ProposedChange,
    SyncOutcome,
    SyncRun,
)
from portal.plugins import connectors
from portal.sdk import Connector, ConnectorError, FinancialPeriodRecord, ProfileRecord
from tests.business_factories import make_account, make_business

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

TODAY = date(2026, 11, 27)
MINATO = "7123456789012"  # in the gBizINFO sandbox fixture
TOKEN = {"X-hojinInfo-api-token": "gbiz-token-0123456789"}
EXPECTED = {"name_kana": "ミナトセイサクショ", "postal_code": "2310023", "prefecture": "14",
            "address": "横浜市中区山下町1番地", "representative_name": "港 一郎", "established_on": "1994-06-15",
            "website": "https://minato-works.example.jp/"}


class Boom(Connector):
    name = "boom"
    title = "壊れたサービス"
    reads = ("基本情報",)
    error: Exception = RuntimeError("bug in a plugin")

    def fetch(self, context):
        yield ProfileRecord(name="途中まで来た名前")
        raise type(self).error


class Books(Connector):
    """Yields two periods and keeps the context it was given."""

    name = "books"
    title = "テスト会計"
    reads = ("事業財務情報",)
    seen = []

    def fetch(self, context):
        type(self).seen.append(context)
        yield FinancialPeriodRecord(period_end=date(2025, 3, 31), months=12, net_sales=120_000_000)
        yield FinancialPeriodRecord(period_end=date(2024, 3, 31), months=12, net_sales=100_000_000)


@pytest.fixture
def minato(session):
    user = make_account(session)
    business = make_business(session, user, corporate_number=MINATO, name="株式会社みなと製作所",
                             capital="20,000,000")
    return user, business


def proposals(session, business):
    return {change.field: change.new_value for change in pending_changes(session, business)}


def test_link_stores_the_credentials_encrypted(app, session, minato):
    _user, business = minato
    connection = link(session, business, "gbizinfo", "sandbox", TOKEN)
    session.commit()
    assert connection.state is ConnectionState.LINKED and connection.consented_at is not None
    assert b"gbiz-token" not in connection.credentials
    assert decrypt_credentials(app.config, connection.credentials) == TOKEN


def test_sync_proposes_exactly_the_differing_fields_and_a_rerun_changes_nothing(app, session, minato):
    _user, business = minato
    connection = link(session, business, "gbizinfo", "sandbox", TOKEN)
    run = run_sync(session, app, connection, TODAY)
    session.commit()
    assert run.outcome is SyncOutcome.OK and run.records == 1 and connection.last_sync_at is not None
    assert proposals(session, business) == EXPECTED  # not 商号, 資本金 or 法人番号: they are equal
    capital = session.scalar(select(ProposedChange).where(ProposedChange.field == "capital"))
    assert capital is None
    before = [(c.id, c.created_at) for c in pending_changes(session, business)]
    run_sync(session, app, connection, TODAY)
    session.commit()
    assert [(c.id, c.created_at) for c in pending_changes(session, business)] == before
    assert business.name_kana is None  # nothing reaches the store before it is accepted


def test_accept_writes_through_the_store_with_the_connector_as_source(app, session, minato):
    user, business = minato
    connection = link(session, business, "gbizinfo", "sandbox", TOKEN)
    run_sync(session, app, connection, TODAY)
    accepted = accept(session, user, [c.id for c in pending_changes(session, business)])
    session.commit()
    assert {c.decision for c in accepted} == {Decision.ACCEPTED}
    assert business.name_kana == "ミナトセイサクショ" and business.prefecture == "14"
    assert business.established_on == date(1994, 6, 15)
    view = store.view_of(session, business, "basic")
    assert view["representative_name"].source == "gbizinfo"
    assert view["representative_name"].source_label == "gBizINFO（法人基本情報）"
    assert view["capital"].source == "manual"
    lines = {line.field: line for line in store.history(session, business, "basic")}
    assert lines["representative_name"].new_text == "港 一郎" and lines["representative_name"].source == "gbizinfo"
    run_sync(session, app, connection, TODAY)  # everything is now equal: nothing to propose
    assert pending_changes(session, business) == []


def test_reject_leaves_the_store_unchanged(app, session, minato):
    user, business = minato
    run_sync(session, app, link(session, business, "gbizinfo", "sandbox", TOKEN), TODAY)
    history_before = store.count_history(session, business)
    rejected = reject(session, user, [c.id for c in pending_changes(session, business)])
    session.commit()
    assert len(rejected) == len(EXPECTED) and {c.decision for c in rejected} == {Decision.REJECTED}
    assert business.name_kana is None and business.representative_name is None
    assert store.count_history(session, business) == history_before


def test_another_business_cannot_accept_the_proposals(app, session, minato):
    _user, business = minato
    run_sync(session, app, link(session, business, "gbizinfo", "sandbox", TOKEN), TODAY)
    stranger = make_account(session)
    make_business(session, stranger, corporate_number="4000012090001", name="別会社")
    assert accept(session, stranger, [c.id for c in pending_changes(session, business)]) == []
    assert len(pending_changes(session, business)) == len(EXPECTED) and business.name_kana is None


def test_new_periods_are_added_with_their_source_and_the_connector_gets_only_the_access_token(app, session, minato):
    user, business = minato
    connectors(app).add(Books, "tests")
    Books.seen.clear()
    app.config["CONNECTOR_SETTINGS"] = {"books": {"base_url": "http://127.0.0.1:1"}, "shared": "x"}
    connection = link(session, business, "books", "live",
                      {"access_token": "at-1", "refresh_token": "rt-1", "client_secret": "cs-1"})
    run_sync(session, app, connection, TODAY)
    context = Books.seen[0]
    assert context.credentials.access_token == "at-1" and dict(context.credentials.fields) == {}
    assert context.settings == {"base_url": "http://127.0.0.1:1", "shared": "x"}
    assert context.corporate_number == MINATO and context.mode == "live" and context.today == TODAY
    changes = pending_changes(session, business)
    assert {(tuple(c.record_key), c.field, c.new_value) for c in changes} == {
        (("2025-03-31",), "months", "12"), (("2025-03-31",), "net_sales", "120000000"),
        (("2024-03-31",), "months", "12"), (("2024-03-31",), "net_sales", "100000000")}
    accept(session, user, [c.id for c in changes])
    session.commit()
    periods = store.records(session, business, "period")
    assert [(p.period_end, p.net_sales) for p in periods] == [(date(2025, 3, 31), 120_000_000),
                                                            (date(2024, 3, 31), 100_000_000)]
    assert store.view_of(session, business, "period", periods[0].id)["net_sales"].source == "books"


@pytest.mark.parametrize("error, message", [(RuntimeError("bug"), FAILED),
                                            (ConnectorError("テスト用のエラーです。"), "テスト用のエラーです。")])
def test_a_failing_connector_is_recorded_and_writes_nothing(app, session, minato, monkeypatch, error, message):
    _user, business = minato
    connectors(app).add(Boom, "tests")
    monkeypatch.setattr(Boom, "error", error)
    connection = link(session, business, "boom", "sandbox", {})
    run = run_sync(session, app, connection, TODAY)  # does not raise
    session.commit()
    assert connection.state is ConnectionState.ERROR and connection.last_error == message
    assert run.outcome is SyncOutcome.ERROR and run.error == message and run.finished_at is not None
    assert pending_changes(session, business) == [] and business.name == "株式会社みなと製作所"


def test_the_sync_time_limit_is_checked_between_records(app, session, minato):
    _user, business = minato
    connectors(app).add(Books, "tests")
    app.config["SYNC_TIMEOUT"] = -1
    connection = link(session, business, "books", "sandbox", {})
    run = run_sync(session, app, connection, TODAY)
    assert run.outcome is SyncOutcome.ERROR and "制限時間" in connection.last_error
    assert pending_changes(session, business) == []
    assert session.scalar(select(FinancialPeriod)) is None


@pytest.mark.parametrize("keep_data", [True, False])
def test_unlink_destroys_the_credentials_at_once(app, session, minato, keep_data):
    user, business = minato
    connection = link(session, business, "gbizinfo", "sandbox", TOKEN, user=user)
    run_sync(session, app, connection, TODAY)
    result = unlink(session, business, "gbizinfo", keep_data=keep_data, user=user)
    session.commit()
    assert connection.credentials is None and connection.state is ConnectionState.UNLINKED
    assert result.connection is connection and result.discarded == len(EXPECTED)
    assert (result.removal is None) is keep_data
    decisions = {c.decision for c in session.scalars(select(ProposedChange))}
    assert decisions == {Decision.REJECTED}  # pending proposals of an unlinked service go either way
    event = session.scalar(select(AuditEvent).where(AuditEvent.event == "connection_unlinked"))
    assert event.user_id == user.id and ("data=keep" if keep_data else "data=delete") in event.detail
    assert due_connections(session, clock.now()) == []


def test_due_connections(app, session, minato):
    _user, business = minato
    connection = link(session, business, "gbizinfo", "sandbox", TOKEN)
    now = clock.now()
    assert due_connections(session, now) == [connection]  # never synced
    run_sync(session, app, connection, TODAY)
    assert due_connections(session, clock.now()) == []
    assert due_connections(session, clock.now() + timedelta(hours=25)) == [connection]
    assert due_connections(session, clock.now() + timedelta(hours=2), interval_hours=1) == [connection]
    assert session.scalar(select(SyncRun)).outcome is SyncOutcome.OK
