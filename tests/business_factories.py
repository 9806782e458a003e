"""Test businesses, written through the store like everything else (so history and sources are real)."""

from __future__ import annotations

import itertools

from portal import store
from portal.accounts.services import create_user
from portal.models import Business, Role, User

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
