"""The demo business and the demo agencies for `portal seed` / `make run`.

demo@example.jp gets 株式会社みらい工房 (`business.json`: 基本情報, three 決算期, 株主, 役員, 事業所,
all entered as 手入力 through the store, so マイページ shows sources and history like any business).
The agency directory gets the made-up agencies of the 認定支援機関 connector's sandbox — the same
ones the sandbox links a business to — and shien@example.jp becomes a member of the one the
sandbox gives the demo business, so linking it on マイページ makes it appear on the 支援者's page.

Idempotent: a business already registered for the demo user is left as it is (the user may have
edited it), the directory is upserted by 認定番号, a membership is added once.
"""

from __future__ import annotations

import json
from importlib import resources

from sqlalchemy.orm import Session

from portal import store
from portal.accounts.services import find_user

LISTS = (("periods", "period"), ("shareholders", "shareholder"), ("officers", "officer"), ("offices", "office"))


def demo_business_data() -> dict:
    return json.loads(resources.files(__package__).joinpath("business.json").read_text("utf-8"))


def seed_agencies(session: Session) -> int:
    """The sandbox's agencies in the directory; returns how many were added or changed."""
    from connectors.agency.connector import sandbox_agencies

    return sum(store.upsert_agency(session, store.agency_values(record))[1] for record in sandbox_agencies())


def seed_business(session: Session, email: str, data: dict) -> str | None:
    """Registers the demo business for `email`; None when the account is missing or has one already."""
    user = find_user(session, email)
    if user is None or store.membership(session, user) is not None:
        return None
    business = store.create_business(session, user, data["kind"], data["corporate_number"], data["name"])
    store.update_fields(session, business, "basic", None, data["basic"], store.MANUAL, user)
    for key, section in LISTS:
        for values in data[key]:
            store.add_record(session, business, section, values, store.MANUAL, user)
    return business.name


def seed_supporter(session: Session, email: str, certification_number: str) -> bool:
    user = find_user(session, email)
    agency = store.find_agency(session, certification_number)
    if user is None or agency is None or store.agencies_of_user(session, user):
        return False
    store.add_agency_member(session, agency, user)
    return True


def seed_demo_business(session: Session, email: str = "demo@example.jp") -> list[str]:
    data = demo_business_data()
    lines = []
    if changed := seed_agencies(session):
        lines.append(f"デモ用の認定支援機関を{changed}件登録しました")
    if name := seed_business(session, email, data):
        lines.append(f"デモ事業者「{name}」の事業データを {email} に登録しました")
    supporter = data["supporter"]
    if seed_supporter(session, supporter["email"], supporter["agency"]):
        agency = store.find_agency(session, supporter["agency"])
        lines.append(f"{supporter['email']} を支援機関「{agency.name}」の支援者にしました")
    session.commit()
    return lines
