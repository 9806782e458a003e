"""Application sites: registering, changing and disabling them (職員 screen and `portal create-client`).

Both ways go through `register_client`/`change_client`, so the same rules and the same Japanese
messages apply. The secret of a confidential site is shown once and stored only as a hash.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select

from portal import clock
from portal.errors import DomainError, NotFound
from portal.models import OAuthClient, Support, User
from portal.oauth.scopes import ALL_SCOPES
from portal.oauth.server import digest

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class InvalidClient(DomainError):
    """Several fields may be wrong at once; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


@dataclass
class ClientValues:
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    public: bool = False
    description: str = ""
    start_url: str = ""
    support_ids: list[int] = field(default_factory=list)


def _url_problem(url: str, label: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"{label}は「https://」から始まるURLで入力してください（{url}）。"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return f"{label}はhttpsで入力してください。httpは手元での試験用（127.0.0.1・localhost）に限ります（{url}）。"
    if parts.fragment:
        return f"{label}に「#」以降を含めることはできません（{url}）。"
    return None


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\r\n]+", text or "") if line.strip()]


def clean(session, values: ClientValues) -> ClientValues:
    """The values as stored, or `InvalidClient` with a message per field."""
    errors: dict[str, str] = {}
    name = " ".join(values.name.split())
    if not name:
        errors["name"] = "申請サイトの名前を入力してください。"
    elif len(name) > 100:
        errors["name"] = "申請サイトの名前は100文字以内で入力してください。"
    uris = list(dict.fromkeys(values.redirect_uris))
    if not uris:
        errors["redirect_uris"] = "リダイレクトURIを1つ以上入力してください。"
    for uri in uris:
        if problem := _url_problem(uri, "リダイレクトURI"):
            errors.setdefault("redirect_uris", problem)
    scopes = [s for s in ALL_SCOPES if s in values.scopes]
    if not scopes or len(scopes) != len(set(values.scopes)):
        errors["scopes"] = "読み取りを認める情報を1つ以上、一覧から選んでください。"
    start_url = values.start_url.strip()
    if start_url and (problem := _url_problem(start_url, "申請の開始ページ")):
        errors["start_url"] = problem
    support_ids = list(dict.fromkeys(values.support_ids))
    if support_ids:
        found = set(session.scalars(select(Support.id).where(Support.id.in_(support_ids))))
        missing = [str(i) for i in support_ids if i not in found]
        if missing:
            errors["support_ids"] = f"支援制度のIDが見つかりません：{'、'.join(missing)}"
    if support_ids and not start_url and "start_url" not in errors:
        errors["start_url"] = "支援制度とつなぐ場合は、申請の開始ページのURLを入力してください。"
    if errors:
        raise InvalidClient(errors)
    return ClientValues(name, uris, scopes, values.public, values.description.strip(), start_url, support_ids)


def register_client(session, values: ClientValues, user: User | None = None) -> tuple[OAuthClient, str | None]:
    """A new application site and, for a confidential one, its secret (shown once, kept hashed)."""
    values = clean(session, values)
    secret = None if values.public else secrets.token_urlsafe(32)
    now = clock.now()
    client = OAuthClient(client_id=secrets.token_urlsafe(18), secret_hash=digest(secret) if secret else None,
                         name=values.name, description=values.description, start_url=values.start_url,
                         redirect_uris=values.redirect_uris, scopes=values.scopes, support_ids=values.support_ids,
                         active=True, created_at=now, updated_at=now, created_by_id=user.id if user else None)
    session.add(client)
    session.flush()
    return client, secret


def change_client(session, client: OAuthClient, values: ClientValues) -> OAuthClient:
    """Changes what a site may do. Whether it is public or confidential stays as registered."""
    values = clean(session, values)
    client.name, client.description, client.start_url = values.name, values.description, values.start_url
    client.redirect_uris, client.scopes, client.support_ids = values.redirect_uris, values.scopes, values.support_ids
    client.updated_at = clock.now()
    session.flush()
    return client


def set_active(session, client: OAuthClient, active: bool) -> OAuthClient:
    """A disabled site cannot start a sign-in, exchange a code or read with its tokens."""
    client.active, client.updated_at = active, clock.now()
    session.flush()
    return client


def get_client(session, client_pk: int) -> OAuthClient:
    client = session.get(OAuthClient, client_pk)
    if client is None:
        raise NotFound("その申請サイトは見つかりません。")
    return client


def all_clients(session) -> list[OAuthClient]:
    return list(session.scalars(select(OAuthClient).order_by(OAuthClient.active.desc(), OAuthClient.name,
                                                             OAuthClient.id)))


def clients_for_support(session, support_id: int) -> list[OAuthClient]:
    """Active sites that take applications for this measure (the list is short: done in Python)."""
    return [c for c in session.scalars(select(OAuthClient).where(OAuthClient.active.is_(True))
                                       .order_by(OAuthClient.name))
            if support_id in (c.support_ids or []) and c.start_url]
