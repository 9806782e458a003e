"""Log-in sessions kept on the server: log-out ends them, a password or e-mail change ends the
others, アカウント設定 lists each with its device and ends any of them, a copied cookie opens
nothing afterwards (the session cookie and the remember cookie alike)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from portal.models import LoginSession
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import PASSWORD, login, make_user

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")


def browser(app, agent: str = CHROME_WINDOWS):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def opens_mypage(client) -> bool:
    return client.get("/account/").status_code == 200


def test_log_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing(app):
    make_user(app)
    owner, thief = browser(app), browser(app)
    assert login(owner).status_code == 303
    copy_cookies(owner, thief)
    assert opens_mypage(thief)
    assert submit(owner, "/account/", {}, action="/account/logout").status_code == 303
    assert not opens_mypage(owner) and not opens_mypage(thief)
    assert thief.get("/account/").headers["Location"].startswith("/account/login")


def test_the_remember_cookie_stops_working_when_its_session_is_ended(app, session):
    make_user(app)
    owner = browser(app)
    assert login(owner, remember="y").status_code == 303
    remember = next(cookie for cookie in owner._cookies.values() if cookie.key == "remember_token")
    later = browser(app)  # the browser was closed: only the remember cookie is left
    later.set_cookie("remember_token", remember.value, domain=remember.domain)
    assert opens_mypage(later)
    row = session.scalars(select(LoginSession)).one()
    assert row.remember is True
    assert submit(owner, "/account/", {}, action="/account/logout").status_code == 303
    stale = browser(app)
    stale.set_cookie("remember_token", remember.value, domain=remember.domain)
    assert not opens_mypage(stale)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, mailbox):
    make_user(app)
    here, phone, laptop = browser(app), browser(app, SAFARI_IPHONE), browser(app)
    for client in (here, phone, laptop):
        assert login(client).status_code == 303
    response = submit(here, "/account/", {"pw-current_password": PASSWORD, "pw-password": "atarashii-michi-77",
                                          "pw-password_confirm": "atarashii-michi-77"}, action="/account/password")
    assert response.status_code == 303
    assert "ほかの端末（2台）ではログアウトしました" in text(here.get("/account/"))
    assert opens_mypage(here) and not opens_mypage(phone) and not opens_mypage(laptop)


def test_an_email_change_ends_the_other_sessions(app, mailbox):
    make_user(app)
    here, other = browser(app), browser(app, SAFARI_IPHONE)
    assert login(here).status_code == 303 and login(other).status_code == 303
    assert submit(here, "/account/", {"em-new_email": "jiro@example.jp", "em-password": PASSWORD},
                  action="/account/email").status_code == 303
    link = mailbox.last_link("jiro@example.jp", "/account/email/confirm/")
    assert here.get(link).status_code == 302
    assert opens_mypage(here) and not opens_mypage(other)


def test_a_password_reset_by_mail_ends_every_session(app, mailbox):
    make_user(app)
    logged_in, anonymous = browser(app), browser(app)
    assert login(logged_in).status_code == 303
    assert submit(anonymous, "/account/reset", {"email": "taro@example.jp"}).status_code == 303
    link = mailbox.last_link("taro@example.jp", "/account/reset/")
    assert submit(anonymous, link, {"password": "atarashii-michi-77",
                                    "password_confirm": "atarashii-michi-77"}).status_code == 303
    assert not opens_mypage(logged_in)


def test_the_settings_page_lists_the_sessions_with_device_and_ends_one(app, session):
    make_user(app)
    here, phone = browser(app), browser(app, SAFARI_IPHONE)
    assert login(here).status_code == 303 and login(phone).status_code == 303
    page = text(here.get("/account/"))
    assert "ログイン中の端末" in page and "Chrome（Windows）" in page and "Safari（iPhone）" in page
    assert page.count("この端末</span>") == 1
    phone_row = session.scalar(select(LoginSession).where(LoginSession.device == "Safari（iPhone）"))
    response = here.post(f"/account/sessions/{phone_row.id}/end", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/#sessions")
    assert not opens_mypage(phone) and opens_mypage(here)
    assert "Safari（iPhone）" not in text(here.get("/account/"))
    session.expire_all()
    assert session.get(LoginSession, phone_row.id).end_reason == "ended"


def test_ending_this_browsers_own_session_logs_it_out(app, session):
    make_user(app)
    here = browser(app)
    assert login(here).status_code == 303
    row = session.scalars(select(LoginSession)).one()
    response = here.post(f"/account/sessions/{row.id}/end", data={"csrf_token": csrf_from(text(here.get("/account/")))})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/login")
    assert not opens_mypage(here)


def test_end_all_others_keeps_only_this_browser(app):
    make_user(app)
    clients = [browser(app) for _ in range(3)]
    for client in clients:
        assert login(client).status_code == 303
    page = text(clients[0].get("/account/"))
    assert "この端末のほかをすべてログアウトする" in page
    response = clients[0].post("/account/sessions/end-others", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "ほかの端末（2台）のログインを終了しました" in text(clients[0].get("/account/"))
    assert [opens_mypage(client) for client in clients] == [True, False, False]


def test_one_account_cannot_end_anothers_session(app, session):
    taro_id = make_user(app)
    make_user(app, email="hanako@example.jp")
    taro, hanako = browser(app), browser(app)
    assert login(taro).status_code == 303 and login(hanako, email="hanako@example.jp").status_code == 303
    taro_row = session.scalar(select(LoginSession).where(LoginSession.user_id == taro_id))
    page = text(hanako.get("/account/"))
    response = hanako.post(f"/account/sessions/{taro_row.id}/end", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert opens_mypage(taro)


def test_a_cookie_of_the_old_form_without_a_session_key_opens_nothing(app):
    """Cookies from before sessions were kept carried the bare user id: those users log in again."""
    user_id = make_user(app)
    client = browser(app)
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = str(user_id)
        cookie_session["_fresh"] = True
    assert not opens_mypage(client)


@pytest.mark.parametrize("agent", [CHROME_WINDOWS])
def test_logging_in_records_device_and_address_but_no_key(app, session, agent):
    make_user(app)
    client = browser(app, agent)
    assert login(client).status_code == 303
    row = session.scalars(select(LoginSession)).one()
    cookie = SimpleCookie(client.get("/account/").headers.get("Set-Cookie", ""))
    assert row.device == "Chrome（Windows）" and row.ip == "127.0.0.1" and row.method == "password"
    assert len(row.key_hash) == 64 and row.key_hash not in str(cookie)
