"""マイページ「連携中の申請サイト」: consents with their sections and dates, revoking (the site's
tokens fail at once), the access log, and who may see what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import OAuthConsent
from tests.business_factories import PASSWORD, make_account, signed_in_owner
from tests.helpers import csrf_from, text
from tests.oauth_helpers import (
    bearer,
    https_client,
    make_site,
    refresh,
    tokens_for,
)
from tests.web.test_accounts import login

pytestmark = pytest.mark.usefixtures("clock")

PROFILE, FINANCIALS = "business.profile:read", "business.financials:read"


@pytest.fixture
def web(app):
    return https_client(app)


@pytest.fixture
def owner(session, web):
    return signed_in_owner(web, session, "owner@example.jp", name="株式会社みらい工房")


def revoke(web, consent_id: int):
    token = csrf_from(text(web.get("/mypage/consents/")))
    return web.post(f"/mypage/consents/{consent_id}/revoke", data={"csrf_token": token})


def test_the_page_lists_consents_with_sections_dates_and_the_reads(web, session, owner):
    site = make_site(session, name="プレプリント申請サイト")
    tokens = tokens_for(web, site, sections=[PROFILE, FINANCIALS])
    web.get("/api/v1/me/financials", headers=bearer(tokens["access_token"]))
    page = text(web.get("/mypage/consents/"))
    assert "プレプリント申請サイト" in page
    assert "基本情報、事業財務情報" in page
    assert "許可を解除" in page
    log = page[page.index('id="access-log"'):]
    assert "プレプリント申請サイト" in log and "事業財務情報" in log and "全1件" in log
    assert 'href="/mypage/consents/"' in text(web.get("/mypage/"))


def test_revoking_stops_access_and_refresh_tokens_at_once(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site)
    consent = session.scalar(select(OAuthConsent))
    response = revoke(web, consent.id)
    assert response.status_code == 303
    page = text(web.get("/mypage/consents/"))
    assert "許可を解除しました" in page and "解除済み" in page
    api = web.get("/api/v1/me/business", headers=bearer(tokens["access_token"]))
    assert api.status_code == 401 and api.get_json()["error"] == "invalid_token"
    assert refresh(web, site, tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_consenting_again_with_fewer_sections_narrows_earlier_tokens(web, session, owner):
    site = make_site(session)
    first = tokens_for(web, site, sections=[PROFILE, FINANCIALS])
    tokens_for(web, site, sections=[PROFILE])
    assert session.scalar(select(OAuthConsent)).scope == PROFILE
    assert web.get("/api/v1/me/financials", headers=bearer(first["access_token"])).status_code == 403
    assert web.get("/api/v1/me/business", headers=bearer(first["access_token"])).status_code == 200


def test_a_consent_of_another_business_cannot_be_revoked_or_seen(app, web, session, owner):
    site = make_site(session)
    other = https_client(app)
    signed_in_owner(other, session, "b@example.jp", name="有限会社ビー商店", number="6010001096659")
    tokens_for(other, site)
    theirs = session.scalar(select(OAuthConsent))
    assert "テスト申請サイト" not in text(web.get("/mypage/consents/")).split('id="access-log"')[0].split("<h1>")[1]
    assert revoke(web, theirs.id).status_code == 404
    session.expire_all()
    assert session.get(OAuthConsent, theirs.id).revoked_at is None


def test_the_page_needs_a_login_and_a_business(app, web, session):
    response = web.get("/mypage/consents/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    make_account(session, "nobiz@example.jp")
    login(web, email="nobiz@example.jp", password=PASSWORD)
    assert web.get("/mypage/consents/").status_code == 404


def test_the_log_pages_as_an_htmx_region(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site, sections=[PROFILE])
    for _ in range(31):
        web.get("/api/v1/me/business", headers=bearer(tokens["access_token"]))
    first = text(web.get("/mypage/consents/"))
    assert "古い記録へ" in first and "全31件" in first
    fragment = text(web.get("/mypage/consents/?page=2", headers={"HX-Request": "true", "HX-Target": "access-log"}))
    assert fragment.lstrip().startswith('<section id="access-log"')
    assert fragment.count("<tr>") == 2  # the header row and the 31st read
