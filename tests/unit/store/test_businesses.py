"""Registering a business and sharing it: who may, what the first values record, who sees what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import store
from portal.errors import Forbidden, NotFound
from portal.models import BusinessKind, MemberRole, Role, ValueChange
from tests.business_factories import VALID_NUMBERS, make_account, make_business


def test_registering_makes_the_user_its_owner_and_records_the_first_values(session):
    user = make_account(session)
    business = store.create_business(session, user, "corporation", "６０１０００１－０９６６５９", "株式会社　見本")
    session.commit()
    assert business.kind is BusinessKind.CORPORATION
    assert business.corporate_number == "6010001096659" and business.name == "株式会社 見本"
    assert store.business_for_user(session, user).id == business.id
    assert store.membership(session, user).role is MemberRole.OWNER
    changes = {c.field: c for c in session.scalars(select(ValueChange))}
    assert set(changes) == {"kind", "corporate_number", "name"}
    assert all(c.old_value is None and c.source == "manual" and c.changed_by_id == user.id for c in changes.values())
    sources = store.sources_of(session, business)
    assert sources[("basic", 0, "name")].source == store.MANUAL


def test_a_corporation_needs_a_valid_corporate_number(session):
    user = make_account(session)
    with pytest.raises(store.InvalidValues) as missing:
        store.create_business(session, user, "corporation", "", "株式会社見本")
    assert missing.value.errors == {"corporate_number": "法人の場合は法人番号を入力してください。"}
    with pytest.raises(store.InvalidValues) as mistyped:
        store.create_business(session, user, "corporation", "4000012090002", "")
    assert mistyped.value.errors == {
        "corporate_number": "法人番号の確認用の数字が合いません。入力ミスがないか確かめてください。",
        "name": "商号・屋号を入力してください。",
    }
    session.rollback()
    assert store.business_for_user(session, user) is None


def test_a_sole_proprietor_may_register_without_a_corporate_number(session):
    business = make_business(session, kind="sole_proprietor", corporate_number=None, name="山田商店")
    assert business.corporate_number is None and business.kind is BusinessKind.SOLE_PROPRIETOR
    other = make_business(session, kind="sole_proprietor", corporate_number="", name="鈴木商店")
    assert other.id != business.id


def test_a_corporate_number_is_registered_once(session):
    make_business(session, corporate_number=VALID_NUMBERS[1])
    with pytest.raises(store.InvalidValues) as taken:
        make_business(session, corporate_number=VALID_NUMBERS[1])
    assert "既に登録されています" in taken.value.errors["corporate_number"]


def test_a_user_belongs_to_one_business(session):
    business = make_business(session)
    owner = store.members(session, business)[0][1]
    with pytest.raises(store.AlreadyRegistered):
        store.create_business(session, owner, "sole_proprietor", None, "二つ目")


def test_only_business_accounts_register_or_share_a_business(session):
    supporter = make_account(session, role=Role.SUPPORTER)
    with pytest.raises(Forbidden):
        store.create_business(session, supporter, "sole_proprietor", None, "支援者の店")
    with pytest.raises(Forbidden):
        store.add_member(session, make_business(session), supporter)


def test_members_share_one_business_and_others_find_none(session):
    business = make_business(session)
    colleague, stranger = make_account(session), make_account(session)
    store.add_member(session, business, colleague)
    session.commit()
    assert store.business_for_user(session, colleague).id == business.id
    assert store.business_for_user(session, stranger) is None
    with pytest.raises(NotFound):
        store.require_business(session, stranger)
    roles = [member.role for member, _user in store.members(session, business)]
    assert roles == [MemberRole.OWNER, MemberRole.MEMBER]
