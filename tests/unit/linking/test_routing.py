"""Where a sync's records go besides proposed changes: the agency link, Jグランツ's calls and 申請履歴."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import store
from portal.content.indexing import search_index
from portal.content.services import content_version
from portal.linking import accept, link, pending_changes, run_sync, unlink
from portal.models import AgencyKind, ApplicationHistory, ProposedChange, Support, SupportAgency, SyncOutcome
from tests.business_factories import make_account, make_business

TODAY = date(2026, 11, 27)
MINATO = "7123456789012"  # the agency sandbox links it to みなと信用金庫
MINATO_AGENCY = "みなと信用金庫（109914000109）"


@pytest.fixture
def minato(session):
    user = make_account(session)
    return user, make_business(session, user, corporate_number=MINATO, name="株式会社みなと製作所")


def sync(app, session, business, name: str, credentials=None, mode: str = "sandbox"):
    connection = link(session, business, name, mode, credentials or {})
    run = run_sync(session, app, connection, TODAY)
    session.commit()
    return run


def agency_changes(session, business):
    return [c for c in pending_changes(session, business) if c.section == "agency"]


def test_an_agency_record_is_proposed_as_the_agency_to_link(app, session, minato):
    _user, business = minato
    run = sync(app, session, business, "agency")
    assert run.outcome is SyncOutcome.OK and run.records == 1
    [change] = pending_changes(session, business)
    assert (change.section, change.field, change.old_value, change.new_value) == (
        "agency", "agency", None, MINATO_AGENCY)
    assert store.linked_agency(session, business) is None  # nothing linked before the user accepts
    assert session.scalar(select(func.count(SupportAgency.id))) == 0


def test_accepting_adds_the_agency_to_the_directory_and_links_the_business(app, session, minato):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    agency = store.linked_agency(session, business)
    assert (agency.name, agency.certification_number, agency.prefecture) == ("みなと信用金庫", "109914000109", "14")
    assert agency.kind.label == "金融機関" and agency.valid_until == date(2030, 12, 24)
    assert store.agency_link(session, business).source == "agency"


def test_a_resync_after_accepting_changes_nothing(app, session, minato):
    user, business = minato
    connection_run = sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    stamp = store.linked_agency(session, business).updated_at
    connection = store_connection(session, business, "agency")
    run = run_sync(session, app, connection, TODAY)
    session.commit()
    assert connection_run.outcome is run.outcome is SyncOutcome.OK
    assert pending_changes(session, business) == []
    assert store.linked_agency(session, business).updated_at == stamp
    assert len(store.history(session, business, "agency")) == 1


def test_a_resync_before_accepting_keeps_the_one_pending_change(app, session, minato):
    _user, business = minato
    sync(app, session, business, "agency")
    [first] = agency_changes(session, business)
    run_sync(session, app, store_connection(session, business, "agency"), TODAY)
    session.commit()
    assert [c.id for c in agency_changes(session, business)] == [first.id]


def test_another_agency_typed_in_proposes_a_change_from_the_current_one(app, session, minato):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=True)
    sync(app, session, business, "agency", {"certification_number": "109927000103"})
    [change] = agency_changes(session, business)
    assert (change.old_value, change.new_value) == (MINATO_AGENCY, "若葉会計事務所（109927000103）")


def test_an_expired_agency_is_an_error_and_nothing_is_proposed(app, session, minato):
    _user, business = minato
    run = sync(app, session, business, "agency", {"certification_number": "109914000104"})
    assert run.outcome is SyncOutcome.ERROR and "有効期限" in run.error
    assert pending_changes(session, business) == []


def test_unlink_with_delete_removes_the_link_the_connector_made(app, session, minato):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=False, user=user)
    session.commit()
    assert store.linked_agency(session, business) is None
    [removed, _linked] = store.history(session, business, "agency")
    assert (removed.old_text, removed.new_text, removed.source) == (MINATO_AGENCY, "", "unlinked:agency")
    assert session.scalar(select(func.count(SupportAgency.id))) == 1  # the directory keeps the agency


def test_unlink_keeping_the_data_keeps_the_link(app, session, minato):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=True, user=user)
    session.commit()
    assert str(store.linked_agency(session, business)) == MINATO_AGENCY


def test_unlink_with_delete_leaves_an_agency_chosen_by_hand(app, session, minato):
    user, business = minato
    sync(app, session, business, "agency")
    agency, _ = store.upsert_agency(session, {"certification_number": "109927000103", "name": "若葉会計事務所",
                                              "kind": AgencyKind.TAX_ACCOUNTANT})
    store.link_agency(session, business, agency, store.MANUAL, user)
    session.commit()
    unlink(session, business, "agency", keep_data=False, user=user)
    session.commit()
    assert store.linked_agency(session, business).id == agency.id


# --- Jグランツ ---------------------------------------------------------------------------------------

def jgrants_supports(session):
    return list(session.scalars(select(Support).where(Support.source == "jgrants").order_by(Support.id)))


def test_jgrants_calls_become_measures_not_proposals(app, session, minato):
    _user, business = minato
    run = sync(app, session, business, "jgrants")
    assert run.outcome is SyncOutcome.OK
    supports = jgrants_supports(session)
    assert len(supports) >= 3
    assert all(s.reception_end for s in supports)
    assert session.scalar(select(func.count(ProposedChange.id))) == 0
    assert search_index("supports", app).doc_count() == len(supports)  # indexed once committed


def test_jgrants_application_history_is_stored_for_the_business(app, session, minato):
    _user, business = minato
    sync(app, session, business, "jgrants")
    rows = store.applications_of(session, business)
    assert [(r.external_id, r.status, r.source) for r in rows] == [
        ("APP-2026-000041", "審査中", "jgrants"), ("APP-2025-000318", "交付決定", "jgrants")]


def test_a_jgrants_resync_changes_nothing(app, session, minato):
    _user, business = minato
    sync(app, session, business, "jgrants")
    before = [(s.id, s.updated_at, s.imported_at) for s in jgrants_supports(session)]
    version = content_version(session, "supports")
    applications = [(r.id, r.updated_at) for r in store.applications_of(session, business)]
    run = run_sync(session, app, store_connection(session, business, "jgrants"), TODAY)
    session.commit()
    assert run.outcome is SyncOutcome.OK
    assert [(s.id, s.updated_at, s.imported_at) for s in jgrants_supports(session)] == before
    assert content_version(session, "supports") == version
    assert [(r.id, r.updated_at) for r in store.applications_of(session, business)] == applications


def test_two_businesses_share_the_measures_but_not_the_applications(app, session, minato):
    _user, business = minato
    other = make_business(session, corporate_number="4000012090001", name="株式会社ほか")
    sync(app, session, business, "jgrants")
    count = len(jgrants_supports(session))
    sync(app, session, other, "jgrants")
    assert len(jgrants_supports(session)) == count
    assert {r.external_id for r in store.applications_of(session, other)}.isdisjoint(
        {r.external_id for r in store.applications_of(session, business)})


def test_unlinking_jgrants_with_delete_removes_the_applications_and_keeps_the_measures(app, session, minato):
    user, business = minato
    sync(app, session, business, "jgrants")
    count = len(jgrants_supports(session))
    unlink(session, business, "jgrants", keep_data=False, user=user)
    session.commit()
    assert store.applications_of(session, business) == []
    assert len(jgrants_supports(session)) == count


def test_a_failure_while_routing_leaves_neither_measures_nor_applications(app, session, minato, monkeypatch):
    _user, business = minato

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "save_applications", broken)
    run = sync(app, session, business, "jgrants")
    assert run.outcome is SyncOutcome.ERROR
    assert jgrants_supports(session) == []
    assert session.scalar(select(func.count(ApplicationHistory.id))) == 0
    assert search_index("supports", app).doc_count() == 0


def store_connection(session, business, name):
    from portal.linking import get_connection

    return get_connection(session, business, name)
