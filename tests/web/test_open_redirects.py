"""No log-in path sends anyone off the site: `next=` on the password log-in, on GビズID log-in (checked
when it starts and again when the provider sends the user back), on the マイリスト button, and the
OAuth authorize redirect to the log-in and back (SQLite and PostgreSQL).

A Location is judged the way a browser reads it (WHATWG URL): tabs and newlines are dropped, leading
spaces and control characters are stripped, and a backslash counts as a slash.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from portal.htmx import is_safe_next
from tests.business_factories import PASSWORD, make_account, make_business, signed_in_owner
from tests.helpers import csrf_from, text
from tests.oauth_helpers import REDIRECT, authorize_url, https_client, make_site, pkce_pair
from tests.web.test_accounts import login
from tests.web.test_gbizid import gbizid_login, provider  # noqa: F401  (provider is a fixture used below)

OFF_SITE = ["//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example/", "/\t/evil.example/",
            "/\n/evil.example/", "/\r\n/evil.example/", " //evil.example/", "\t//evil.example/",
            "https://evil.example/", "http:evil.example", "javascript:alert(1)", "/\\/evil.example/",
            "/\t\\evil.example/"]
ON_SITE = ["/mylist/", "/account/?tab=1", "/%2F%2Fevil.example", "/.//evil.example", "/@evil.example"]
#: Harmless to a browser but refused all the same: no control character goes into a Location.
REFUSED_ANYWAY = ["/\x0b/evil.example", "/mylist/\x7f", "https:/mylist/"]


def stays_on_site(location: str) -> bool:
    """How a browser resolves a Location against https://portal.test/ (WHATWG URL), conservatively:
    any scheme at all counts as leaving."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", cleaned) or cleaned.startswith("//"):
        return False
    parts = urlsplit(urljoin("https://portal.test/account/login", cleaned))
    return parts.scheme == "https" and parts.netloc == "portal.test"


def test_the_judge_itself():
    assert not any(stays_on_site(target) for target in OFF_SITE)
    assert all(stays_on_site(target) for target in ON_SITE)


@pytest.mark.parametrize("target", OFF_SITE + ON_SITE + REFUSED_ANYWAY)
def test_is_safe_next_never_lets_a_browser_leave(target):
    if is_safe_next(target):
        assert stays_on_site(target)
    assert is_safe_next(target) == (target in ON_SITE)


@pytest.mark.parametrize("target", OFF_SITE + REFUSED_ANYWAY)
def test_password_login_never_follows_an_off_site_next(app, client, session, target):
    user = make_account(session, "taro@example.jp")
    page = client.get("/account/login", query_string={"next": target})
    assert page.status_code == 200 and "evil.example" not in text(page)
    response = login(client, email=user.email, password=PASSWORD, next=target)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    again = client.get("/account/login", query_string={"next": target})  # already logged in
    assert again.status_code == 302 and again.headers["Location"] == "/"


@pytest.mark.parametrize("target", ON_SITE)
def test_password_login_returns_to_a_local_next(app, client, session, target):
    user = make_account(session, "taro@example.jp")
    response = login(client, email=user.email, password=PASSWORD, next=target)
    assert response.status_code == 303 and stays_on_site(response.headers["Location"])
    assert urlsplit(response.headers["Location"]).path == urlsplit(target).path


@pytest.mark.parametrize("target", OFF_SITE)
def test_gbizid_login_never_follows_an_off_site_next(app, client, session, provider, target):  # noqa: F811
    response = gbizid_login(client, "minato-prime", start="/account/gbizid/login?" + _query(target))
    assert response.status_code == 302 and response.headers["Location"] == "/mypage/"
    again = client.get("/account/gbizid/login", query_string={"next": target})  # already logged in
    assert again.status_code == 302 and again.headers["Location"] == "/mypage/"


def test_gbizid_login_returns_to_a_local_next(app, client, session, provider):  # noqa: F811
    response = gbizid_login(client, "minato-prime", start="/account/gbizid/login?next=/mylist/")
    assert response.headers["Location"] == "/mylist/"


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})


@pytest.mark.parametrize("target", OFF_SITE[:8])
def test_the_mylist_button_never_follows_an_off_site_next(app, client, session, target):
    from tests.factories import add_supports, support_record

    [support] = add_supports(session, support_record("次の行き先の補助金"))
    user = make_account(session, "taro@example.jp")
    login(client, email=user.email, password=PASSWORD)
    token = csrf_from(text(client.get(f"/supports/{support}")))
    response = client.post("/mylist/toggle", data={"csrf_token": token, "kind": "support", "id": str(support),
                                                   "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/mylist/"


def test_oauth_authorize_sends_visitors_to_log_in_and_back_only_to_itself(app, session):
    site = make_site(session)
    web = https_client(app)
    _verifier, challenge = pkce_pair()
    url = authorize_url(site, challenge)
    first = web.get(url)
    assert first.status_code == 302 and stays_on_site(first.headers["Location"])
    location = urlsplit(first.headers["Location"])
    assert location.path == "/account/login"
    [next_url] = parse_qs(location.query)["next"]
    assert next_url.startswith("/oauth/authorize?") and is_safe_next(next_url)
    make_business(session, make_account(session, "late@example.jp"))
    back = login(web, email="late@example.jp", password=PASSWORD, next=next_url)
    assert back.status_code == 303 and back.headers["Location"] == next_url
    consent_page = web.get(next_url)
    assert consent_page.status_code == 200
    denied = web.post(next_url, data={"csrf_token": csrf_from(text(consent_page)), "decision": "deny"})
    assert denied.status_code == 302 and denied.headers["Location"].startswith(REDIRECT + "?")
    assert parse_qs(urlsplit(denied.headers["Location"]).query)["error"] == ["access_denied"]


def test_oauth_authorize_answers_a_posted_redirect_uri_only_from_the_register(app, session):
    """The consent form posts back to /oauth/authorize with the query: a changed redirect_uri there is
    checked again, so a forged form cannot send the code elsewhere."""
    site = make_site(session)
    web = https_client(app)
    signed_in_owner(web, session, "owner@example.jp")
    _verifier, challenge = pkce_pair()
    good = authorize_url(site, challenge)
    token = csrf_from(text(web.get(good)))
    evil = authorize_url(site, challenge, redirect_uri="https://evil.example/callback")
    response = web.post(evil, data={"csrf_token": token, "decision": "allow", "sections": ["business.profile:read"]})
    assert response.status_code == 400 and "Location" not in response.headers
