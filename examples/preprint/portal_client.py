"""The portal as プレプリント sees it: sign-in through Authlib's Flask client, and the API reads.

Tokens stay on the server (in this process's memory, keyed by a random id in the session cookie),
never in the browser. A real site would keep them in its database.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session

_lock = threading.Lock()


class PortalRefused(Exception):
    """The portal said no: consent revoked, token expired, or the section was not allowed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class TokenStore:
    tokens: dict[str, dict] = field(default_factory=dict)

    def put(self, token: dict) -> None:
        key = session.get("token_key") or secrets.token_urlsafe(16)
        with _lock:
            self.tokens[key] = token
        session["token_key"] = key

    def get(self) -> dict | None:
        return self.tokens.get(session.get("token_key", ""))

    def drop(self) -> None:
        with _lock:
            self.tokens.pop(session.pop("token_key", ""), None)


def init_client(app: Flask) -> None:
    from examples.preprint import SCOPES

    portal = app.config["PORTAL_URL"]
    public = app.config["CLIENT_SECRET"] is None
    oauth = OAuth(app)  # one per app: Authlib keeps registered clients on the OAuth object
    oauth.register(
        "portal", client_id=app.config["CLIENT_ID"], client_secret=app.config["CLIENT_SECRET"],
        server_metadata_url=f"{portal}/.well-known/oauth-authorization-server",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "none" if public else "client_secret_basic"},
    )
    app.extensions["preprint_oauth"] = oauth
    app.extensions["preprint_tokens"] = TokenStore()


def portal():
    """Authlib's client for the portal, as registered for the current app."""
    return current_app.extensions["preprint_oauth"].portal


def tokens() -> TokenStore:
    return current_app.extensions["preprint_tokens"]


def read(path: str) -> dict:
    """GET an /api/v1/me/… resource with the stored access token (refreshing it once if expired)."""
    token = tokens().get()
    if token is None:
        raise PortalRefused(401, "まだ支援ポータルと連携していません。")
    response = _get(path, token)
    if response.status_code == 401 and token.get("refresh_token"):
        token = _refresh(token["refresh_token"])
        if token is None:
            tokens().drop()
            raise PortalRefused(401, _reason(response))
        tokens().put(token)
        response = _get(path, token)
    if response.status_code != 200:
        raise PortalRefused(response.status_code, _reason(response))
    return response.json()


def _refresh(refresh_token: str) -> dict | None:
    """A new token pair (the portal rotates refresh tokens), or None when the portal refuses."""
    config = current_app.config
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    auth = None
    if config["CLIENT_SECRET"] is None:
        data["client_id"] = config["CLIENT_ID"]
    else:
        auth = (config["CLIENT_ID"], config["CLIENT_SECRET"])
    response = requests.post(portal().load_server_metadata()["token_endpoint"], data=data, auth=auth, timeout=10)
    return response.json() if response.status_code == 200 else None


def _get(path: str, token: dict) -> requests.Response:
    return requests.get(f"{current_app.config['PORTAL_URL']}/api/v1/me/{path}", timeout=10,
                        headers={"Authorization": f"Bearer {token['access_token']}"})


def _reason(response: requests.Response) -> str:
    try:
        return response.json().get("reason") or response.reason
    except ValueError:
        return response.reason
