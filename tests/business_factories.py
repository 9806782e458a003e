"""Test businesses, their owners and 支援者 (logged in through the form) and agencies, written through the store
like everything else (so history and sources are real)."""

from __future__ import annotations

import itertools

from portal import store
from portal.accounts.services import create_user
from portal.models import AgencyKind, Business, Role, SupportAgency, User
from tests.web.test_accounts import login

PASSWORD = "hikari-no-michi-42"
VALID_NUMBERS = ("4000012090001", "6010001096659", "1000020012131", "7123456789012")
_emails = itertools.count(1)


def make_account(session, email: str | None = None, role: Role = Role.BUSINESS) -> User:
    with session.info["app"].app_context():  # password hashing reads the app's settings
        user = create_user(session, email or f"user{next(_emails)}@example.jp", PASSWORD, role=role, confirmed=True)
    session.commit()
    return user


def make_business(session, user: User | None = None, kind: str = "corporation",
                  corporate_number: str | None = VALID_NUMBERS[0], name: str = "株式会社テスト商事",
                  **basic) -> Business:
    """A business owned by `user` (a new account when None); `basic` sets more 基本情報 by hand."""
    user = user or make_account(session)
    business = store.create_business(session, user, kind, corporate_number, name)
    if basic:
        store.update_fields(session, business, "basic", None, basic, store.MANUAL, user)
    session.commit()
    return business


def signed_in_owner(client, session, email: str | None = None, number: str | None = VALID_NUMBERS[0],
                    name: str = "株式会社テスト商事", **basic) -> tuple[User, Business]:
    """A business owner and their business, logged in on the test client `client` through the log-in form."""
    user = make_account(session, email)
    business = make_business(session, user, corporate_number=number, name=name, **basic)
    assert login(client, email=user.email, password=PASSWORD).status_code == 303
    return user, business


def signed_in_supporter(client, session, agency: SupportAgency | None = None, email: str | None = None) -> User:
    """A 支援者 account, a member of `agency` when one is given, logged in on the test client `client`."""
    user = make_account(session, email, role=Role.SUPPORTER)
    if agency is not None:
        store.add_agency_member(session, agency, user)
        session.commit()
    assert login(client, email=user.email, password=PASSWORD).status_code == 303
    return user


def make_agency(session, number: str = "109913000101", name: str = "テスト支援機関",
                kind: AgencyKind = AgencyKind.TAX_ACCOUNTANT, **values) -> SupportAgency:
    """A 認定支援機関 in the directory, written through the store as the agency connector's sync writes it."""
    agency, _ = store.upsert_agency(session, {"certification_number": number, "name": name, "kind": kind, **values})
    session.commit()
    return agency
