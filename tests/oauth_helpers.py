"""Test helpers for the once-only API: application sites, PKCE pairs, and the consent dance
through the Flask test client (over https, as the authorization server requires off-loopback)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from portal.oauth.clients import ClientValues, register_client
from portal.oauth.scopes import ALL_SCOPES
from tests.helpers import csrf_from, text

REDIRECT = "https://shinsei.example.jp/callback"


@dataclass
class Site:
    """A registered application site as the tests use it."""

    pk: int
    client_id: str
    secret: str | None


def make_site(session, public: bool = False, scopes=ALL_SCOPES, redirect_uris=(REDIRECT,), name="テスト申請サイト",
              **extra) -> Site:
    with session.info["app"].app_context():
        client, secret = register_client(session, ClientValues(name=name, redirect_uris=list(redirect_uris),
                                                                scopes=list(scopes), public=public, **extra))
    session.commit()
    return Site(client.id, client.client_id, secret)


def https_client(app):
    """A test client on https://portal.test (the server refuses plain http off loopback). Like a
    browser it sends a Referer, which Flask-WTF checks on https."""
    app.config["PREFERRED_URL_SCHEME"] = "https"
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://portal.test/"
    return client


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(site: Site, challenge: str | None, scope: str | None = " ".join(ALL_SCOPES),
                  redirect_uri: str = REDIRECT, method: str | None = "S256", state: str = "st-123") -> str:
    params = {"response_type": "code", "client_id": site.client_id, "redirect_uri": redirect_uri, "state": state}
    if scope is not None:
        params["scope"] = scope
    if challenge is not None:
        params["code_challenge"] = challenge
    if method is not None:
        params["code_challenge_method"] = method
    return "/oauth/authorize?" + urlencode(params)


def consent(web, site: Site, challenge: str, sections=ALL_SCOPES, decision: str = "allow", **url_args):
    """Opens the consent page and answers it; returns the response (a redirect to the site)."""
    url = authorize_url(site, challenge, **url_args)
    page = web.get(url)
    assert page.status_code == 200, text(page)
    return web.post(url, data={"csrf_token": csrf_from(text(page)), "decision": decision, "sections": list(sections)})


def code_from(response) -> str:
    assert response.status_code == 302, text(response)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["st-123"]
    return query["code"][0]


def exchange(web, site: Site, code: str, verifier: str | None, redirect_uri: str = REDIRECT):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return web.post("/oauth/token", data=data, **client_auth(site, data))


def refresh(web, site: Site, refresh_token: str):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return web.post("/oauth/token", data=data, **client_auth(site, data))


def client_auth(site: Site, data: dict) -> dict:
    if site.secret is None:
        data["client_id"] = site.client_id
        return {}
    basic = base64.b64encode(f"{site.client_id}:{site.secret}".encode()).decode()
    return {"headers": {"Authorization": f"Basic {basic}"}}


def tokens_for(web, site: Site, sections=ALL_SCOPES) -> dict:
    """The whole flow: consent with `sections` ticked, then the code for tokens."""
    verifier, challenge = pkce_pair()
    response = exchange(web, site, code_from(consent(web, site, challenge, sections)), verifier)
    assert response.status_code == 200, text(response)
    return response.get_json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
