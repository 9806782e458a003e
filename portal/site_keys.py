"""Keys every instance of one portal must share, kept in the database instead of an instance folder.

Two machines that each made their own Web Push key pair would offer browsers two public keys, and a
subscription made through one could not be served by the other; two stand-in GビズID signing keys
would make tokens from one fail on the other. So a key that configuration does not give is made by
whichever instance needs it first and stored with `INSERT … ON CONFLICT DO NOTHING`: when two
instances race, one row wins and both read it. The session secret is different — it signs the
session before any database is asked — and must come from configuration (see `portal.config`).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.db import get_db
from portal.models import SiteKey
from portal.notify.claims import insert_or_skip


def shared_key(app: Flask, name: str, make: Callable[[], str]) -> str:
    """The stored value of `name`, made with `make()` and stored first if there is none yet."""
    with Session(get_db(app).engine) as session:
        value = session.scalar(select(SiteKey.value).where(SiteKey.name == name))
        if value is not None:
            return value
        insert_or_skip(session, SiteKey, {"name": name, "value": make(), "created_at": clock.now()}, ("name",))
        session.commit()
        return session.scalar(select(SiteKey.value).where(SiteKey.name == name))
