"""The pages of an official service: the footer's pages, agreeing to the terms (at registration, and
again when the version changes), and お問い合わせ stored for 職員 and mailed to the operator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Inquiry, Role, User
from tests.business_factories import PASSWORD, make_account
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login, register

pytestmark = pytest.mark.usefixtures("clock")

FOOTER = {"/terms": "利用規約", "/privacy": "プライバシーポリシー", "/faq": "よくある質問",
          "/accessibility": "アクセシビリティ方針", "/sitemap": "サイトマップ", "/contact": "お問い合わせ"}


def footer_of(html: str) -> str:
    return html[html.index('<footer class="site-footer">'):]


def test_every_page_of_the_service_is_linked_from_the_footer_and_opens(client):
    footer = footer_of(text(client.get("/")))
    for path, title in FOOTER.items():
        assert f'href="{path}"' in footer and f">{title}</a>" in footer, path
        page = client.get(path)
        assert page.status_code == 200, path
        assert f"<h1>{title}</h1>" in text(page)


def test_the_privacy_policy_names_the_configured_operator_and_says_what_is_stored(app, client):
    app.config.update(OPERATOR_ORGANISATION="さくら市 産業振興課", OPERATOR_ADDRESS="さくら市本町1-1",
                      PRIVACY_OFFICER="産業振興課長", EVENT_RETENTION_DAYS=90)
    page = text(client.get("/privacy"))
    for words in ("さくら市 産業振興課", "さくら市本町1-1", "産業振興課長", "90日", "外部サービスとの連携",
                  "ワンスオンリーAPI", "保存期間", "ダウンロードと削除", "お問い合わせ窓口", "連携した支援機関"):
        assert words in page, words
    assert "さくら市 産業振興課" in text(client.get("/terms"))


def test_the_accessibility_policy_states_its_target_and_how_it_is_tested(client):
    page = text(client.get("/accessibility"))
    assert "JIS X 8341-3:2016" in page and "AA" in page and "axe" in page


def test_the_sitemap_shows_what_the_person_may_open(app, client, session):
    anonymous = text(client.get("/sitemap"))
    assert 'href="/account/register"' in anonymous and 'href="/mypage/"' not in anonymous
    make_account(session, "taro@example.jp")
    assert login(client).status_code == 303
    logged_in = text(client.get("/sitemap"))
    assert 'href="/mypage/"' in logged_in and 'href="/account/data"' in logged_in
    assert 'href="/account/register"' not in logged_in


# --- agreeing to the terms -------------------------------------------------------------------------

def test_registration_is_refused_without_agreeing_to_the_terms(app, client, session, mailbox):
    response = register(client, agree=False)
    assert response.status_code == 422
    page = text(response)
    assert "利用規約とプライバシーポリシーへの同意が必要です" in page
    assert 'value="taro@example.jp"' in page  # what was typed is kept
    assert session.scalar(select(User).where(User.email == "taro@example.jp")) is None
    assert mailbox.messages == []


def test_registration_records_the_version_agreed(app, client, session):
    app.config["TERMS_VERSION"] = "2026-12-01"
    assert register(client).status_code == 303
    user = session.scalar(select(User).where(User.email == "taro@example.jp"))
    assert user.terms_version == "2026-12-01" and user.terms_agreed_at is not None
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.event == "terms_agreed"))
    assert event.user_id == user.id and "2026-12-01" in event.detail


def agreed_account(session, version: str | None, email: str = "taro@example.jp") -> User:
    user = make_account(session, email)
    user.terms_version = version
    session.commit()
    return user


def test_a_new_terms_version_asks_again_at_log_in_and_agreeing_records_it(app, client, session):
    user = agreed_account(session, "2026-12-01")
    app.config["TERMS_VERSION"] = "2027-04-01"
    assert login(client, email=user.email, password=PASSWORD).status_code == 303
    asked = client.get("/mypage/")
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/terms?next=/mypage/")
    page = text(client.get(asked.headers["Location"]))
    assert "利用規約を改めました" in page and "2027-04-01" in page
    # htmx requests are sent to the page as a whole, not swapped into a region.
    partial = client.get("/mylist/", headers={"HX-Request": "true"})
    assert partial.headers["HX-Redirect"].startswith("/account/terms")
    # The terms themselves, and logging out, stay open.
    assert client.get("/terms").status_code == 200
    refused = submit(client, "/account/terms?next=/mypage/", {"next": "/mypage/"})
    assert refused.status_code == 422 and "同意が必要です" in text(refused)
    agreed = submit(client, "/account/terms?next=/mypage/", {"next": "/mypage/", "agree": "y"})
    assert agreed.status_code == 303 and agreed.headers["Location"] == "/mypage/"
    session.expire_all()
    assert session.get(User, user.id).terms_version == "2027-04-01"
    assert client.get("/mypage/").status_code == 200


def test_the_agreement_page_never_sends_one_off_the_site(app, client, session):
    agreed_account(session, "old")
    assert login(client).status_code == 303
    response = submit(client, "/account/terms", {"next": "//evil.example/", "agree": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_accounts_without_a_recorded_agreement_are_asked_only_when_the_setting_says_so(app, session):
    agreed_account(session, None)
    quiet, strict = app.test_client(), app.test_client()
    assert login(quiet).status_code == 303
    assert quiet.get("/mypage/").status_code == 200
    app.config["TERMS_ASK_UNRECORDED"] = True
    assert login(strict).status_code == 303
    assert strict.get("/mypage/").headers["Location"].startswith("/account/terms")


def test_an_empty_recorded_version_means_never_agreed_and_is_asked(app, client, session):
    agreed_account(session, "")
    assert login(client).status_code == 303
    assert client.get("/").headers["Location"].startswith("/account/terms")


# --- お問い合わせ ------------------------------------------------------------------------------------

CONTACT = {"topic": "privacy", "name": "山田花子", "email": "hanako@example.jp",
           "body": "登録したデータの削除について\n教えてください。"}


def test_an_inquiry_is_stored_mailed_to_the_operator_and_listed_for_staff(app, client, session, mailbox):
    app.config["CONTACT_EMAIL"] = "madoguchi@example.jp"
    sent = submit(client, "/contact", CONTACT)
    assert sent.status_code == 303 and sent.headers["Location"] == "/contact/sent"
    [inquiry] = session.scalars(select(Inquiry))
    assert (inquiry.topic, inquiry.name, inquiry.email, inquiry.user_id) == ("privacy", "山田花子", "hanako@example.jp",
                                                                            None)
    [message] = mailbox.to("madoguchi@example.jp")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "個人情報の取り扱い" in message["Subject"] and "hanako@example.jp" in body and "教えてください。" in body

    staff = app.test_client()
    make_account(session, "shokuin@example.jp", role=Role.STAFF)
    assert login(staff, email="shokuin@example.jp", password=PASSWORD).status_code == 303
    listing = text(staff.get("/staff/inquiries"))
    assert "山田花子" in listing and "教えてください。" in listing and f'id="inquiry-{inquiry.id}"' in listing


def test_only_staff_read_the_inquiries(app, client, session):
    session.add(Inquiry(topic="other", name="秘密の人", email="himitsu@example.jp", body="秘密の内容"))
    session.commit()
    assert client.get("/staff/inquiries").status_code in (302, 303)
    make_account(session, "taro@example.jp")
    assert login(client).status_code == 303
    response = client.get("/staff/inquiries")
    assert response.status_code == 403 and "秘密の内容" not in text(response)


def test_a_logged_in_persons_inquiry_is_filled_in_and_tied_to_the_account(app, client, session):
    user = make_account(session, "taro@example.jp")
    assert login(client).status_code == 303
    form = text(client.get("/contact"))
    assert 'value="taro@example.jp"' in form
    assert submit(client, "/contact", {**CONTACT, "email": "taro@example.jp"}).status_code == 303
    assert session.scalar(select(Inquiry.user_id)) == user.id


def test_a_wrong_inquiry_keeps_what_was_typed_and_says_why(client, session, mailbox):
    response = submit(client, "/contact", {**CONTACT, "email": "hanako@", "body": "x" * 4001})
    assert response.status_code == 422
    page = text(response)
    assert "メールアドレスの形式が正しくありません" in page and "4,000文字以内" in page
    assert 'value="山田花子"' in page
    assert session.scalar(select(Inquiry)) is None and mailbox.messages == []


def test_an_inquiry_without_the_csrf_token_is_refused(client, session):
    assert client.post("/contact", data=CONTACT).status_code == 400
    assert session.scalar(select(Inquiry)) is None


def test_inquiries_from_one_address_are_rate_limited(app, client, session):
    app.config["CONTACT_RATE_LIMIT"] = "3 per 10 minutes"
    token = csrf_from(text(client.get("/contact")))
    statuses = [client.post("/contact", data={**CONTACT, "csrf_token": token}).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert len(list(session.scalars(select(Inquiry)))) == 3
