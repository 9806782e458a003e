"""申請履歴 in the store: written as the site reports them, idempotent, removable per source."""

from __future__ import annotations

from datetime import date

from portal import store
from portal.records import ApplicationRecord
from tests.business_factories import VALID_NUMBERS, make_business

APPLIED = ApplicationRecord(external_id="APP-1", measure_title="小規模事業者持続化補助金（一般型）",
                            applied_on=date(2024, 11, 8), status="審査中", requested_amount=500_000)
GRANTED = ApplicationRecord(external_id="APP-2", measure_title="中小企業省力化投資補助金",
                            applied_on=date(2025, 9, 12), status="交付決定", requested_amount=12_000_000,
                            granted_amount=10_500_000)
UNDATED = ApplicationRecord(external_id="APP-3", measure_title="創業支援事業補助金")


def test_applications_are_saved_once_and_a_rerun_changes_nothing(session):
    business = make_business(session)
    assert store.save_applications(session, business, [APPLIED, GRANTED, UNDATED], "jgrants") == 3
    session.commit()
    stamps = [row.updated_at for row in store.applications_of(session, business)]
    assert store.save_applications(session, business, [APPLIED, GRANTED, UNDATED], "jgrants") == 0
    session.commit()
    rows = store.applications_of(session, business)
    assert [row.updated_at for row in rows] == stamps
    assert [row.external_id for row in rows] == ["APP-2", "APP-1", "APP-3"]  # the latest first, undated last


def test_a_changed_status_updates_the_same_row(session):
    business = make_business(session)
    store.save_applications(session, business, [APPLIED], "jgrants")
    decided = ApplicationRecord(external_id="APP-1", measure_title=APPLIED.measure_title,
                                applied_on=APPLIED.applied_on, status="不採択", requested_amount=500_000)
    assert store.save_applications(session, business, [decided], "jgrants") == 1
    [row] = store.applications_of(session, business)
    assert row.status == "不採択"


def test_an_unusable_record_is_left_out_and_the_others_kept(session):
    business = make_business(session)
    too_long = ApplicationRecord(external_id="APP-9", measure_title="補" * 301)
    assert store.save_applications(session, business, [too_long, APPLIED], "jgrants") == 1
    assert [row.external_id for row in store.applications_of(session, business)] == ["APP-1"]


def test_a_sync_that_no_longer_mentions_an_application_keeps_it(session):
    business = make_business(session)
    store.save_applications(session, business, [APPLIED, GRANTED], "jgrants")
    store.save_applications(session, business, [], "jgrants")
    assert len(store.applications_of(session, business)) == 2


def test_removal_takes_only_that_sources_applications_of_that_business(session):
    business = make_business(session, corporate_number=VALID_NUMBERS[0])
    other = make_business(session, corporate_number=VALID_NUMBERS[1])
    store.save_applications(session, business, [APPLIED], "jgrants")
    store.save_applications(session, business, [GRANTED], "regional_bank")
    store.save_applications(session, other, [APPLIED], "jgrants")
    assert store.remove_applications(session, business, "jgrants") == 1
    session.commit()
    assert [row.source for row in store.applications_of(session, business)] == ["regional_bank"]
    assert len(store.applications_of(session, other)) == 1
