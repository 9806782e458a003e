"""The authorization server through the test client: metadata, the whole authorization-code + PKCE
flow, everything it must refuse, refresh rotation and revocation (RFC 7009)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from sqlalchemy import select, update

from portal.models import OAuthAuthorizationCode, OAuthConsent, OAuthToken
from portal.oauth.scopes import ALL_SCOPES
from tests.business_factories import (
    PASSWORD,
    make_account,
    make_business,
    signed_in_owner,
)
from tests.helpers import csrf_from, text
from tests.oauth_helpers import (
    REDIRECT,
    authorize_url,
    bearer,
    client_auth,
    code_from,
    consent,
    exchange,
    https_client,
    make_site,
    pkce_pair,
    refresh,
    tokens_for,
)
from tests.web.test_accounts import login

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


@pytest.fixture
def web(app):
    return https_client(app)


@pytest.fixture
def owner(session, web):
    return signed_in_owner(web, session, "owner@example.jp", name="株式会社みらい工房")


def test_metadata_follows_rfc_8414_and_offers_only_code_with_s256(web):
    data = web.get("/.well-known/oauth-authorization-server").get_json()
    metadata = AuthorizationServerMetadata(data)
    metadata.validate()
    assert data["issuer"] == "https://portal.test"
    assert data["authorization_endpoint"] == "https://portal.test/oauth/authorize"
    assert data["token_endpoint"] == "https://portal.test/oauth/token"
    assert data["revocation_endpoint"] == "https://portal.test/oauth/revoke"
    assert data["response_types_supported"] == ["code"]
    assert data["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["scopes_supported"] == list(ALL_SCOPES)


@pytest.mark.parametrize("public", [False, True], ids=["confidential", "public"])
def test_the_whole_code_flow_with_pkce_gives_tokens_that_read_the_business(web, session, owner, public):
    site = make_site(session, public=public)
    verifier, challenge = pkce_pair()
    page = web.get(authorize_url(site, challenge))
    assert "テスト申請サイト" in text(page) and "株式会社みらい工房" in text(page)
    code = code_from(consent(web, site, challenge))
    response = exchange(web, site, code, verifier)
    assert response.status_code == 200, text(response)
    token = response.get_json()
    assert token["token_type"] == "Bearer" and token["refresh_token"] and token["expires_in"] == 3600
    assert token["scope"].split() == list(ALL_SCOPES)
    data = web.get("/api/v1/me/business", headers=bearer(token["access_token"])).get_json()
    assert data["business"]["name"]["value"] == "株式会社みらい工房"
    assert data["business"]["name"]["source"] == "manual"
    assert data["business"]["name"]["updated_at"]
    stored = session.scalars(select(OAuthToken)).one()
    assert token["access_token"] not in (stored.access_token_hash, stored.refresh_token_hash)


def test_without_login_the_authorize_page_sends_the_user_to_log_in_and_back(web, session):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    url = authorize_url(site, challenge)
    response = web.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/login"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url == url
    make_business(session, make_account(session, "late@example.jp"))
    response = login(web, email="late@example.jp", password=PASSWORD, next=next_url)
    assert response.headers["Location"] == url
    assert "テスト申請サイト" in text(web.get(url))


@pytest.mark.parametrize("challenge, method", [(None, None), (None, "S256"), ("x" * 43, None), ("x" * 43, "plain")],
                         ids=["no-challenge", "no-challenge-with-method", "no-method", "plain"])
def test_authorize_refuses_a_request_without_pkce_s256_before_any_consent(web, session, owner, challenge, method):
    site = make_site(session)
    response = web.get(authorize_url(site, challenge, method=method))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.headers["Location"].startswith(REDIRECT)
    assert query["error"] == ["invalid_request"] and query["state"] == ["st-123"]
    assert session.scalar(select(OAuthConsent)) is None


def test_a_redirect_uri_not_registered_is_refused_on_a_page_and_never_redirected(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    response = web.get(authorize_url(site, challenge, redirect_uri="https://evil.example.com/callback"))
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "申請サイトとの連携ができません" in text(response)


def test_an_unknown_or_disabled_client_is_refused(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    url = authorize_url(site, challenge).replace(site.client_id, "no-such-client")
    assert web.get(url).status_code == 400
    from portal.models import OAuthClient
    session.execute(update(OAuthClient).values(active=False))
    session.commit()
    response = web.get(authorize_url(site, challenge))
    assert response.status_code == 400 and "利用が停止" in text(response)


def test_a_scope_the_site_may_not_ask_for_is_refused(web, session, owner):
    site = make_site(session, scopes=["business.profile:read"])
    _verifier, challenge = pkce_pair()
    response = web.get(authorize_url(site, challenge, scope="business.profile:read business.financials:read"))
    assert parse_qs(urlsplit(response.headers["Location"]).query)["error"] == ["invalid_scope"]


def test_denying_sends_access_denied_back_and_records_nothing(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    response = consent(web, site, challenge, decision="deny")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query)["error"] == ["access_denied"]
    assert session.scalar(select(OAuthConsent)) is None


def test_unticking_every_section_asks_again_with_a_message(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    response = consent(web, site, challenge, sections=[])
    assert response.status_code == 422
    assert "1つ以上選んでください" in text(response)
    assert session.scalar(select(OAuthConsent)) is None


def test_the_consent_form_needs_its_csrf_token(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    url = authorize_url(site, challenge)
    response = web.post(url, data={"decision": "allow", "sections": list(ALL_SCOPES)})
    assert response.status_code == 400
    assert session.scalar(select(OAuthConsent)) is None


def test_a_wrong_or_missing_code_verifier_is_refused(web, session, owner):
    site = make_site(session, public=True)
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, site, challenge))
    wrong = exchange(web, site, code, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.get_json()["error"] == "invalid_grant"
    missing = exchange(web, site, code, None)
    assert missing.status_code == 400 and missing.get_json()["error"] == "invalid_request"
    assert session.scalar(select(OAuthToken)) is None
    assert exchange(web, site, code, verifier).status_code == 200


def test_the_code_is_bound_to_its_redirect_uri(web, session, owner):
    other = "https://shinsei.example.jp/other"
    site = make_site(session, redirect_uris=(REDIRECT, other))
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, site, challenge))
    response = exchange(web, site, code, verifier, redirect_uri=other)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_grant"


def test_a_reused_code_is_refused_and_revokes_the_tokens_it_gave(web, session, owner):
    site = make_site(session)
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, site, challenge))
    first = exchange(web, site, code, verifier).get_json()
    again = exchange(web, site, code, verifier)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
    assert web.get("/api/v1/me/business", headers=bearer(first["access_token"])).status_code == 401


def test_an_expired_code_is_refused(web, session, owner):
    site = make_site(session)
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, site, challenge))
    row = session.scalars(select(OAuthAuthorizationCode)).one()
    session.execute(update(OAuthAuthorizationCode).values(expires_at=row.expires_at - timedelta(minutes=11)))
    session.commit()
    assert exchange(web, site, code, verifier).get_json()["error"] == "invalid_grant"


def test_a_confidential_site_must_authenticate_with_its_secret(web, session, owner):
    site = make_site(session)
    verifier, challenge = pkce_pair()
    code = code_from(consent(web, site, challenge))
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
            "client_id": site.client_id}
    response = web.post("/oauth/token", data=data)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"


def test_implicit_and_password_grants_do_not_exist(web, session, owner):
    site = make_site(session)
    _verifier, challenge = pkce_pair()
    implicit = web.get(authorize_url(site, challenge).replace("response_type=code", "response_type=token"))
    assert parse_qs(urlsplit(implicit.headers["Location"]).query)["error"] == ["unsupported_response_type"]
    password = web.post("/oauth/token", data={"grant_type": "password", "username": "owner@example.jp",
                                              "password": "x", "client_id": site.client_id})
    assert password.status_code == 400 and password.get_json()["error"] == "unsupported_grant_type"


def test_refresh_rotates_and_the_old_refresh_token_is_refused(web, session, owner):
    site = make_site(session)
    first = tokens_for(web, site)
    second = refresh(web, site, first["refresh_token"])
    assert second.status_code == 200, text(second)
    second = second.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert web.get("/api/v1/me/business", headers=bearer(second["access_token"])).status_code == 200
    replay = refresh(web, site, first["refresh_token"])
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
    # Replaying a rotated refresh token means someone holds a copy: the whole family stops.
    assert web.get("/api/v1/me/business", headers=bearer(second["access_token"])).status_code == 401
    assert refresh(web, site, second["refresh_token"]).status_code == 400


def test_a_refresh_token_works_only_for_its_own_site(web, session, owner):
    site = make_site(session)
    other = make_site(session, name="別の申請サイト")
    tokens = tokens_for(web, site)
    assert refresh(web, other, tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_revocation_endpoint_revokes_access_and_refresh_tokens(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site)
    data = {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
    response = web.post("/oauth/revoke", data=data, **client_auth(site, data))
    assert response.status_code == 200
    assert web.get("/api/v1/me/business", headers=bearer(tokens["access_token"])).status_code == 401
    assert refresh(web, site, tokens["refresh_token"]).status_code == 400


def test_the_consent_page_lists_each_section_in_plain_japanese(web, session, owner):
    site = make_site(session, scopes=["business.profile:read", "business.financials:read"],
                     description="経営力向上計画の申請書に会社の情報を入れるために使います。")
    _verifier, challenge = pkce_pair()
    page = text(web.get(authorize_url(site, challenge, scope="business.profile:read business.financials:read")))
    assert "経営力向上計画の申請書に会社の情報を入れるために使います。" in page
    assert "基本情報" in page and "事業財務情報" in page and "役員の役職" not in page
    assert page.count('type="checkbox" name="sections"') == 2
    assert "https://shinsei.example.jp" in page
    assert csrf_from(page)
