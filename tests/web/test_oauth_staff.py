"""職員's screen for application sites: staff only (403 for others), CSRF, Japanese messages beside
the fields with the input kept and nothing stored, the secret shown once, changing and disabling."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from portal.models import OAuthClient, Role
from tests.business_factories import PASSWORD, make_account
from tests.factories import add_supports, support_record
from tests.helpers import csrf_from, submit, text
from tests.oauth_helpers import authorize_url, make_site, pkce_pair
from tests.web.test_accounts import login

FORM = {"name": "経営力向上計画 申請サイト", "description": "申請書の会社欄に使います。",
        "redirect_uris": "https://shinsei.example.jp/callback\nhttps://shinsei.example.jp/callback2",
        "scopes": ["business.profile:read", "business.financials:read"], "kind": "confidential",
        "start_url": "", "support_ids": ""}


@pytest.fixture
def staff(client, session):
    make_account(session, "staff@example.jp", role=Role.STAFF)
    login(client, email="staff@example.jp", password=PASSWORD)
    return client


def clients_in(session) -> list[OAuthClient]:
    session.expire_all()
    return list(session.scalars(select(OAuthClient)))


@pytest.mark.parametrize("role", [Role.BUSINESS, Role.SUPPORTER])
def test_only_staff_may_open_the_screen(client, session, role):
    assert "/account/login" in client.get("/staff/clients/").headers["Location"]
    make_account(session, "someone@example.jp", role=role)
    login(client, email="someone@example.jp", password=PASSWORD)
    for url in ("/staff/clients/", "/staff/clients/new"):
        assert client.get(url).status_code == 403
    site = make_site(session)
    assert client.post(f"/staff/clients/{site.pk}/active", data={"active": "0"}).status_code in (400, 403)
    assert client.get(f"/staff/clients/{site.pk}/edit").status_code == 403
    assert clients_in(session)[0].active


def test_staff_registers_a_site_and_sees_the_secret_once(staff, session):
    response = submit(staff, "/staff/clients/new", FORM)
    assert response.status_code == 200
    page = text(response)
    secret = re.search(r'id="client-secret">([^<]+)<', page).group(1)
    [client] = clients_in(session)
    assert client.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert client.redirect_uris == FORM["redirect_uris"].split("\n") and client.scopes == FORM["scopes"]
    listing = text(staff.get("/staff/clients/"))
    assert "経営力向上計画 申請サイト" in listing and client.client_id in listing and secret not in listing


def test_mistakes_are_shown_beside_the_fields_with_the_input_kept_and_nothing_stored(staff, session):
    response = submit(staff, "/staff/clients/new", {**FORM, "name": "", "redirect_uris": "http://example.com/cb",
                                                    "scopes": [], "support_ids": "12, abc"})
    assert response.status_code == 422
    page = text(response)
    assert "支援制度のIDは数字で" in page
    response = submit(staff, "/staff/clients/new", {**FORM, "name": "", "redirect_uris": "http://example.com/cb",
                                                    "scopes": [], "support_ids": "999"})
    page = text(response)
    assert "申請サイトの名前を入力してください。" in page
    assert "リダイレクトURIはhttpsで入力してください" in page
    assert "読み取りを認める情報を1つ以上" in page
    assert "支援制度のIDが見つかりません：999" in page
    assert "http://example.com/cb" in page
    assert clients_in(session) == []


def test_the_form_needs_its_csrf_token(staff, session):
    assert staff.post("/staff/clients/new", data=FORM).status_code == 400
    assert clients_in(session) == []


def test_staff_links_a_site_to_measures_and_disables_it(staff, session, app):
    [support_id] = add_supports(session, support_record("経営力向上計画"))
    site = make_site(session)
    response = submit(staff, f"/staff/clients/{site.pk}/edit",
                      {**FORM, "start_url": "https://shinsei.example.jp/start", "support_ids": str(support_id)})
    assert response.status_code == 303
    client = clients_in(session)[0]
    assert client.support_ids == [support_id] and client.start_url == "https://shinsei.example.jp/start"
    assert client.secret_hash is not None  # the kind stays as registered
    token = csrf_from(text(staff.get("/staff/clients/")))
    assert staff.post(f"/staff/clients/{site.pk}/active", data={"csrf_token": token, "active": "0"}).status_code == 303
    assert not clients_in(session)[0].active
    assert "停止中" in text(staff.get("/staff/clients/"))
    staff.post("/account/logout", data={"csrf_token": token})
    app.config["PREFERRED_URL_SCHEME"] = "https"
    response = app.test_client().get(authorize_url(site, pkce_pair()[1]))
    assert response.status_code == 400 and "利用が停止" in text(response)


def test_measures_are_chosen_by_title_not_typed_as_ids(staff, session):
    first, second = add_supports(session, support_record("経営力向上計画"), support_record("事業承継補助金"))
    page = text(staff.get("/staff/clients/new"))
    assert f'<option value="{first}">経営力向上計画（ID {first}）</option>' in page
    assert 'name="support_ids"' in page and "multiple" in page[page.index('name="support_ids"') - 200:][:400]
    site = make_site(session)
    response = submit(staff, f"/staff/clients/{site.pk}/edit",
                      {**FORM, "start_url": "https://shinsei.example.jp/start", "support_ids": [str(first), str(second)]})
    assert response.status_code == 303
    assert sorted(clients_in(session)[0].support_ids) == sorted([first, second])
    edit = text(staff.get(f"/staff/clients/{site.pk}/edit"))
    assert f'<option selected value="{first}">' in edit or f'<option value="{first}" selected>' in edit
