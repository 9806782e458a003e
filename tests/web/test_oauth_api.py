"""GET /api/v1/me/*: only consented sections, each value with its source and time, refusals as
JSON with a reason, one business never reading another, the access log, the per-site rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import store
from portal.models import OAuthAccessLog, OAuthToken
from tests.business_factories import signed_in_owner
from tests.oauth_helpers import (
    bearer,
    https_client,
    make_site,
    refresh,
    tokens_for,
)

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

PROFILE, FINANCIALS, BENCHMARK = "business.profile:read", "business.financials:read", "business.benchmark:read"
OFFICERS, OFFICES = "business.officers:read", "business.offices:read"


@pytest.fixture
def web(app):
    return https_client(app)


@pytest.fixture
def owner(session, web):
    user, business = signed_in_owner(web, session, "owner@example.jp", name="株式会社みらい工房",
                                     prefecture="13", address="千代田区霞が関1-3-1", representative_title="代表取締役",
                                     representative_name="山田 花子", capital="10,000,000")
    store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "120,000,000",
                                         "operating_income": "6,500,000"}, "freee", user)
    store.add_officer(session, business, {"title": "取締役", "name": "佐藤 一郎"}, store.MANUAL, user)
    store.add_office(session, business, {"name": "本社", "prefecture": "13"}, store.MANUAL, user)
    session.commit()
    return user, business


def test_business_returns_the_profile_with_source_and_time_and_only_consented_lists(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site, sections=[PROFILE, OFFICES])
    response = web.get("/api/v1/me/business", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["sections"] == [PROFILE, OFFICES]
    profile = data["business"]
    assert profile["corporate_number"]["value"] == "4000012090001"
    assert profile["prefecture"] == {**profile["prefecture"], "value": "13", "text": "東京都", "source": "manual",
                                     "source_label": "手入力"}
    assert profile["capital"]["value"] == 10_000_000
    assert profile["representative_name"]["value"] == "山田 花子"
    assert profile["representative_name"]["updated_at"].startswith("20")
    assert profile["website"] == {**profile["website"], "value": None, "source": None, "updated_at": None}
    assert [o["fields"]["name"]["value"] for o in data["offices"]] == ["本社"]
    assert "officers" not in data
    assert "株主" not in response.get_data(as_text=True)


def test_financials_return_each_period_with_its_source(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site, sections=[FINANCIALS])
    data = web.get("/api/v1/me/financials", headers=bearer(tokens["access_token"])).get_json()
    period = data["periods"][0]
    assert period["fields"]["period_end"]["value"] == "2025-03-31"
    assert period["fields"]["net_sales"]["value"] == 120_000_000
    assert period["fields"]["net_sales"]["source"] == "freee"
    assert period["fields"]["operating_income"]["value"] == 6_500_000


def test_benchmark_is_an_empty_result_while_there_is_no_report(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site, sections=[BENCHMARK])
    response = web.get("/api/v1/me/benchmark", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.get_json() == {"report": None, "sections": [BENCHMARK]}


@pytest.mark.parametrize("path, granted", [("/api/v1/me/financials", [PROFILE]), ("/api/v1/me/business", [FINANCIALS]),
                                           ("/api/v1/me/benchmark", [PROFILE, FINANCIALS])])
def test_a_section_not_consented_to_is_refused_with_403_and_a_reason(web, session, owner, path, granted):
    site = make_site(session)
    tokens = tokens_for(web, site, sections=granted)
    response = web.get(path, headers=bearer(tokens["access_token"]))
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "insufficient_scope" and "許可" in body["reason"]
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert session.scalar(select(OAuthAccessLog)) is None


def test_no_or_a_bad_token_is_401_with_a_reason(web, session, owner):
    missing = web.get("/api/v1/me/business")
    assert missing.status_code == 401 and missing.get_json()["error"] == "missing_authorization"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    bad = web.get("/api/v1/me/business", headers=bearer("not-a-token"))
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_token" and bad.get_json()["reason"]


def test_an_expired_access_token_is_refused_and_refresh_gives_a_new_one(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site)
    row = session.scalars(select(OAuthToken)).one()
    session.execute(update(OAuthToken).values(issued_at=row.issued_at - timedelta(seconds=3601)))
    session.commit()
    response = web.get("/api/v1/me/business", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"
    fresh = refresh(web, site, tokens["refresh_token"]).get_json()
    assert web.get("/api/v1/me/business", headers=bearer(fresh["access_token"])).status_code == 200


def test_an_old_refresh_token_past_its_lifetime_is_refused(web, session, owner):
    site = make_site(session)
    tokens = tokens_for(web, site)
    row = session.scalars(select(OAuthToken)).one()
    session.execute(update(OAuthToken).values(issued_at=row.issued_at - timedelta(days=31)))
    session.commit()
    assert refresh(web, site, tokens["refresh_token"]).get_json()["error"] == "invalid_grant"


def test_a_token_of_business_a_never_reads_business_b(app, web, session, owner):
    site = make_site(session)
    tokens_a = tokens_for(web, site)
    other = https_client(app)
    _user_b, business_b = signed_in_owner(other, session, "b@example.jp", name="有限会社ビー商店",
                                          number="6010001096659")
    tokens_b = tokens_for(other, site)
    a = web.get(f"/api/v1/me/business?business_id={business_b.id}",
                headers=bearer(tokens_a["access_token"])).get_json()
    b = other.get("/api/v1/me/business", headers=bearer(tokens_b["access_token"])).get_json()
    assert a["business"]["name"]["value"] == "株式会社みらい工房"
    assert b["business"]["name"]["value"] == "有限会社ビー商店"
    assert [p["fields"]["net_sales"]["value"] for p in
            other.get("/api/v1/me/financials", headers=bearer(tokens_b["access_token"])).get_json()["periods"]] == []
    logs = session.scalars(select(OAuthAccessLog).order_by(OAuthAccessLog.id)).all()
    assert [entry.business_id for entry in logs] == [owner[1].id, business_b.id, business_b.id]


def test_a_member_who_left_the_business_can_no_longer_read_it(web, session, owner):
    from portal.models import BusinessMember

    site = make_site(session)
    tokens = tokens_for(web, site)
    session.execute(BusinessMember.__table__.delete())
    session.commit()
    response = web.get("/api/v1/me/business", headers=bearer(tokens["access_token"]))
    assert response.status_code == 403 and response.get_json()["error"] == "not_member"


def test_every_read_is_logged_with_site_user_business_and_sections(web, session, owner):
    user, business = owner
    site = make_site(session)
    tokens = tokens_for(web, site, sections=[PROFILE, FINANCIALS, OFFICERS])
    for path in ("/api/v1/me/business", "/api/v1/me/financials", "/api/v1/me/business"):
        assert web.get(path, headers=bearer(tokens["access_token"])).status_code == 200
    logs = session.scalars(select(OAuthAccessLog).order_by(OAuthAccessLog.id)).all()
    assert [(e.endpoint, e.sections) for e in logs] == [
        ("/api/v1/me/business", [PROFILE, OFFICERS]), ("/api/v1/me/financials", [FINANCIALS]),
        ("/api/v1/me/business", [PROFILE, OFFICERS])]
    assert {(e.client_id, e.user_id, e.business_id) for e in logs} == {(site.pk, user.id, business.id)}
    assert all(e.at is not None and e.consent_id for e in logs)


def test_the_api_is_rate_limited_per_application_site(app, web, session, owner):
    app.config["OAUTH_API_RATE_LIMIT"] = "3 per minute"
    busy, quiet = make_site(session, name="よく使う申請サイト"), make_site(session, name="静かな申請サイト")
    busy_tokens, quiet_tokens = tokens_for(web, busy), tokens_for(web, quiet)
    for _ in range(3):
        assert web.get("/api/v1/me/business", headers=bearer(busy_tokens["access_token"])).status_code == 200
    limited = web.get("/api/v1/me/business", headers=bearer(busy_tokens["access_token"]))
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "rate_limited" and limited.get_json()["reason"]
    assert web.get("/api/v1/me/business", headers=bearer(quiet_tokens["access_token"])).status_code == 200
    assert len(session.scalars(select(OAuthAccessLog)).all()) == 4


def test_the_openapi_document_describes_the_once_only_api_with_its_oauth2_scheme(web):
    doc = web.get("/api/v1/openapi.json").get_json()
    flow = doc["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/oauth/authorize" and flow["tokenUrl"] == "/oauth/token"
    assert set(flow["scopes"]) == {PROFILE, FINANCIALS, BENCHMARK, OFFICERS, OFFICES}
    for path, scope in (("/me/business", PROFILE), ("/me/financials", FINANCIALS), ("/me/benchmark", BENCHMARK)):
        operation = doc["paths"][path]["get"]
        assert operation["security"] == [{"oauth2": [scope]}]
        assert {"200", "401", "403", "429"} <= set(operation["responses"])
