"""GビズID log-in against the stand-in provider, with real HTTP between the portal and the provider.

Authlib's client fetches discovery, token, JWKS and UserInfo with `requests`, so the provider runs
on a real socket: the test's own app is also served by a werkzeug server in a thread, and the
portal is configured with that server's issuer URL (the way an operator configures a real issuer).
The browser's side — the redirects and the identity picker — goes through the test client.
"""

from __future__ import annotations

import html
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import store
from portal.gbizid import services
from portal.gbizid_standin import protocol
from portal.models import (
    AuditEvent,
    Business,
    BusinessMember,
    ExternalIdentity,
    MemberRole,
    User,
)
from tests.business_factories import make_account, make_business
from tests.helpers import csrf_from, text
from tests.web.test_accounts import login as password_login

pytestmark = pytest.mark.usefixtures("clock")

SECRET = "standin-client-secret-for-tests"
MINATO = "7123456789012"


@pytest.fixture
def provider(app):
    """The app itself on a real port, configured as its own GビズID issuer; yields the issuer URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="gbizid-provider", daemon=True)
    thread.start()
    issuer = f"http://127.0.0.1:{server.server_port}/standin-gbizid"
    app.config.update(GBIZID_STANDIN=True, GBIZID_ISSUER=issuer, GBIZID_CLIENT_ID="portal-standin",
                      GBIZID_CLIENT_SECRET=SECRET, GBIZID_STANDIN_CLIENT_SECRET=SECRET)
    yield issuer
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def picker_fields(page_html: str) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page_html)
    return {name: html.unescape(value) for name, value in fields}


def choose(client, authorize_url: str, identity: str, action: str = "login"):
    """The person on the stand-in's page: picks an identity; returns the provider's redirect."""
    page = client.get(local_path(authorize_url))
    assert page.status_code == 200 and "ログインする利用者" in text(page)
    return client.post("/standin-gbizid/authorize", data={**picker_fields(text(page)), "identity": identity,
                                                          "action": action})


def gbizid_login(client, identity: str = "minato-prime", start: str = "/account/gbizid/login", agree: bool = True):
    """The whole browser side of a log-in; returns the portal's answer to the callback. An account the
    log-in made has agreed to no terms yet: with `agree`, the person agrees as the next page asks."""
    started = client.get(start)
    assert started.status_code == 302, text(started)
    back = choose(client, started.headers["Location"], identity)
    assert back.status_code == 302
    answer = client.get(local_path(back.headers["Location"]))
    if agree and answer.status_code in (302, 303):
        asked = client.get("/account/terms")
        if asked.status_code == 200 and "引き続きご利用いただくには" in text(asked):
            assert client.post("/account/terms", data={"csrf_token": csrf_from(text(asked)),
                                                       "agree": "y"}).status_code == 303
    return answer


def gbizid_link(client, identity: str = "minato-prime"):
    token = csrf_from(text(client.get("/account/")))
    started = client.post("/account/gbizid/link", data={"csrf_token": token})
    assert started.status_code == 302, text(started)
    back = choose(client, started.headers["Location"], identity)
    return client.get(local_path(back.headers["Location"]))


def events(session, name: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def user_by_email(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def membership(session, user: User) -> BusinessMember | None:
    return session.scalar(select(BusinessMember).where(BusinessMember.user_id == user.id))


# --- log-in for each account type -------------------------------------------------------------

def test_login_page_offers_gbizid_only_when_configured(client, app):
    assert "GビズIDでログイン" not in text(client.get("/account/login"))
    app.config["GBIZID_STANDIN"] = True
    page = text(client.get("/account/login"))
    assert "GビズIDでログイン" in page and 'href="/account/gbizid/login"' in page


def test_first_prime_login_creates_the_user_and_the_business_from_the_claims(client, session, provider):
    response = gbizid_login(client, "minato-prime")
    assert response.status_code == 302 and response.headers["Location"] == "/mypage/"

    user = user_by_email(session, "minato.prime@gbizid-standin.example.jp")
    assert user.role.value == "business" and user.password_hash is None and user.email_confirmed_at is not None
    assert user.display_name == "港 一郎"
    business = session.scalar(select(Business).where(Business.corporate_number == MINATO))
    assert (business.name, business.kind.value, business.prefecture, business.address) == (
        "株式会社みなと製作所", "corporation", "14", "横浜市中区山下町1番地")
    assert business.representative_name == "港 一郎" and business.contact_email == user.email
    assert membership(session, user).role is MemberRole.OWNER
    sources = {key[2]: row.source for key, row in store.sources_of(session, business).items()}
    assert sources["name"] == sources["address"] == sources["representative_name"] == "gbizid"

    [identity] = session.scalars(select(ExternalIdentity)).all()
    assert (identity.user_id, identity.issuer, identity.account_type, identity.corp_type,
            identity.corporate_number) == (user.id, provider, "prime", "corporation", MINATO)
    assert identity.subject == "5f0c6a52-1d3e-4b8a-9c21-7a41d2e80001"
    [event] = events(session, "gbizid_login")
    assert event.user_id == user.id and "プライム" in event.detail

    page = text(client.get("/mypage/"))
    assert "株式会社みなと製作所" in page and "横浜市中区山下町1番地" in page and "GビズID" in page
    assert "API連携（ワンスオンリー）」は使えません" not in page


def test_an_account_made_by_the_first_gbizid_login_is_asked_to_agree_to_the_terms(client, session, provider):
    assert gbizid_login(client, "minato-prime", agree=False).headers["Location"] == "/mypage/"
    asked = client.get("/mypage/")
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/terms")
    assert user_by_email(session, "minato.prime@gbizid-standin.example.jp").terms_version == ""


def test_a_second_login_finds_the_same_user(client, app, session, provider):
    gbizid_login(client, "minato-prime")
    client.post("/account/logout", data={"csrf_token": csrf_from(text(client.get("/mypage/")))})
    other = app.test_client()
    assert gbizid_login(other, "minato-prime").headers["Location"] == "/mypage/"
    session.expire_all()
    assert len(session.scalars(select(User)).all()) == 1
    assert len(session.scalars(select(Business)).all()) == 1
    assert session.scalar(select(ExternalIdentity)).last_login_at is not None
    assert len(events(session, "gbizid_login")) == 2


def test_login_returns_to_a_local_next_page_only(client, app, provider):
    assert gbizid_login(client, start="/account/gbizid/login?next=/mylist/").headers["Location"] == "/mylist/"
    other = app.test_client()
    response = gbizid_login(other, "minato-member", start="/account/gbizid/login?next=https://evil.example/")
    assert response.headers["Location"] == "/mypage/"


def test_a_member_joins_the_business_of_its_prime(client, app, session, provider):
    gbizid_login(client, "minato-prime")
    member_client = app.test_client()
    assert gbizid_login(member_client, "minato-member").headers["Location"] == "/mypage/"

    member = user_by_email(session, "minato.member@gbizid-standin.example.jp")
    business = session.scalar(select(Business))
    assert membership(session, member).business_id == business.id
    assert membership(session, member).role is MemberRole.MEMBER
    assert len(session.scalars(select(Business)).all()) == 1
    page = text(member_client.get("/mypage/"))
    assert "株式会社みなと製作所" in page and "波多野 真理（メンバー）" in page


def test_a_member_before_its_prime_is_refused_with_an_explanation(client, session, provider):
    response = gbizid_login(client, "minato-member")
    assert response.headers["Location"] == "/account/login"
    page = text(client.get("/account/login"))
    assert "株式会社みなと製作所（法人番号 7123456789012）の事業データがまだありません" in page
    assert "GビズIDプライムのアカウントで一度ログインしてください" in page
    assert session.scalars(select(User)).all() == [] and session.scalars(select(ExternalIdentity)).all() == []
    [failed] = events(session, "gbizid_login_failed")
    assert "メンバー" in failed.detail and failed.email == "minato.member@gbizid-standin.example.jp"
    assert client.get("/mypage/").status_code == 302  # not logged in


def test_a_member_of_a_sole_proprietor_is_refused(client, session, provider):
    gbizid_login(client, "sakura-prime")
    other = client.application.test_client()
    assert gbizid_login(other, "sakura-member").headers["Location"] == "/account/login"
    assert "個人事業主のGビズIDメンバー" in text(other.get("/account/login"))
    assert user_by_email(session, "sakura.member@gbizid-standin.example.jp") is None


def test_a_prime_joins_a_business_already_registered_with_its_number(client, session, provider):
    owner = make_account(session)
    business = make_business(session, owner, corporate_number=MINATO, name="株式会社ミナト製作所")
    gbizid_login(client, "minato-prime")
    prime = user_by_email(session, "minato.prime@gbizid-standin.example.jp")
    assert membership(session, prime).business_id == business.id
    assert membership(session, prime).role is MemberRole.OWNER
    session.refresh(business)
    assert business.name == "株式会社ミナト製作所"  # what the business typed is not overwritten
    assert len(session.scalars(select(Business)).all()) == 1


def test_a_sole_proprietor_prime_gets_a_business_without_a_number(client, session, provider):
    gbizid_login(client, "sakura-prime")
    business = session.scalar(select(Business))
    assert (business.kind.value, business.corporate_number, business.name, business.prefecture) == (
        "sole_proprietor", None, "さくら整体院", "22")


def test_an_entry_account_logs_in_but_may_not_share_through_the_api(client, app, session, provider):
    gbizid_login(client, "aoba-entry")
    entry = user_by_email(session, "aoba.entry@gbizid-standin.example.jp")
    business = session.scalar(select(Business).where(Business.corporate_number == "5999901000011"))
    assert membership(session, entry).business_id == business.id
    assert services.account_type_of(session, entry) == "entry"
    assert services.can_share_via_api(session, entry) is False
    page = text(client.get("/mypage/"))
    assert "GビズIDエントリーのアカウントでログインしています" in page and "API連携（ワンスオンリー）」は使えません" in page

    prime_client = app.test_client()
    gbizid_login(prime_client, "minato-prime")
    prime = user_by_email(session, "minato.prime@gbizid-standin.example.jp")
    local = make_account(session)
    assert services.account_type_of(session, prime) == "prime" and services.can_share_via_api(session, prime)
    assert services.account_type_of(session, local) is None and services.can_share_via_api(session, local)
    assert "GビズIDエントリーのアカウント" not in text(prime_client.get("/mypage/"))


def test_an_entry_account_never_joins_an_existing_business(client, session, provider):
    make_business(session, corporate_number="5999901000011", name="合同会社あおば珈琲")
    gbizid_login(client, "aoba-entry", agree=False)  # the page that asks for the terms shows the message
    entry = user_by_email(session, "aoba.entry@gbizid-standin.example.jp")
    assert membership(session, entry) is None
    assert "エントリーのアカウントでは参加できません" in text(client.get("/mypage/", follow_redirects=True))


def test_an_email_of_a_local_account_is_not_taken_over(client, session, provider):
    make_account(session, email="minato.prime@gbizid-standin.example.jp")
    assert gbizid_login(client, "minato-prime").headers["Location"] == "/account/login"
    assert "「GビズIDと連携」で連携してください" in text(client.get("/account/login"))
    assert session.scalars(select(ExternalIdentity)).all() == []


# --- what must be refused ---------------------------------------------------------------------

def test_a_wrong_state_is_refused(client, session, provider):
    started = client.get("/account/gbizid/login")
    back = choose(client, started.headers["Location"], "minato-prime")
    url = urlsplit(back.headers["Location"])
    query = parse_qs(url.query)
    response = client.get(f"{url.path}?code={query['code'][0]}&state=forged-state")
    assert response.headers["Location"] == "/account/login"
    assert "GビズIDでのログインを確かめられませんでした" in text(client.get("/account/login"))
    assert session.scalars(select(User)).all() == []
    [failed] = events(session, "gbizid_login_failed")
    assert "State" in failed.detail or "state" in failed.detail


def test_a_callback_nobody_started_is_refused(client, session, provider):
    response = client.get("/account/gbizid/callback?code=abc&state=xyz")
    assert response.headers["Location"] == "/account/login"
    assert session.scalars(select(User)).all() == []


def test_an_id_token_with_a_bad_signature_is_refused(client, session, provider, monkeypatch):
    real = protocol.generate_id_token
    impostor = RSAKey.generate_key(2048)

    def signed_by_someone_else(token, user_info, key, **kwargs):
        return real(token, user_info, impostor, **kwargs)  # same kid, another key

    monkeypatch.setattr(protocol, "generate_id_token", signed_by_someone_else)
    assert gbizid_login(client, "minato-prime").headers["Location"] == "/account/login"
    assert session.scalars(select(User)).all() == []
    [failed] = events(session, "gbizid_login_failed")
    assert "Signature" in failed.detail


def test_an_id_token_with_another_nonce_is_refused(client, session, provider, monkeypatch):
    real = protocol.generate_id_token

    def replayed(token, user_info, key, **kwargs):
        return real(token, user_info, key, **{**kwargs, "nonce": "a-nonce-from-another-log-in"})

    monkeypatch.setattr(protocol, "generate_id_token", replayed)
    assert gbizid_login(client, "minato-prime").headers["Location"] == "/account/login"
    assert session.scalars(select(User)).all() == []
    [failed] = events(session, "gbizid_login_failed")
    assert "nonce" in failed.detail


def test_cancelling_at_the_provider_logs_nobody_in(client, session, provider):
    started = client.get("/account/gbizid/login")
    back = choose(client, started.headers["Location"], "minato-prime", action="cancel")
    assert "error=access_denied" in back.headers["Location"]
    assert client.get(local_path(back.headers["Location"])).headers["Location"] == "/account/login"
    assert "GビズIDでのログインを中止しました" in text(client.get("/account/login"))
    assert session.scalars(select(User)).all() == []


def test_a_provider_that_cannot_be_reached_gives_a_message(client, app):
    app.config.update(GBIZID_ISSUER="http://127.0.0.1:9/standin-gbizid", GBIZID_CLIENT_ID="x",
                      GBIZID_CLIENT_SECRET="y", GBIZID_HTTP_TIMEOUT=2)
    response = client.get("/account/gbizid/login")
    assert response.headers["Location"] == "/account/login"
    assert "GビズIDに接続できませんでした" in text(client.get("/account/login"))


# --- linking a local account ------------------------------------------------------------------

def test_a_local_account_links_and_unlinks_its_gbizid(client, app, session, provider):
    user = make_account(session, email="taro@example.jp")
    password_login(client, email="taro@example.jp", password="hikari-no-michi-42")
    settings = text(client.get("/account/"))
    assert "GビズIDと連携" in settings and 'action="/account/gbizid/link"' in settings

    response = gbizid_link(client, "minato-prime")
    assert response.headers["Location"] == "/account/#gbizid"
    [identity] = session.scalars(select(ExternalIdentity)).all()
    assert identity.user_id == user.id and identity.account_type == "prime"
    assert membership(session, user).business_id == session.scalar(select(Business.id))  # created from the claims
    assert len(events(session, "gbizid_linked")) == 1
    page = text(client.get("/account/"))
    assert "GビズIDプライム（法人）" in page and "GビズIDとの連携を解除する" in page

    other = app.test_client()
    assert gbizid_login(other, "minato-prime").headers["Location"] == "/mypage/"
    assert len(session.scalars(select(User)).all()) == 1  # the GビズID log-in is the linked account

    token = csrf_from(text(client.get("/account/")))
    assert client.post("/account/gbizid/unlink", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.scalars(select(ExternalIdentity)).all() == []
    assert len(events(session, "gbizid_unlinked")) == 1
    assert "GビズIDとの連携を解除しました" in text(client.get("/account/"))


def test_an_identity_linked_to_another_user_is_refused(client, app, session, provider):
    gbizid_login(app.test_client(), "minato-prime")  # the GビズID account now has its own user
    make_account(session, email="hanako@example.jp")
    password_login(client, email="hanako@example.jp", password="hikari-no-michi-42")
    gbizid_link(client, "minato-prime")
    assert "既に別のアカウントと連携されています" in text(client.get("/account/"))
    hanako = user_by_email(session, "hanako@example.jp")
    assert session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == hanako.id)) is None
    assert events(session, "gbizid_linked") == []


def test_a_gbizid_only_account_cannot_unlink_before_setting_a_password(client, session, provider):
    gbizid_login(client, "minato-prime")
    token = csrf_from(text(client.get("/account/")))
    client.post("/account/gbizid/unlink", data={"csrf_token": token})
    assert "先に「パスワードを忘れた方」からパスワードを設定してください" in text(client.get("/account/"))
    assert len(session.scalars(select(ExternalIdentity)).all()) == 1


def test_link_and_unlink_need_a_csrf_token_and_a_login(client, session, provider):
    token = csrf_from(text(client.get("/account/login")))
    response = client.post("/account/gbizid/link", data={"csrf_token": token})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    make_account(session, email="taro@example.jp")
    password_login(client, email="taro@example.jp", password="hikari-no-michi-42")
    assert client.post("/account/gbizid/link").status_code == 400
    assert client.post("/account/gbizid/unlink").status_code == 400
    assert session.scalars(select(ExternalIdentity)).all() == []


# --- stand-in off -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/standin-gbizid/.well-known/openid-configuration", "/standin-gbizid/jwks",
                                  "/standin-gbizid/authorize", "/standin-gbizid/userinfo"])
def test_the_stand_in_is_not_there_when_off(client, path):
    assert client.get(path).status_code == 404
    assert client.post("/standin-gbizid/token").status_code == 404
    assert client.get("/account/gbizid/login").status_code == 404
