"""`make preprint PREPRINT_PORT=…`: the demo client registered by `portal seed` signs in from any
loopback port (RFC 8252 §7.3), while every other redirect URI must match exactly; a refusal is
explained to the person in Japanese, with the technical code after it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import OAuthClient
from portal.oauth.demo import PREPRINT_CLIENT_ID, seed_preprint_client
from portal.oauth.redirects import redirect_uri_allowed
from tests.business_factories import signed_in_owner
from tests.helpers import text
from tests.oauth_helpers import (
    Site,
    authorize_url,
    code_from,
    consent,
    exchange,
    https_client,
    make_site,
    pkce_pair,
)


@pytest.fixture
def web(app):
    return https_client(app)


@pytest.fixture
def preprint_demo(session) -> Site:
    """The プレプリント client exactly as `portal seed` registers it (public, 127.0.0.1:8001)."""
    seed_preprint_client(session)
    row = session.scalar(select(OAuthClient).where(OAuthClient.client_id == PREPRINT_CLIENT_ID))
    assert row.redirect_uris == ["http://127.0.0.1:8001/callback"]
    return Site(row.id, row.client_id, None)


@pytest.mark.parametrize("port", [8001, 18102])
def test_the_seeded_preprint_client_signs_in_from_any_loopback_port(web, session, preprint_demo, port):
    signed_in_owner(web, session, "owner@example.jp")
    callback = f"http://127.0.0.1:{port}/callback"
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, preprint_demo, challenge, redirect_uri=callback))
    assert exchange(web, preprint_demo, code, verifier, redirect_uri=callback).status_code == 200


def test_the_code_is_redeemed_only_with_the_port_it_was_issued_for(web, session, preprint_demo):
    signed_in_owner(web, session, "owner@example.jp")
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, preprint_demo, challenge, redirect_uri="http://127.0.0.1:18102/callback"))
    refused = exchange(web, preprint_demo, code, verifier, redirect_uri="http://127.0.0.1:18103/callback")
    assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize(("registered", "given", "allowed"), [
    ("http://127.0.0.1:8001/callback", "http://127.0.0.1:18102/callback", True),
    ("http://127.0.0.1/callback", "http://127.0.0.1:5000/callback", True),
    ("http://[::1]:8001/cb", "http://[::1]:9000/cb", True),
    ("http://127.0.0.1:8001/callback", "http://127.0.0.1:18102/other", False),  # the path must match
    ("http://127.0.0.1:8001/callback", "http://127.0.0.1:18102/callback?x=1", False),
    ("http://127.0.0.1:8001/callback", "https://127.0.0.1:18102/callback", False),  # loopback is http only
    ("http://127.0.0.1:8001/callback", "http://user@127.0.0.1:18102/callback", False),
    ("http://localhost:8001/callback", "http://localhost:18102/callback", False),  # RFC 8252 §8.3
    ("https://shinsei.example.jp/callback", "https://shinsei.example.jp:8443/callback", False),
    ("https://shinsei.example.jp/callback", "https://shinsei.example.jp/callback", True),
    ("http://127.0.0.1:8001/callback", "http://127.0.0.1:notaport/callback", False),
])
def test_loopback_redirects_may_change_only_their_port(registered, given, allowed):
    assert redirect_uri_allowed([registered], given) is allowed


def test_an_unregistered_redirect_is_explained_in_japanese_with_the_code_after(web, session):
    signed_in_owner(web, session, "owner@example.jp")
    site = make_site(session, redirect_uris=["https://shinsei.example.jp/callback"])
    _verifier, challenge = pkce_pair()
    page = web.get(authorize_url(site, challenge, redirect_uri="https://shinsei.example.jp:8443/callback"))
    assert page.status_code == 400
    body = text(page)
    assert "戻り先のアドレスは、この申請サイトの登録にありません" in body
    assert "リダイレクトURI" in body and "invalid_request" in body
    assert body.index("戻り先のアドレス") < body.index("invalid_request")
