"""Account flows through the web layer, with real e-mail over the local SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.services import create_user
from portal.models import AuditEvent, User
from tests.helpers import submit, text

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

PASSWORD = "hikari-no-michi-42"


def register(client, email="taro@example.jp", password=PASSWORD, confirm=None, name="山田太郎", agree=True):
    return submit(client, "/account/register", {
        "email": email, "display_name": name, "password": password,
        "password_confirm": password if confirm is None else confirm, **({"agree_terms": "y"} if agree else {}),
    })


def login(client, email="taro@example.jp", password=PASSWORD, **extra):
    return submit(client, "/account/login", {"email": email, "password": password, **extra})


def make_user(app, email="taro@example.jp", password=PASSWORD, confirmed=True, **kwargs) -> int:
    with app.app_context():
        from portal.db import get_session

        session = get_session()
        user = create_user(session, email, password, confirmed=confirmed, **kwargs)
        session.commit()
        return user.id


def events(app, name: str) -> list[AuditEvent]:
    with app.app_context():
        from portal.db import get_session

        return list(get_session().scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_register_sends_confirmation_mail_and_confirming_allows_login(client, mailbox, app):
    response = register(client)
    assert response.status_code == 303
    assert "/account/registered" in response.headers["Location"]

    assert login(client).status_code == 422  # not confirmed yet
    assert "メールアドレスの確認が済んでいません" in text(login(client))

    [message] = mailbox.to("taro@example.jp")
    assert "メールアドレスの確認" in message["Subject"]
    link = mailbox.last_link("taro@example.jp", "/account/confirm/")
    confirmed = client.get(link, follow_redirects=True)
    assert "メールアドレスを確認しました" in text(confirmed)

    response = login(client)
    assert response.status_code == 303
    home = client.get("/")
    assert "ログアウト" in text(home) and "山田太郎" in text(home)
    assert len(events(app, "login")) == 1


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({"email": "", "password": "", "password_confirm": ""}, "メールアドレスを入力してください。"),
        ({"email": "", "password": "", "password_confirm": ""}, "パスワードを入力してください。"),
        ({"email": "taro@", "password": PASSWORD, "password_confirm": PASSWORD}, "メールアドレスの形式が正しくありません"),
        ({"email": "not-an-address", "password": PASSWORD, "password_confirm": PASSWORD}, "メールアドレスの形式が正しくありません"),
        ({"email": "taro@example.jp", "password": "short1", "password_confirm": "short1"}, "10文字以上"),
        ({"email": "taro@example.jp", "password": "12345678901", "password_confirm": "12345678901"}, "数字だけ"),
        ({"email": "taro@example.jp", "password": "password123", "password_confirm": "password123"}, "推測されやすい"),
        ({"email": "taro@example.jp", "password": "taro-the-great", "password_confirm": "taro-the-great"}, "メールアドレスの一部"),
        ({"email": "taro@example.jp", "password": PASSWORD, "password_confirm": PASSWORD + "x"}, "確認用のパスワードが一致しません"),
    ],
)
def test_register_rejects_bad_input_with_japanese_message_and_keeps_input(client, mailbox, fields, field_message):
    response = submit(client, "/account/register", {"display_name": "山田太郎", **fields})
    body = text(response)
    assert response.status_code == 422
    assert field_message in body
    assert 'aria-invalid="true"' in body
    assert 'value="山田太郎"' in body  # what was typed stays
    if fields["email"]:
        assert f'value="{fields["email"]}"' in body
    assert 'value="' + PASSWORD not in body  # passwords are never echoed back
    assert mailbox.messages == []


def test_register_refuses_duplicate_email_case_insensitively(client, app, mailbox):
    make_user(app)
    response = register(client, email="Taro@Example.JP")
    assert response.status_code == 422
    assert "このメールアドレスは既に登録されています" in text(response)
    with app.app_context():
        from portal.db import get_session

        assert len(list(get_session().scalars(select(User)))) == 1
    assert mailbox.messages == []


def test_login_with_wrong_password_is_refused_and_audited(client, app):
    make_user(app)
    response = login(client, password="wrong-password-123")
    assert response.status_code == 422
    assert "メールアドレスまたはパスワードが正しくありません" in text(response)
    assert 'value="taro@example.jp"' in text(response)
    [failed] = events(app, "login_failed")
    assert failed.email == "taro@example.jp" and failed.user_id is not None


def test_login_with_unknown_email_says_the_same_as_wrong_password(client, app):
    response = login(client, email="nobody@example.jp")
    assert "メールアドレスまたはパスワードが正しくありません" in text(response)
    [failed] = events(app, "login_failed")
    assert failed.user_id is None and failed.email == "nobody@example.jp"


def test_login_with_empty_fields_shows_messages(client):
    response = login(client, email="", password="")
    assert response.status_code == 422
    assert "メールアドレスを入力してください。" in text(response)
    assert "パスワードを入力してください。" in text(response)


def test_disabled_account_cannot_log_in(client, app):
    user_id = make_user(app)
    with app.app_context():
        from portal.db import get_session

        session = get_session()
        session.get(User, user_id).active = False
        session.commit()
    assert "利用停止中" in text(login(client))


def test_login_redirects_only_to_local_next(client, app):
    make_user(app)
    page = client.get("/account/login?next=/account/")
    from tests.helpers import csrf_from

    token = csrf_from(text(page))
    ok = client.post("/account/login", data={"csrf_token": token, "email": "taro@example.jp",
                                             "password": PASSWORD, "next": "/account/"})
    assert ok.headers["Location"].endswith("/account/")
    client.post("/account/logout", data={"csrf_token": csrf_from(text(client.get("/")))})
    token = csrf_from(text(client.get("/account/login")))
    evil = client.post("/account/login", data={"csrf_token": token, "email": "taro@example.jp",
                                               "password": PASSWORD, "next": "//evil.example/"})
    assert "evil.example" not in evil.headers["Location"]


def test_logout_requires_post_and_ends_session(client, app):
    make_user(app)
    login(client)
    assert client.get("/account/logout").status_code == 405
    response = submit(client, "/", {}, action="/account/logout", follow_redirects=True)
    assert "ログアウトしました" in text(response)
    assert client.get("/account/").status_code == 302  # settings need a log-in again
    assert len(events(app, "logout")) == 1


def test_settings_require_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_password_reset_by_mail_sets_new_password_and_link_cannot_be_reused(client, app, mailbox):
    make_user(app)
    response = submit(client, "/account/reset", {"email": "taro@example.jp"})
    assert response.status_code == 303
    link = mailbox.last_link("taro@example.jp", "/account/reset/")

    new_password = "atarashii-kagi-77"
    done = submit(client, link, {"password": new_password, "password_confirm": new_password})
    assert done.status_code == 303
    assert login(client, password=PASSWORD).status_code == 422
    assert login(client, password=new_password).status_code == 303

    reused = client.get(link)
    assert reused.status_code == 400
    assert "既に使われたか" in text(reused)
    assert len(events(app, "password_reset")) == 1


def test_password_reset_for_unknown_email_sends_nothing_but_says_the_same(client, mailbox):
    response = submit(client, "/account/reset", {"email": "nobody@example.jp"}, follow_redirects=True)
    assert "再設定メールを送信しました" in text(response)
    assert mailbox.messages == []


def test_expired_reset_token_is_refused(client, app, mailbox, clock):
    make_user(app)
    submit(client, "/account/reset", {"email": "taro@example.jp"})
    link = mailbox.last_link("taro@example.jp", "/account/reset/")
    app.config["RESET_TOKEN_MAX_AGE"] = 60
    clock.advance(seconds=59)
    assert client.get(link).status_code == 200  # still within its minute
    clock.advance(seconds=2)
    response = client.get(link)
    assert response.status_code == 400
    assert "有効期限が切れています" in text(response)


def test_tampered_reset_token_is_refused(client):
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 400
    assert "リンクが正しくありません" in text(response)


def test_reset_with_weak_password_keeps_token_usable(client, app, mailbox):
    make_user(app)
    submit(client, "/account/reset", {"email": "taro@example.jp"})
    link = mailbox.last_link("taro@example.jp", "/account/reset/")
    weak = submit(client, link, {"password": "abc", "password_confirm": "abc"})
    assert weak.status_code == 422 and "10文字以上" in text(weak)
    assert client.get(link).status_code == 200


def test_change_password_checks_current_password_and_audits(client, app):
    make_user(app)
    login(client)
    wrong = submit(client, "/account/", {"pw-current_password": "nope-nope-nope", "pw-password": "mou-hitotsu-88",
                                         "pw-password_confirm": "mou-hitotsu-88"}, action="/account/password")
    assert wrong.status_code == 422 and "現在のパスワードが正しくありません" in text(wrong)

    ok = submit(client, "/account/", {"pw-current_password": PASSWORD, "pw-password": "mou-hitotsu-88",
                                      "pw-password_confirm": "mou-hitotsu-88"}, action="/account/password")
    assert ok.status_code == 303
    assert len(events(app, "password_changed")) == 1
    client.post("/account/logout", data={"csrf_token": __import__("tests.helpers").helpers.csrf_from(text(client.get("/")))})
    assert login(client, password="mou-hitotsu-88").status_code == 303


def test_change_email_confirms_new_address_by_mail(client, app, mailbox):
    make_user(app)
    login(client)
    response = submit(client, "/account/", {"em-new_email": "hanako@example.jp", "em-password": PASSWORD},
                      action="/account/email")
    assert response.status_code == 303
    [message] = mailbox.to("hanako@example.jp")
    link = mailbox.last_link("hanako@example.jp", "/account/email/confirm/")
    client.get(link)
    settings = text(client.get("/account/"))
    assert "hanako@example.jp" in settings
    assert client.get(link).status_code == 400  # a used link stops working


@pytest.mark.parametrize(
    ("new_email", "password", "message"),
    [
        ("", PASSWORD, "新しいメールアドレスを入力してください。"),
        ("bad@", PASSWORD, "メールアドレスの形式が正しくありません"),
        ("taro@example.jp", PASSWORD, "現在と同じメールアドレスです。"),
        ("jiro@example.jp", PASSWORD, "既に別のアカウントで使われています"),
        ("new@example.jp", "wrong-password-1", "パスワードが正しくありません。"),
    ],
)
def test_change_email_rejects_bad_input(client, app, mailbox, new_email, password, message):
    make_user(app)
    make_user(app, email="jiro@example.jp")
    login(client)
    response = submit(client, "/account/", {"em-new_email": new_email, "em-password": password},
                      action="/account/email")
    assert response.status_code == 422
    assert message in text(response)
    assert mailbox.messages == []


def test_settings_show_recent_security_events_of_the_user_only(client, app):
    make_user(app)
    make_user(app, email="jiro@example.jp")
    login(client, email="jiro@example.jp", password="wrong-password-1")
    login(client)
    page = text(client.get("/account/"))
    assert "ログイン" in page
    assert "ログインの失敗" not in page  # that failure belongs to jiro


def test_resend_confirmation_mails_only_unconfirmed_accounts(client, app, mailbox):
    make_user(app, confirmed=False)
    make_user(app, email="jiro@example.jp")
    submit(client, "/account/resend", {"email": "taro@example.jp"})
    submit(client, "/account/resend", {"email": "jiro@example.jp"})
    assert len(mailbox.to("taro@example.jp")) == 1
    assert mailbox.to("jiro@example.jp") == []
