"""Links whose secret is the authorization — the calendar feed and the unsubscribe link — cannot be
guessed, forged, or used for another user; and the OAuth error pages never echo what a request sent
as markup (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select

from portal.models import NotificationSettings, User
from portal.notify.settings import UNSUBSCRIBE_SALT, unsubscribe_token
from tests.factories import add_supports, support_record
from tests.helpers import csrf_from, text
from tests.oauth_helpers import REDIRECT, https_client, make_site, pkce_pair
from tests.web.route_world import World, build_world, unsubscribe_of

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

MARKUP = "<script>alert(1)</script>"


@pytest.fixture
def world(app, session) -> World:
    return build_world(app, session)


def frequency(world: World, user_id: int) -> str:
    world.session.expire_all()
    row = world.session.get(NotificationSettings, user_id)
    return row.email_frequency if row else "weekly"


def save_support(world: World, actor: str, support_id: int) -> None:
    client = world.clients[actor]
    response = client.post("/mylist/toggle", data={"csrf_token": world.csrf(actor), "kind": "support",
                                                   "id": str(support_id)})
    assert response.status_code == 303


# --- the calendar feed ----------------------------------------------------------------------------

def test_calendar_tokens_are_long_random_and_name_nobody(world):
    tokens = [world.a.calendar_token, world.b.calendar_token]
    for owner, token in zip((world.a, world.b), tokens, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,64}", token)  # 256 random bits, URL-safe
        assert owner.user.email.split("@")[0] not in token and owner.user.email not in token
    assert tokens[0] != tokens[1]
    settings_page = text(world.clients["b"].get("/notify/settings"))
    assert world.b.calendar_token in settings_page and world.a.calendar_token not in settings_page


def test_each_calendar_shows_its_owners_deadlines_only(world, session):
    [other] = add_supports(session, support_record("ぶなの木だけの補助金", reception_end=date(2026, 12, 20)))
    save_support(world, "a", world.support)
    save_support(world, "b", other)
    anonymous = world.clients["anonymous"]
    mine = anonymous.get(f"/calendar/{world.a.calendar_token}.ics")
    theirs = anonymous.get(f"/calendar/{world.b.calendar_token}.ics")
    assert mine.status_code == theirs.status_code == 200
    assert "歩き回り補助金" in text(mine) and "ぶなの木だけの補助金" not in text(mine)
    assert "ぶなの木だけの補助金" in text(theirs) and "歩き回り補助金" not in text(theirs)
    assert mine.headers["Cache-Control"].startswith("private")
    # Being logged in as someone else changes nothing: the token alone decides whose calendar it is.
    assert "ぶなの木だけの補助金" not in text(world.clients["b"].get(f"/calendar/{world.a.calendar_token}.ics"))


def test_guessed_or_renewed_calendar_tokens_are_refused(world, session):
    anonymous, token = world.clients["anonymous"], world.a.calendar_token
    for guess in ("", "x", token[:-1], token + "A", token.upper(), token[::-1], str(world.a.user.id),
                  world.a.user.email, "a" * 64, "a" * 65):
        assert anonymous.get(f"/calendar/{guess}.ics").status_code == 404, guess
    renewed = world.clients["a"].post("/notify/settings/calendar", data={"csrf_token": world.csrf("a")})
    assert renewed.status_code == 303
    session.expire_all()
    fresh = session.get(NotificationSettings, world.a.user.id).calendar_token
    assert fresh != token
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{fresh}.ics").status_code == 200
    assert anonymous.get(f"/calendar/{world.b.calendar_token}.ics").status_code == 200  # B's is untouched


def test_a_disabled_accounts_calendar_stops(world, session):
    user = session.get(User, world.a.user.id)
    user.active = False
    session.commit()
    assert world.clients["anonymous"].get(f"/calendar/{world.a.calendar_token}.ics").status_code == 404


# --- the unsubscribe link -------------------------------------------------------------------------

def test_unsubscribe_links_differ_per_user_and_stop_only_their_owners_mails(world):
    a_link, b_link = unsubscribe_of(world, world.a), unsubscribe_of(world, world.b)
    assert a_link != b_link
    anonymous = world.clients["anonymous"]
    assert anonymous.get(f"/unsubscribe/{a_link}").status_code == 200
    assert frequency(world, world.a.user.id) == "weekly"  # opening the link (a mail scanner) changes nothing
    done = anonymous.post(f"/unsubscribe/{a_link}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and done.mimetype == "text/plain"
    assert frequency(world, world.a.user.id) == "none"
    assert frequency(world, world.b.user.id) == "weekly"


def test_the_link_acts_for_its_owner_whoever_is_logged_in(world):
    b = world.clients["b"]
    assert b.post(f"/unsubscribe/{unsubscribe_of(world, world.a)}").status_code == 200
    assert frequency(world, world.a.user.id) == "none" and frequency(world, world.b.user.id) == "weekly"


def forged_links(world: World) -> dict[str, str]:
    key, b_id = world.app.config["SECRET_KEY"], world.b.user.id
    a_link = unsubscribe_of(world, world.a)
    payload, _, signature = a_link.partition(".")
    b_payload = unsubscribe_token(key, world.b.user).partition(".")[0]
    with world.app.app_context():
        from portal.accounts import tokens

        confirm = tokens.make_token(tokens.CONFIRM, {"u": b_id})
    return {
        "B's id with A's signature": f"{b_payload}.{signature}",
        "signed with another key": URLSafeSerializer("not-the-key", salt=UNSUBSCRIBE_SALT).dumps({"u": b_id}),
        "signed for another purpose": URLSafeSerializer(key, salt="password-reset").dumps({"u": b_id}),
        "an account e-mail token": confirm,
        "a timed token with the same salt": URLSafeTimedSerializer("not-the-key", salt=UNSUBSCRIBE_SALT).dumps({"u": b_id}),
        "no signature": payload,
        "a truncated signature": a_link[:-2],
        "an id as the token": str(b_id),
        "nonsense": "x" * 43,
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_forged_unsubscribe_links_are_refused_and_change_nothing(world, method):
    anonymous = world.clients["anonymous"]
    for label, token in forged_links(world).items():
        response = anonymous.open(f"/unsubscribe/{token}", method=method, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400, label
        assert "配信停止のリンクが正しくありません" in text(response)
    assert frequency(world, world.a.user.id) == frequency(world, world.b.user.id) == "weekly"


def test_the_digest_mail_carries_the_recipients_own_link(world):
    """The link in a mail is made for that mail's recipient (what `portal notify` puts in the header)."""
    from portal.notify.settings import user_for_unsubscribe

    key = world.app.config["SECRET_KEY"]
    for owner in (world.a, world.b):
        found = user_for_unsubscribe(world.session, key, unsubscribe_token(key, owner.user))
        assert found.id == owner.user.id


# --- OAuth error pages ----------------------------------------------------------------------------

def authorize(web, **params) -> object:
    return web.get("/oauth/authorize?" + urlencode(params))


def test_an_unknown_client_gets_a_page_that_echoes_nothing_as_markup(app, session):
    web = https_client(app)
    _verifier, challenge = pkce_pair()
    response = authorize(web, response_type="code", client_id=MARKUP, redirect_uri=f"https://evil.example/{MARKUP}",
                         scope=MARKUP, state=MARKUP, code_challenge=challenge, code_challenge_method="S256")
    page = text(response)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "申請サイトとの連携ができません" in page
    assert "<script>alert" not in page and "evil.example" not in page


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example/callback", f"{REDIRECT}.evil.example", f"{REDIRECT}/../../evil", f"{REDIRECT}?x=1",
    "https://shinsei.example.jp@evil.example/callback", "javascript:alert(1)//", REDIRECT.upper(), f"{REDIRECT}#x",
    REDIRECT.replace("https", "http"), f"{REDIRECT}\t", f"{REDIRECT}\"", f"{REDIRECT}\\", f"{REDIRECT}/申請",
    f"//evil.example/{MARKUP}"])
def test_a_redirect_uri_that_is_not_registered_is_never_followed(app, session, redirect_uri):
    site = make_site(session)
    web = https_client(app)
    _verifier, challenge = pkce_pair()
    response = authorize(web, response_type="code", client_id=site.client_id, redirect_uri=redirect_uri,
                         state=MARKUP, code_challenge=challenge, code_challenge_method="S256")
    assert response.status_code == 400 and "Location" not in response.headers
    page = text(response)
    assert "申請サイトとの連携ができません" in page
    assert "<script>alert" not in page and 'href="javascript' not in page and "evil.example/<" not in page


@pytest.mark.parametrize("params", [
    {"scope": MARKUP}, {"response_type": MARKUP}, {"code_challenge_method": MARKUP}, {"code_challenge": None},
    {"state": "st\r\nSet-Cookie: x=y"}])
def test_errors_for_a_known_site_go_back_to_its_registered_address_encoded(app, session, params):
    site = make_site(session)
    web = https_client(app)
    _verifier, challenge = pkce_pair()
    query = {"response_type": "code", "client_id": site.client_id, "redirect_uri": REDIRECT, "state": "st",
             "code_challenge": challenge, "code_challenge_method": "S256", **params}
    response = authorize(web, **{k: v for k, v in query.items() if v is not None})
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert "\n" not in location and "\r" not in location
    if location.startswith("/account/login?"):  # a valid request (odd state and all): log in first
        assert params == {"state": "st\r\nSet-Cookie: x=y"}
        return
    assert location.startswith(REDIRECT + "?") and "\n" not in location and "\r" not in location
    assert "<" not in location
    returned = parse_qs(urlsplit(location).query)
    assert returned["error"] and returned["state"] == [query["state"]]
    assert "Set-Cookie" not in response.headers or "x=y" not in response.headers["Set-Cookie"]


def test_token_errors_are_json_and_never_html(app, session):
    site = make_site(session)
    web = https_client(app)
    response = web.post("/oauth/token", data={"grant_type": MARKUP, "code": MARKUP, "client_id": site.client_id,
                                              "redirect_uri": MARKUP})
    assert 400 <= response.status_code < 500 and response.mimetype == "application/json"
    assert response.get_json()["error"]


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke"])
def test_the_back_channel_over_plain_http_is_an_oauth_error_not_a_crash(app, session, path):
    """Authlib refuses plain http off loopback before it has a request to answer; the views turn that
    into the JSON error a client expects (it was a 500)."""
    site = make_site(session)
    response = app.test_client().post(path, data={"grant_type": "authorization_code", "code": "x", "token": "x",
                                                  "client_id": site.client_id})
    assert response.status_code == 400 and response.get_json()["error"] == "insecure_transport"


def test_the_gbizid_callback_echoes_no_provider_text(world):
    anonymous = world.clients["anonymous"]
    response = anonymous.get("/account/gbizid/callback?" + urlencode({
        "error": MARKUP, "error_description": MARKUP, "state": MARKUP}))
    assert response.status_code in (302, 303)
    page = text(anonymous.get(response.headers["Location"]))
    assert "<script>alert" not in page and "GビズID" in page


def test_the_consent_page_names_the_logged_in_business_only(app, session, world):
    """The walker's other half for OAuth: over https the consent page shows A's name to A and B's to B."""
    web_a, web_b = world.clients["a"], world.clients["b"]
    _verifier, challenge = pkce_pair()
    url = "/oauth/authorize?" + urlencode({"response_type": "code", "client_id": world.site_client_id,
                                           "redirect_uri": REDIRECT, "state": "s", "code_challenge": challenge,
                                           "code_challenge_method": "S256"})
    as_a = web_a.get(url, base_url="https://portal.test")
    as_b = web_b.get(url, base_url="https://portal.test")
    assert as_a.status_code == as_b.status_code == 200
    assert "株式会社あかね試験工房" in text(as_a) and "株式会社ぶなの木商店" not in text(as_a)
    assert "株式会社ぶなの木商店" in text(as_b) and "株式会社あかね試験工房" not in text(as_b)
    assert csrf_from(text(as_a)) != csrf_from(text(as_b))
    assert session.scalar(select(User).where(User.email == "akane@example.jp")) is not None
