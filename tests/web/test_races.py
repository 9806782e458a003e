"""Real parallel requests at a live server, on SQLite and PostgreSQL: one-use things are used once,
double submits never end in a 500, caps and abuse limits hold under concurrency (issue 12, items
1, 6 and 8)."""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import func, select

from portal.models import OAuthToken, SavedItem, SavedSearch, User
from portal.mylist.services import MAX_SAVED_SEARCHES
from portal.notify.settings import unsubscribe_token
from tests.business_factories import PASSWORD, make_account, make_business
from tests.factories import add_supports, support_record
from tests.oauth_helpers import REDIRECT, make_site, pkce_pair
from tests.web.live import Visitor, fire, live_server, statuses


@pytest.fixture
def base(app):
    for name in ("LOGIN_RATE_LIMIT", "OAUTH_TOKEN_RATE_LIMIT", "API_RATE_LIMIT", "RESET_RATE_LIMIT"):
        app.config[name] = "100000 per minute"
    with live_server(app) as url:
        yield url


@pytest.fixture
def owner(app, session, base) -> Visitor:
    user = make_account(session, "owner@example.jp")
    make_business(session, user, name="株式会社きょうそう商会")
    visitor = Visitor(base)
    assert visitor.log_in(user.email, PASSWORD).status_code == 303
    return visitor


def no_server_errors(results) -> None:
    assert all(isinstance(s, int) and s < 500 for s in statuses(results)), statuses(results)


# --- 1. one use means one use ----------------------------------------------------------------------

def code_for(owner: Visitor, site) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    query = urlencode({"response_type": "code", "client_id": site.client_id, "redirect_uri": REDIRECT, "state": "s",
                       "code_challenge": challenge, "code_challenge_method": "S256"})
    page = owner.get(f"/oauth/authorize?{query}")
    assert page.status_code == 200, page.text[:500]
    answer = owner.post(f"/oauth/authorize?{query}", {"csrf_token": re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1), "decision": "allow",
        "sections": ["business.profile:read"]})
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0], verifier


def token_request(base: str, site, **form):
    visitor = Visitor(base)
    return visitor.post("/oauth/token", {"client_id": site.client_id, **form})


def reads(base: str, access_token: str) -> int:
    return Visitor(base).get("/api/v1/me/business", headers={"Authorization": f"Bearer {access_token}"}).status_code


def test_a_code_redeemed_eight_times_at_once_gives_one_token_set_and_the_replay_revokes_it(base, owner, session):
    site = make_site(session, public=True)
    code, verifier = code_for(owner, site)
    results = fire(8, lambda _i: token_request(base, site, grant_type="authorization_code", code=code,
                                                redirect_uri=REDIRECT, code_verifier=verifier))
    no_server_errors(results)
    won = [r.json() for r in results if r.status_code == 200]
    assert len(won) == 1
    assert all(r.json()["error"] == "invalid_grant" for r in results if r.status_code != 200)
    assert reads(base, won[0]["access_token"]) == 401  # the concurrent second use was a replay: family revoked
    assert token_request(base, site, grant_type="refresh_token", refresh_token=won[0]["refresh_token"]).status_code == 400


def test_a_refresh_token_used_four_times_at_once_rotates_once_and_then_stops_the_family(base, owner, session):
    site = make_site(session, public=True)
    code, verifier = code_for(owner, site)
    first = token_request(base, site, grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                          code_verifier=verifier).json()
    results = fire(4, lambda _i: token_request(base, site, grant_type="refresh_token",
                                                refresh_token=first["refresh_token"]))
    no_server_errors(results)
    won = [r.json() for r in results if r.status_code == 200]
    assert len(won) == 1
    assert reads(base, won[0]["access_token"]) == 401
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OAuthToken)
                          .where(OAuthToken.access_revoked_at.is_(None))) == 0


def test_a_standin_gbizid_code_redeemed_at_once_works_once(app, base):
    app.config.update(GBIZID_STANDIN=True, GBIZID_STANDIN_CLIENT_SECRET="standin-race-secret")
    verifier = "a-code-verifier-of-at-least-forty-three-characters-0123456789"
    callback = f"{base}/account/gbizid/callback"
    params = {"response_type": "code", "client_id": "portal-standin", "redirect_uri": callback, "scope": "openid",
              "state": "s", "nonce": "n", "code_challenge": create_s256_code_challenge(verifier),
              "code_challenge_method": "S256"}
    visitor = Visitor(base)
    page = visitor.get("/standin-gbizid/authorize?" + urlencode(params))
    fields = {n: html.unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                                         page.text)}
    back = visitor.post("/standin-gbizid/authorize", {**fields, "identity": "minato-prime", "action": "login"})
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    basic = base64.b64encode(b"portal-standin:standin-race-secret").decode()
    results = fire(4, lambda _i: Visitor(base).post("/standin-gbizid/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback, "code_verifier": verifier},
        headers={"Authorization": f"Basic {basic}"}))
    no_server_errors(results)
    assert sorted(statuses(results)) == [200, 400, 400, 400]


def test_a_reset_link_used_twice_at_once_sets_one_password(app, session, base, mailbox):
    make_account(session, "taro@example.jp")
    visitor = Visitor(base)
    visitor.post("/account/reset", {"csrf_token": visitor.csrf("/account/reset"), "email": "taro@example.jp"})
    link = mailbox.last_link("taro@example.jp", "/account/reset/")
    tabs = [Visitor(base) for _ in range(2)]
    tokens = [tab.csrf(link) for tab in tabs]
    passwords = ["hitotsume-no-michi-1", "futatsume-no-michi-2"]
    results = fire(2, lambda i: tabs[i].post(link, {"csrf_token": tokens[i], "password": passwords[i],
                                                    "password_confirm": passwords[i]}))
    assert sorted(statuses(results)) == [303, 400]
    loser = next(r for r in results if r.status_code == 400)
    assert "既に使われたか" in loser.text
    winner = passwords[statuses(results).index(303)]
    assert [Visitor(base).log_in("taro@example.jp", p).status_code for p in (winner, *set(passwords) - {winner})] \
        == [303, 422]


# --- 6. double submits -------------------------------------------------------------------------------

def test_ten_presses_of_save_at_once_save_once_without_an_error(base, owner, session):
    [support] = add_supports(session, support_record("連打される補助金"))
    token = owner.csrf("/mylist/")
    presses = [owner.twin() for _ in range(10)]
    results = fire(10, lambda i: presses[i].post("/mylist/toggle", {"csrf_token": token, "kind": "support",
                                                                    "id": str(support), "want": "1"},
                                                 headers={"HX-Request": "true"}))
    assert statuses(results) == [200] * 10
    assert all("保存済み" in r.text for r in results)
    assert session.scalar(select(func.count()).select_from(SavedItem)) == 1
    # An old page without `want` flips: whatever the order, never a 500.
    no_server_errors(fire(10, lambda i: presses[i].post("/mylist/toggle", {"csrf_token": token, "kind": "support",
                                                                            "id": str(support)})))


def test_one_registration_sent_eight_times_at_once_makes_one_account_and_one_mail(base, session, mailbox):
    tabs = [Visitor(base) for _ in range(8)]
    tokens = [tab.csrf("/account/register") for tab in tabs]
    form = {"email": "hayai@example.jp", "display_name": "", "password": "ichiban-nori-2024",
            "password_confirm": "ichiban-nori-2024", "agree_terms": "y"}
    results = fire(8, lambda i: tabs[i].post("/account/register", {**form, "csrf_token": tokens[i]}))
    assert statuses(results) == [303] * 8  # every press answers as the first did
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "hayai@example.jp")) == 1
    assert len(mailbox.to("hayai@example.jp")) == 1


def test_racing_registrations_of_one_address_with_different_passwords_get_a_message(base, session):
    tabs = [Visitor(base) for _ in range(6)]
    tokens = [tab.csrf("/account/register") for tab in tabs]
    results = fire(6, lambda i: tabs[i].post("/account/register", {
        "csrf_token": tokens[i], "email": "dareka@example.jp", "display_name": "",
        "password": f"betsu-no-kagi-{i}x", "password_confirm": f"betsu-no-kagi-{i}x",
        "agree_terms": "y"}))
    assert sorted(statuses(results)) == [303] + [422] * 5
    assert all("既に登録されています" in r.text for r in results if r.status_code == 422)


def test_the_saved_search_cap_holds_when_saves_race(base, owner, session):
    user = session.scalar(select(User).where(User.email == "owner@example.jp"))
    session.add_all(SavedSearch(user_id=user.id, kind="support", name=f"条件{i}", query=f"q={i}")
                    for i in range(MAX_SAVED_SEARCHES - 5))
    session.commit()
    token = owner.csrf("/mylist/")
    tabs = [owner.twin() for _ in range(12)]
    results = fire(12, lambda i: tabs[i].post("/mylist/searches", {"csrf_token": token, "kind": "support",
                                                                  "name": f"並行{i}", "query": f"q=p{i}"}))
    no_server_errors(results)
    assert sorted(statuses(results)) == [303] * 5 + [422] * 7
    assert session.scalar(select(func.count()).select_from(SavedSearch)
                          .where(SavedSearch.user_id == user.id)) == MAX_SAVED_SEARCHES


def test_a_one_click_unsubscribe_sent_four_times_at_once_answers_each(app, session, base):
    user = make_account(session, "haishin@example.jp")
    token = unsubscribe_token(app.config["SECRET_KEY"], user)
    results = fire(4, lambda _i: Visitor(base).post(f"/unsubscribe/{token}", {"List-Unsubscribe": "One-Click"}))
    assert statuses(results) == [200] * 4


# --- 8. abuse limits under concurrency --------------------------------------------------------------

def test_twenty_wrong_passwords_at_once_get_the_free_attempts_and_no_more(app, session, base):
    make_account(session, "nerawareta@example.jp")
    tabs = [Visitor(base) for _ in range(20)]
    tokens = [tab.csrf() for tab in tabs]
    results = fire(20, lambda i: tabs[i].post("/account/login", {"csrf_token": tokens[i],
                                                                 "email": "nerawareta@example.jp",
                                                                 "password": f"guess-number-{i}"}))
    assert sorted(statuses(results)) == [422] * app.config["LOGIN_THROTTLE_FREE_ATTEMPTS"] + \
        [429] * (20 - app.config["LOGIN_THROTTLE_FREE_ATTEMPTS"])


def test_registrations_racing_from_one_address_stop_at_its_limit(app, base, session):
    app.config["REGISTER_LIMIT_PER_ADDRESS"] = "5 per hour"
    tabs = [Visitor(base) for _ in range(12)]
    tokens = [tab.csrf("/account/register") for tab in tabs]
    results = fire(12, lambda i: tabs[i].post("/account/register", {
        "csrf_token": tokens[i], "email": f"renzoku{i}@example.jp", "display_name": "",
        "password": "renzoku-touroku-1", "password_confirm": "renzoku-touroku-1",
        "agree_terms": "y"}))
    assert sorted(statuses(results)) == [303] * 5 + [429] * 7
    assert session.scalar(select(func.count()).select_from(User)) == 5
