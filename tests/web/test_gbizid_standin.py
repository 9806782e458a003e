"""The stand-in GビズID provider as a client sees it: discovery, authorize, token, UserInfo, JWKS.

Here the test is the client, so the test client speaks to the provider directly; the portal's own
log-in through the provider is in test_gbizid.py.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.jwk import KeySet

from portal.gbizid_standin import keys, protocol
from tests.helpers import text

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

SECRET = "standin-secret-for-protocol-tests"
CALLBACK = "http://portal.test/account/gbizid/callback"
VERIFIER = "a-code-verifier-of-at-least-forty-three-characters-0123456789"


@pytest.fixture
def standin(app):
    app.config.update(GBIZID_STANDIN=True, GBIZID_STANDIN_CLIENT_SECRET=SECRET)
    return app


def basic(client_id: str = "portal-standin", secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def authorize_params(**overrides) -> dict[str, str]:
    params = {"response_type": "code", "client_id": "portal-standin", "redirect_uri": CALLBACK,
              "scope": "openid profile user email", "state": "st-1", "nonce": "nonce-1",
              "code_challenge": create_s256_code_challenge(VERIFIER), "code_challenge_method": "S256"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def get_code(client, identity: str = "minato-prime", **overrides) -> str:
    page = client.get("/standin-gbizid/authorize?" + urlencode(authorize_params(**overrides)))
    assert page.status_code == 200
    fields = {n: html.unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                                         text(page))}
    back = client.post("/standin-gbizid/authorize", data={**fields, "identity": identity, "action": "login"})
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def exchange(client, code: str, headers=None, **form):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": VERIFIER}
    data.update(form)
    return client.post("/standin-gbizid/token", data={k: v for k, v in data.items() if v is not None},
                       headers=basic() if headers is None else headers)


def test_discovery_is_a_valid_openid_provider_metadata_document(client, standin, monkeypatch):
    document = client.get("/standin-gbizid/.well-known/openid-configuration").get_json()
    assert document["issuer"] == "http://portal.test/standin-gbizid"
    assert document["jwks_uri"] == "http://portal.test/standin-gbizid/jwks"
    assert "S256" in document["code_challenge_methods_supported"]
    assert {"account_type", "corp_type", "corporate_number", "name", "email"} <= set(document["claims_supported"])
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the test host speaks plain http
    OpenIDProviderMetadata(document).validate()


def test_the_code_flow_with_pkce_gives_a_signed_id_token_without_personal_data(client, standin):
    response = exchange(client, get_code(client))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = response.get_json()
    assert token["token_type"] == "Bearer" and token["scope"] == "openid profile user email"

    key_set = KeySet.import_key_set(client.get("/standin-gbizid/jwks").get_json())
    claims = jwt.decode(token["id_token"], key_set, algorithms=["RS256"]).claims
    assert claims["iss"] == "http://portal.test/standin-gbizid" and claims["aud"] == "portal-standin"
    assert claims["nonce"] == "nonce-1" and claims["sub"] == "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80001"
    assert "at_hash" in claims and not {"name", "email", "corporate_number"} & set(claims)

    info = client.get("/standin-gbizid/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert info.get_json() == {
        "sub": "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80001", "account_type": "2", "corp_type": "1",
        "corporate_number": "7123456789012", "name": "株式会社みなと製作所", "prefecture_name": "神奈川県",
        "address1": "横浜市中区", "address2": "山下町1番地", "rep_last_name": "港", "rep_first_name": "一郎",
        "user_last_name": "港", "user_first_name": "一郎", "user_last_name_kana": "ミナト",
        "user_first_name_kana": "イチロウ", "user_department": "代表取締役", "user_tel_no": "045-000-1234",
        "email": "minato.prime@gbizid-standin.example.jp"}


def test_userinfo_releases_only_the_claims_of_the_scopes_granted(client, standin):
    code = get_code(client, "aoba-entry", scope="openid profile")
    token = exchange(client, code).get_json()
    info = client.get("/standin-gbizid/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    claims = info.get_json()
    assert claims["account_type"] == "1" and claims["corporate_number"] == "5999901000011"
    assert "email" not in claims and "user_last_name" not in claims


def test_client_secret_post_is_accepted(client, standin):
    response = exchange(client, get_code(client), headers={}, client_id="portal-standin", client_secret=SECRET)
    assert response.status_code == 200 and "id_token" in response.get_json()


@pytest.mark.parametrize("headers", [basic(secret="wrong"), basic(client_id="someone-else"), {}])
def test_a_client_that_cannot_authenticate_is_refused(client, standin, headers):
    response = exchange(client, get_code(client), headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("verifier", ["another-verifier-of-at-least-forty-three-characters-xyz", None])
def test_a_wrong_or_missing_pkce_verifier_is_refused(client, standin, verifier):
    response = exchange(client, get_code(client), code_verifier=verifier)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_a_code_works_once(client, standin):
    code = get_code(client)
    assert exchange(client, code).status_code == 200
    again = exchange(client, code)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_redirect_uri_and_expires(client, standin, monkeypatch):
    response = exchange(client, get_code(client), redirect_uri="http://portal.test/elsewhere")
    assert response.get_json()["error"] == "invalid_grant"
    monkeypatch.setattr(protocol, "CODE_LIFETIME", -5)
    assert exchange(client, get_code(client)).get_json()["error"] == "invalid_grant"


def test_only_the_authorization_code_grant_is_offered(client, standin):
    response = exchange(client, get_code(client), grant_type="password")
    assert response.get_json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("override", [{"client_id": "unknown"}, {"redirect_uri": "https://evil.example/cb"}])
def test_an_unknown_client_or_redirect_uri_gets_a_page_not_a_redirect(client, standin, override):
    response = client.get("/standin-gbizid/authorize?" + urlencode(authorize_params(**override)))
    assert response.status_code == 400 and "Location" not in response.headers
    assert "ログインの要求を受け付けられません" in text(response)


@pytest.mark.parametrize("override, error", [({"scope": "profile"}, "invalid_scope"),
                                              ({"response_type": "token"}, "unsupported_response_type"),
                                              ({"code_challenge_method": "S512"}, "invalid_request")])
def test_other_bad_requests_go_back_to_the_client_with_an_error(client, standin, override, error):
    response = client.get("/standin-gbizid/authorize?" + urlencode(authorize_params(**override)))
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == [error] and query["state"] == ["st-1"]


def test_the_picker_asks_again_when_nobody_was_chosen(client, standin):
    page = client.get("/standin-gbizid/authorize?" + urlencode(authorize_params()))
    fields = {n: html.unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                                         text(page))}
    response = client.post("/standin-gbizid/authorize", data={**fields, "action": "login"})
    assert response.status_code == 422 and "ログインする利用者を選んでください" in text(response)


def test_the_picker_post_needs_its_csrf_token(client, standin):
    response = client.post("/standin-gbizid/authorize", data={**authorize_params(), "identity": "minato-prime"})
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_userinfo_needs_a_valid_access_token(client, standin, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/standin-gbizid/userinfo", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"


def test_a_code_is_not_an_access_token(client, standin):
    response = client.get("/standin-gbizid/userinfo", headers={"Authorization": f"Bearer {get_code(client)}"})
    assert response.status_code == 401


def test_the_signing_key_is_shared_through_the_database_not_an_instance_file(client, app, standin):
    first = client.get("/standin-gbizid/jwks").get_json()["keys"]
    assert not os.path.exists(os.path.join(app.instance_path, keys.KEY_FILE))
    app.extensions.pop(keys.EXTENSION, None)  # as a new worker process, or another machine, would
    second = client.get("/standin-gbizid/jwks").get_json()["keys"]
    assert first == second and len(first) == 1 and "d" not in first[0]
    assert first[0]["alg"] == "RS256" and first[0]["use"] == "sig"


def test_a_signing_key_made_into_the_instance_folder_before_is_handed_over(client, app, standin):
    from joserfc.jwk import RSAKey

    old = RSAKey.generate_key(2048, auto_kid=True)
    with open(os.path.join(app.instance_path, keys.KEY_FILE), "w") as file:
        json.dump(old.as_dict(private=True), file)
    app.extensions.pop(keys.EXTENSION, None)
    [served] = client.get("/standin-gbizid/jwks").get_json()["keys"]
    assert served["kid"] == old.kid and served["n"] == old.as_dict(private=False)["n"]
