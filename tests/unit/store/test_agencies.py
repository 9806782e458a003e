"""The agency directory, a business's link to its agency, and the 支援者 of an agency (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import store
from portal.errors import Forbidden
from portal.models import AgencyKind, BusinessAgencyLink, Role, SupportAgency
from portal.records import SupportAgencyRecord
from tests.business_factories import (
    VALID_NUMBERS,
    make_account,
    make_agency,
    make_business,
)

pytestmark = pytest.mark.usefixtures("clock")

RECORD = SupportAgencyRecord(
    certification_number="１０９９ １３００ ０１０１", name="株式会社みらい経営支援センター", kind="コンサルティング会社",
    certified_on=date(2024, 3, 28), valid_until=date(2029, 3, 27), prefecture="東京都",
    address="東京都千代田区神田錦町3-1-5", phone="03-5555-0101", url="https://mirai-keiei.example.jp/",
    specialties=("事業計画の策定", " 補助金の申請支援 "), regions=("東京都", "関東・甲信越地方", "全国"),
)


def test_a_published_entry_becomes_directory_values():
    values = store.agency_values(RECORD)
    assert values["certification_number"] == "109913000101"
    assert values["kind"] is AgencyKind.CONSULTING_FIRM
    assert (values["prefecture"], values["address"]) == ("13", "千代田区神田錦町3-1-5")
    assert values["specialties"] == ["事業計画の策定", "補助金の申請支援"]
    assert values["regions"] == ["08", "09", "10", "11", "12", "13", "14", "15", "19", "20"]
    assert values["nationwide"] is True


@pytest.mark.parametrize("label, kind", [
    ("税理士法人", AgencyKind.TAX_ACCOUNTANT), ("信用金庫", AgencyKind.FINANCIAL_INSTITUTION),
    ("商工会議所", AgencyKind.CHAMBER), ("特定非営利活動法人", AgencyKind.NPO), ("個人", AgencyKind.OTHER),
    (None, AgencyKind.OTHER),
])
def test_published_kinds_map_to_the_portal_kinds(label, kind):
    assert AgencyKind.from_label(label) is kind


def test_upsert_is_keyed_by_the_certification_number_and_a_rerun_changes_nothing(session):
    agency, created = store.upsert_agency(session, store.agency_values(RECORD))
    session.commit()
    stamp = agency.updated_at
    again, changed = store.upsert_agency(session, store.agency_values(RECORD))
    session.commit()
    assert created and not changed and again.id == agency.id and again.updated_at == stamp
    moved, changed = store.upsert_agency(session, {**store.agency_values(RECORD), "phone": "03-5555-0199"})
    assert changed and moved.id == agency.id and moved.phone == "03-5555-0199"
    assert session.scalar(select(func.count(SupportAgency.id))) == 1


def test_a_directory_entry_the_store_cannot_keep_is_refused_whole(session):
    with pytest.raises(store.InvalidValues) as raised:
        store.upsert_agency(session, {"certification_number": "1" * 31, "name": ""})
    assert set(raised.value.errors) == {"certification_number", "name"}
    assert session.scalar(select(func.count(SupportAgency.id))) == 0


def test_link_replace_and_unlink_go_to_the_history_of_the_business(session):
    user = make_account(session)
    business = make_business(session, user)
    first, second = make_agency(session), make_agency(session, "109927000103", "若葉会計事務所")
    assert store.linked_agency(session, business) is None
    store.link_agency(session, business, first, "agency", user)
    store.link_agency(session, business, first, "agency", user)  # the same agency again: nothing new
    store.link_agency(session, business, second, store.MANUAL, user)
    session.commit()
    link = store.agency_link(session, business)
    assert store.linked_agency(session, business).id == second.id and link.source == store.MANUAL
    assert store.unlink_agency(session, business, user) is True
    session.commit()
    assert store.linked_agency(session, business) is None
    lines = store.history(session, business, "agency")
    assert [(line.old_text, line.new_text, line.source) for line in reversed(lines)] == [
        ("", "テスト支援機関（109913000101）", "agency"),
        ("テスト支援機関（109913000101）", "若葉会計事務所（109927000103）", store.MANUAL),
        ("若葉会計事務所（109927000103）", "", store.MANUAL),
    ]
    assert lines[0].section_label == "支援機関" and lines[0].field_label == "連携する支援機関"


def test_unlinking_one_source_leaves_a_link_made_by_another(session):
    business = make_business(session)
    store.link_agency(session, business, make_agency(session), store.MANUAL)
    assert store.unlink_agency(session, business, only_source="agency") is False
    assert store.linked_agency(session, business) is not None


def test_each_business_has_at_most_one_link(session):
    agency = make_agency(session)
    businesses = [make_business(session, corporate_number=number) for number in VALID_NUMBERS[:2]]
    for business in businesses:
        store.link_agency(session, business, agency, store.MANUAL)
    session.commit()
    assert session.scalar(select(func.count(BusinessAgencyLink.id))) == 2
    assert {b.id for b in store.businesses_of_agency(session, agency)} == {b.id for b in businesses}


def test_businesses_of_an_agency_are_only_those_linked_to_it(session):
    mine, other = make_agency(session), make_agency(session, "109927000103", "若葉会計事務所")
    linked = make_business(session, corporate_number=VALID_NUMBERS[0], name="株式会社つながり")
    elsewhere = make_business(session, corporate_number=VALID_NUMBERS[1], name="株式会社よそ")
    make_business(session, corporate_number=VALID_NUMBERS[2], name="株式会社ひとり")
    store.link_agency(session, linked, mine)
    store.link_agency(session, elsewhere, other)
    session.commit()
    assert [b.name for b in store.businesses_of_agency(session, mine)] == ["株式会社つながり"]


def test_supporters_belong_to_one_agency(session):
    agency, other = make_agency(session), make_agency(session, "109927000103", "若葉会計事務所")
    supporter = make_account(session, role=Role.SUPPORTER)
    assert store.agencies_of_user(session, supporter) == []
    store.add_agency_member(session, agency, supporter)
    store.add_agency_member(session, agency, supporter)  # again: nothing new
    session.commit()
    assert [a.id for a in store.agencies_of_user(session, supporter)] == [agency.id]
    with pytest.raises(Forbidden):
        store.add_agency_member(session, other, supporter)
    with pytest.raises(Forbidden):
        store.add_agency_member(session, agency, make_account(session))  # a 事業者 account


def test_validity_is_inclusive_of_the_last_day(session):
    agency = make_agency(session, valid_until=date(2029, 3, 27))
    assert agency.is_valid_on(date(2029, 3, 27)) and not agency.is_valid_on(date(2029, 3, 28))
    assert str(agency) == "テスト支援機関（109913000101）"
