"""The host's OAuth 2.0 client: PKCE, the authorization URL, the code exchange and the refresh,
against a local authorization server speaking the protocol (tests/unit/linking/fake_oauth.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.freee.connector import AUTHORIZE_URL, TOKEN_URL, FreeeConnector
from portal.linking import oauth
from portal.linking.crypto import seal, unseal
from tests.unit.linking.fake_oauth import CLIENT_ID, CLIENT_SECRET, running_freee, s256

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

REDIRECT = "http://portal.test/mypage/links/freee/callback"


@pytest.fixture
def fake():
    with running_freee() as server:
        yield server


def config_for(fake, **extra) -> dict:
    return {"CONNECTOR_SETTINGS": {"freee": {**fake.settings(), **extra}}, "CONNECTOR_HTTP_TIMEOUT": 5}


def client_for(fake, **extra) -> oauth.OAuthClient:
    return oauth.oauth_client(config_for(fake, **extra), "freee", FreeeConnector.auth)


def authorize(client: oauth.OAuthClient, verifier: str, state: str = "st-1") -> dict[str, str]:
    """What the service sends back to the redirect URI after the user allowed (or denied) it."""
    response = requests.get(oauth.authorization_url(client, REDIRECT, state, verifier), allow_redirects=False,
                            timeout=5)
    assert response.status_code == 302 and response.headers["Location"].startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_the_code_challenge_is_s256_as_in_rfc_7636_appendix_b():
    assert oauth.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == \
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    verifier = oauth.new_verifier()
    assert 43 <= len(verifier) <= 128 and verifier != oauth.new_verifier()
    assert oauth.new_state() != oauth.new_state()


def test_a_client_needs_a_client_id_and_defaults_to_the_connectors_urls():
    auth = FreeeConnector.auth
    assert oauth.oauth_client({}, "freee", auth) is None
    assert oauth.oauth_client({"CONNECTOR_SETTINGS": {"freee": {"client_secret": "s"}}}, "freee", auth) is None
    assert oauth.oauth_client({"CONNECTOR_SETTINGS": "not a mapping"}, "freee", auth) is None
    client = oauth.oauth_client({"CONNECTOR_SETTINGS": {"freee": {"client_id": "cid", "client_secret": "s"}}},
                                "freee", auth)
    assert (client.authorize_url, client.token_url, client.scopes) == (AUTHORIZE_URL, TOKEN_URL, ("read",))
    assert client.auth_method == "client_secret_post"
    with pytest.raises(ValueError):
        oauth.oauth_client({"CONNECTOR_SETTINGS": {"freee": {"client_id": "c", "token_endpoint_auth_method": "x"}}},
                           "freee", auth)


def test_the_authorization_url_carries_the_client_state_and_challenge(fake):
    client = client_for(fake)
    url = oauth.authorization_url(client, REDIRECT, "state-123", "v" * 50)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fake.base_url}/authorize"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "state": "state-123",
        "code_challenge": s256("v" * 50), "code_challenge_method": "S256", "scope": "read"}


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
def test_the_code_is_exchanged_once_with_the_verifier(fake, method, clock):
    client = client_for(fake, token_endpoint_auth_method=method)
    verifier = oauth.new_verifier()
    answer = authorize(client, verifier)
    assert answer["state"] == "st-1"
    stored = oauth.exchange_code(client, answer["code"], REDIRECT, verifier)
    assert stored["access_token"] in fake.access_tokens and stored["refresh_token"] in fake.refresh_tokens
    assert int(stored["expires_at"]) == int(clock.timestamp()) + 3600
    assert fake.token_auth == ["basic" if method == "client_secret_basic" else "post"]
    assert fake.token_requests[0]["code_verifier"] == verifier
    with pytest.raises(oauth.OAuthError) as reused:
        oauth.exchange_code(client, answer["code"], REDIRECT, verifier)
    assert "ログインの確認" in reused.value.message and "invalid_grant" in reused.value.detail


def test_a_wrong_verifier_or_secret_is_refused(fake):
    client = client_for(fake)
    answer = authorize(client, "right-verifier-" + "x" * 40)
    with pytest.raises(oauth.OAuthError):
        oauth.exchange_code(client, answer["code"], REDIRECT, "wrong-verifier-" + "x" * 40)
    wrong_secret = client_for(fake, client_secret="nope")
    answer = authorize(wrong_secret, "v" * 43)
    with pytest.raises(oauth.OAuthError) as refused:
        oauth.exchange_code(wrong_secret, answer["code"], REDIRECT, "v" * 43)
    assert "401" in refused.value.detail and fake.access_tokens == set()


def test_an_unreachable_token_endpoint_is_an_oauth_error():
    client = oauth.OAuthClient("freee", "c", "s", "http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token",
                               ("read",), timeout=2)
    with pytest.raises(oauth.OAuthError) as failed:
        oauth.exchange_code(client, "code", REDIRECT, "v" * 43)
    assert "時間をおいて" in failed.value.message


def test_refresh_rotates_and_a_spent_refresh_token_is_refused(fake):
    client = client_for(fake)
    first = oauth.token_credentials(fake.issue())
    second = oauth.refresh(client, first)
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert fake.token_requests[-1] == {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                       "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    with pytest.raises(oauth.OAuthError) as spent:
        oauth.refresh(client, first)
    assert "認証の更新" in spent.value.message
    with pytest.raises(oauth.OAuthError):
        oauth.refresh(client, {"access_token": "a"})  # nothing to refresh with


def test_token_credentials_keep_the_old_refresh_token_when_none_is_sent():
    stored = oauth.token_credentials({"access_token": "a2", "expires_in": 60}, {"refresh_token": "r1"}, now=1000)
    assert stored == {"access_token": "a2", "token_type": "bearer", "refresh_token": "r1", "expires_at": "1060"}
    assert "expires_at" not in oauth.token_credentials({"access_token": "a", "expires_in": "soon"})
    assert oauth.expired({"expires_at": "1060"}, now=1001)  # within the margin
    assert not oauth.expired({"expires_at": "1060"}, now=999)
    assert not oauth.expired({"access_token": "a"}) and not oauth.expired({"expires_at": "bad"})


def test_sealed_values_are_unreadable_and_expire(clock):
    config = {"SECRET_KEY": "k"}
    token = seal(config, {"verifier": "secret-verifier"})
    assert "secret-verifier" not in token
    assert unseal(config, token, max_age=60) == {"verifier": "secret-verifier"}
    assert unseal({"SECRET_KEY": "other"}, token, max_age=60) is None
    assert unseal(config, token[:-4] + "AAAA", max_age=60) is None
    assert unseal(config, None, max_age=60) is None
    clock.advance(seconds=61)
    assert unseal(config, token, max_age=60) is None
