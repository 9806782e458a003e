"""Where a sync's records go besides proposed changes: the agency link, Jグランツ's calls and 申請履歴.

A sandbox (お試し) link never changes what other people see: its calls stay out of 支援制度ナビ and its
agency entries neither add to nor refresh the directory (the demo agencies are there already, as
`portal seed` puts them). A live link writes its calls, updating a measure the catalogue already
has rather than adding a second."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import store
from portal.content.indexing import search_index
from portal.content.services import content_version
from portal.demo.business import seed_agencies
from portal.linking import accept, link, pending_changes, run_sync, unlink
from portal.models import (AgencyKind, ApplicationHistory, Connection, Decision, ProposedChange, Support,
                           SupportAgency, SyncOutcome)
from tests.business_factories import make_account, make_business
from tests.connectors.http import serving
from tests.connectors.test_jgrants import JgrantsHandler
from tests.factories import add_supports, support_record

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


@pytest.fixture
def directory(session):
    """The public directory as `portal seed` leaves it: the sandbox's made-up agencies are listed."""
    seed_agencies(session)
    session.commit()
    return directory_rows(session)


def directory_rows(session):
    return sorted((a.certification_number, a.name, a.updated_at) for a in session.scalars(select(SupportAgency)))


def test_an_agency_record_is_proposed_as_the_agency_to_link(app, session, minato, directory):
    _user, business = minato
    run = sync(app, session, business, "agency")
    assert run.outcome is SyncOutcome.OK and run.records == 1
    [change] = pending_changes(session, business)
    assert (change.section, change.field, change.old_value, change.new_value) == (
        "agency", "agency", None, MINATO_AGENCY)
    assert store.linked_agency(session, business) is None  # nothing linked before the user accepts
    assert directory_rows(session) == directory


def test_accepting_a_sandbox_agency_links_the_listed_entry_and_leaves_the_directory_alone(app, session, minato,
                                                                                        directory):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    agency = store.linked_agency(session, business)
    assert (agency.name, agency.certification_number, agency.prefecture) == ("みなと信用金庫", "109914000109", "14")
    assert agency.kind.label == "金融機関" and agency.valid_until == date(2030, 12, 24)
    assert store.agency_link(session, business).source == "agency"
    assert directory_rows(session) == directory


def test_a_sandbox_agency_the_directory_does_not_list_is_refused_and_nothing_is_added(app, session, minato):
    _user, business = minato
    run = sync(app, session, business, "agency")
    assert run.outcome is SyncOutcome.ERROR
    assert "支援機関の一覧にない" in run.error and "109914000109" in run.error
    assert pending_changes(session, business) == []
    assert session.scalar(select(func.count(SupportAgency.id))) == 0


def test_accepting_a_live_agency_adds_the_published_entry_to_the_directory(app, session, minato):
    user, business = minato
    connection = link(session, business, "agency", "live", {"certification_number": "109914000109"})
    session.add(ProposedChange(connection_id=connection.id, business_id=business.id, section="agency",
                               record_key=["109914000109", {"certification_number": "109914000109",
                                                            "name": "みなと信用金庫", "kind": "financial_institution",
                                                            "prefecture": "14", "regions": [], "specialties": [],
                                                            "nationwide": False}],
                               field="agency", old_value=None, new_value=MINATO_AGENCY, source="agency",
                               decision=Decision.PENDING))
    session.commit()
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    assert str(store.linked_agency(session, business)) == MINATO_AGENCY
    assert session.scalar(select(func.count(SupportAgency.id))) == 1


def test_a_resync_after_accepting_changes_nothing(app, session, minato, directory):
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


def test_a_resync_before_accepting_keeps_the_one_pending_change(app, session, minato, directory):
    _user, business = minato
    sync(app, session, business, "agency")
    [first] = agency_changes(session, business)
    run_sync(session, app, store_connection(session, business, "agency"), TODAY)
    session.commit()
    assert [c.id for c in agency_changes(session, business)] == [first.id]


def test_another_agency_typed_in_proposes_a_change_from_the_current_one(app, session, minato, directory):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=True)
    sync(app, session, business, "agency", {"certification_number": "109927000103"})
    [change] = agency_changes(session, business)
    assert (change.old_value, change.new_value) == (MINATO_AGENCY, "若葉会計事務所（109927000103）")


def test_an_expired_agency_is_an_error_and_nothing_is_proposed(app, session, minato, directory):
    _user, business = minato
    run = sync(app, session, business, "agency", {"certification_number": "109914000104"})
    assert run.outcome is SyncOutcome.ERROR and "有効期限" in run.error
    assert pending_changes(session, business) == []


def test_unlink_with_delete_removes_the_link_the_connector_made(app, session, minato, directory):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=False, user=user)
    session.commit()
    assert store.linked_agency(session, business) is None
    [removed, _linked] = store.history(session, business, "agency")
    assert (removed.old_text, removed.new_text, removed.source) == (MINATO_AGENCY, "", "unlinked:agency")
    assert directory_rows(session) == directory  # the directory keeps the agency


def test_unlink_keeping_the_data_keeps_the_link(app, session, minato, directory):
    user, business = minato
    sync(app, session, business, "agency")
    accept(session, user, [c.id for c in agency_changes(session, business)])
    session.commit()
    unlink(session, business, "agency", keep_data=True, user=user)
    session.commit()
    assert str(store.linked_agency(session, business)) == MINATO_AGENCY


def test_unlink_with_delete_leaves_an_agency_chosen_by_hand(app, session, minato, directory):
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


def catalogue(session):
    return sorted((s.source, s.source_id, s.title, s.updated_at) for s in session.scalars(select(Support)))


@pytest.fixture(scope="module")
def jgrants_url():
    with serving(JgrantsHandler) as url:
        yield url


@pytest.fixture
def live_jgrants(app, jgrants_url):
    """Live Jグランツ answered by a local server speaking the real format (the sandbox's four calls)."""
    app.config["CONNECTOR_SETTINGS"] = {"jgrants": {"jgrants_base_url": jgrants_url}}
    JgrantsHandler.broken = False
    return jgrants_url


def test_a_sandbox_jgrants_link_writes_no_measure_and_keeps_the_applications(app, session, minato):
    _user, business = minato
    [existing] = add_supports(session, support_record("既にある補助金"))
    before, version = catalogue(session), content_version(session, "supports")
    run = sync(app, session, business, "jgrants")
    assert run.outcome is SyncOutcome.OK and run.records >= 4
    assert catalogue(session) == before and content_version(session, "supports") == version
    assert search_index("supports", app).doc_count() == 1 and existing
    rows = store.applications_of(session, business)
    assert [(r.external_id, r.status, r.source) for r in rows] == [
        ("APP-2026-000041", "審査中", "jgrants"), ("APP-2025-000318", "交付決定", "jgrants")]
    assert session.scalar(select(func.count(ProposedChange.id))) == 0


def test_live_jgrants_calls_become_measures_not_proposals(app, session, minato, live_jgrants):
    _user, business = minato
    run = sync(app, session, business, "jgrants", mode="live")
    assert run.outcome is SyncOutcome.OK
    supports = jgrants_supports(session)
    assert len(supports) == 4
    assert all(s.reception_end for s in supports)
    assert session.scalar(select(func.count(ProposedChange.id))) == 0
    assert search_index("supports", app).doc_count() == len(supports)  # indexed once committed
    assert store.applications_of(session, business) == []  # Jグランツ has no public API for them


def test_a_live_jgrants_resync_changes_nothing(app, session, minato, live_jgrants):
    _user, business = minato
    sync(app, session, business, "jgrants", mode="live")
    before = [(s.id, s.updated_at, s.imported_at) for s in jgrants_supports(session)]
    version = content_version(session, "supports")
    run = run_sync(session, app, store_connection(session, business, "jgrants"), TODAY)
    session.commit()
    assert run.outcome is SyncOutcome.OK
    assert [(s.id, s.updated_at, s.imported_at) for s in jgrants_supports(session)] == before
    assert content_version(session, "supports") == version


def test_a_live_call_the_catalogue_has_updates_that_measure_instead_of_adding_a_second(app, session, minato,
                                                                                     live_jgrants):
    _user, business = minato
    [demo] = add_supports(session, support_record("中小企業省力化投資補助金（一般型）", summary="カタログの説明"))
    [older] = add_supports(session, support_record("事業承継・M&A補助金（専門家活用枠）", source_id="a0WJ-old"))
    session.get(Support, older).source = "jgrants"
    [numbered] = add_supports(session, support_record("人材確保の助成（旧称）", number="S-00008211"))
    [elsewhere] = add_supports(session, support_record("みなと市 創業支援事業補助金", prefecture=["27"]))
    session.commit()
    run = sync(app, session, business, "jgrants", mode="live")
    assert run.outcome is SyncOutcome.OK
    titles = sorted(s.title for s in session.scalars(select(Support)))
    assert titles.count("中小企業省力化投資補助金（一般型）") == 1  # same title, nationwide: the same measure
    assert titles.count("事業承継・M&A補助金（専門家活用枠）") == 1  # an earlier Jグランツ id of it
    assert "人材確保等支援助成金（テレワークコース）" not in titles  # same 管理番号
    assert titles.count("みなと市 創業支援事業補助金") == 2  # same title, another area: another measure
    shoryoku = session.get(Support, demo)
    assert (shoryoku.source, shoryoku.summary) == ("test", "カタログの説明")  # its own text stays
    assert shoryoku.reception_end == date(2026, 3, 31) and shoryoku.subsidy_max_limit == 80_000_000
    assert shoryoku.number == "S-00008123"
    assert session.get(Support, older).reception_end == date(2026, 4, 24)
    assert session.get(Support, numbered).reception_end == date(2026, 9, 30)
    assert session.get(Support, elsewhere).reception_end is None
    again = run_sync(session, app, store_connection(session, business, "jgrants"), TODAY)
    session.commit()
    assert again.outcome is SyncOutcome.OK and len(list(session.scalars(select(Support)))) == 5


def test_two_businesses_share_the_live_measures_but_not_the_applications(app, session, minato, live_jgrants):
    _user, business = minato
    other = make_business(session, corporate_number="4000012090001", name="株式会社ほか")
    sync(app, session, business, "jgrants", mode="live")
    count = len(jgrants_supports(session))
    sync(app, session, other, "jgrants")
    assert len(jgrants_supports(session)) == count
    assert store.applications_of(session, business) == []
    assert {r.external_id for r in store.applications_of(session, other)}


def test_unlinking_jgrants_with_delete_removes_the_applications_and_keeps_the_measures(app, session, minato,
                                                                                     live_jgrants):
    user, business = minato
    sync(app, session, business, "jgrants", mode="live")
    count = len(jgrants_supports(session))
    connection = store_connection(session, business, "jgrants")
    connection.mode = "sandbox"  # a later お試し link brought 申請履歴
    run_sync(session, app, connection, TODAY)
    session.commit()
    assert store.applications_of(session, business)
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


def test_a_run_records_its_mode_and_how_many_changes_it_proposed(app, session, minato, directory):
    _user, business = minato
    first = sync(app, session, business, "agency")
    again = run_sync(session, app, store_connection(session, business, "agency"), TODAY)
    session.commit()
    assert (first.mode, first.records, first.proposals) == ("sandbox", 1, 1)
    assert (again.mode, again.records, again.proposals) == ("sandbox", 1, 0)  # the same change is still waiting
    assert session.scalar(select(func.count(Connection.id))) == 1


def store_connection(session, business, name):
    from portal.linking import get_connection

    return get_connection(session, business, name)
