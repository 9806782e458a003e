"""Own your data: the archive of everything the portal holds about a person and their business, and
deleting the account (a business with other members stays; the last member's deletion deletes it,
with its consents and connector credentials revoked)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from portal import clock, store
from portal.models import (AuditEvent, Business, BusinessMember, Connection, ConnectionState, FinancialPeriod,
                           Inquiry, MemberRole, Notification, OAuthClient, OAuthConsent, SavedSearch, User)
from portal.mylist import services as mylist
from portal.oauth.services import grant_consent
from portal.site.owndata import SECTIONS
from tests.business_factories import PASSWORD, VALID_NUMBERS, make_account, signed_in_owner
from tests.helpers import csrf_from, submit, text
from tests.oauth_helpers import make_site

pytestmark = pytest.mark.usefixtures("clock")

SECRET_CREDENTIAL = b"gAAAA-stored-connector-credential-bytes"


def furnish(session, user, business, key: str) -> dict[str, str]:
    """Data in every kind of section, each with a string found nowhere else: label → text."""
    store.add_period(session, business, {"period_end": "2024-03-31", "months": "12", "net_sales": "12,345,678"},
                     store.MANUAL, user)
    store.add_record(session, business, "shareholder", {"name": f"{key}株主会"}, store.MANUAL, user)
    store.add_record(session, business, "officer", {"title": "取締役", "name": f"{key}役員"}, store.MANUAL, user)
    store.add_record(session, business, "office", {"name": f"{key}第二工場"}, store.MANUAL, user)
    mylist.save_search(session, user, "support", f"{key}の保存した検索", "q=補助金")
    session.add_all([
        Notification(user_id=user.id, key=f"own:{key}", kind="search", title=f"{key}あての通知", body="本文",
                     url="/supports", created_at=clock.now()),
        Connection(business_id=business.id, connector="gbizinfo", state=ConnectionState.LINKED, mode="sandbox",
                   credentials=SECRET_CREDENTIAL, consented_at=clock.now()),
        Inquiry(topic="other", name=key, email=user.email, body=f"{key}の問い合わせ", user_id=user.id),
    ])
    session.commit()
    site = make_site(session, name=f"{key}の申請サイト")
    grant_consent(session, business, session.get(OAuthClient, site.pk), user, ["basic"])
    session.commit()
    return {"株主": f"{key}株主会", "役員": f"{key}役員", "事業所": f"{key}第二工場", "検索": f"{key}の保存した検索",
            "通知": f"{key}あての通知", "問い合わせ": f"{key}の問い合わせ", "商号": business.name, "メール": user.email}


def download(client):
    token = csrf_from(text(client.get("/account/data")))
    response = client.post("/account/data/export", data={"csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_archive_holds_every_section_as_json_and_csv(app, client, session):
    user, business = signed_in_owner(client, session, email="akane@example.jp", name="株式会社あかね工房")
    strings = furnish(session, user, business, "あかね")
    archive = download(client)
    names = set(archive.namelist())
    assert names == {"README.txt"} | {f"{s.name}.{ext}" for s in SECTIONS for ext in ("json", "csv")}
    data = {s.name: json.loads(archive.read(f"{s.name}.json")) for s in SECTIONS}
    assert data["account"][0]["email"] == "akane@example.jp" and "password_hash" not in data["account"][0]
    assert data["business"][0]["name"] == "株式会社あかね工房"
    assert data["business_periods"][0]["net_sales"] == 12345678
    assert [row["email"] for row in data["business_members"]] == ["akane@example.jp"]
    assert data["oauth_consents"][0]["application_site"] == "あかねの申請サイト"
    assert data["connections"][0]["connector"] == "gbizinfo" and "credentials" not in data["connections"][0]
    assert any(row["event"] == "login" for row in data["login_history"])
    for name in ("business_shareholders", "business_officers", "business_offices", "business_value_sources",
                 "business_value_history", "saved_searches", "notifications", "inquiries", "login_sessions"):
        assert data[name], f"{name} is empty"
    everything = b"".join(archive.read(name) for name in names).decode("utf-8")
    for label, value in strings.items():
        assert value in everything, label
    assert SECRET_CREDENTIAL.decode() not in everything
    csv_text = archive.read("business_shareholders.csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("id,") and "あかね株主会" in csv_text
    readme = archive.read("README.txt").decode("utf-8")
    assert all(section.title in readme for section in SECTIONS)
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "data_exported")) == 1


def test_another_business_and_a_colleague_are_never_in_the_archive(app, client, session):
    a_user, a_business = signed_in_owner(client, session, email="akane@example.jp", name="株式会社あかね工房")
    furnish(session, a_user, a_business, "あかね")
    b_user, b_business = signed_in_owner(app.test_client(), session, email="buna@example.jp",
                                         number=VALID_NUMBERS[1], name="株式会社ぶなの木商店")
    b_strings = furnish(session, b_user, b_business, "ぶな")
    colleague = make_account(session, "akane+member@example.jp")
    store.add_member(session, a_business, colleague)
    mylist.save_search(session, colleague, "case", "同僚だけの検索", "q=事例")
    session.commit()
    archive = download(client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    for label, value in b_strings.items():
        assert value not in everything, f"B の{label}"
    assert "同僚だけの検索" not in everything
    assert "akane+member@example.jp" in everything  # a member of the business, as the members page shows


def test_the_archive_is_made_only_on_a_post_with_the_token_for_the_logged_in(app, client, session):
    signed_in_owner(client, session)
    assert client.get("/account/data/export").status_code == 405
    assert client.post("/account/data/export").status_code == 400
    visitor = app.test_client()
    assert visitor.get("/account/data").status_code in (302, 303)


def test_a_person_without_a_business_gets_their_own_sections(app, client, session):
    make_account(session, "hitori@example.jp")
    from tests.web.test_accounts import login

    assert login(client, email="hitori@example.jp", password=PASSWORD).status_code == 303
    data = json.loads(download(client).read("business.json"))
    assert data == []


# --- deleting the account -------------------------------------------------------------------------

def delete(client, password=PASSWORD, confirm="削除します"):
    return submit(client, "/account/delete", {"password": password, "confirm": confirm})


def test_the_last_member_is_warned_and_their_deletion_deletes_the_business(app, client, session, mailbox):
    user, business = signed_in_owner(client, session, email="akane@example.jp", name="株式会社あかね工房")
    furnish(session, user, business, "あかね")
    other_user, other = signed_in_owner(app.test_client(), session, email="buna@example.jp",
                                        number=VALID_NUMBERS[1], name="株式会社ぶなの木商店")
    furnish(session, other_user, other, "ぶな")
    page = text(client.get("/account/delete"))
    assert "事業者「株式会社あかね工房」の事業データもすべて削除されます" in page
    assert "申請サイトへの同意" in page and "認証情報" in page

    user_id, business_id = user.id, business.id
    response = delete(client)
    assert response.status_code == 303 and response.headers["Location"] == "/account/deleted"
    session.expunge_all()
    assert session.get(User, user_id) is None and session.get(Business, business_id) is None
    assert session.scalar(select(func.count()).select_from(FinancialPeriod)
                          .where(FinancialPeriod.business_id == business_id)) == 0
    assert session.scalars(select(OAuthConsent).where(OAuthConsent.business_id == business_id)).all() == []
    assert session.scalars(select(Connection).where(Connection.business_id == business_id)).all() == []
    [gone] = session.scalars(select(AuditEvent).where(AuditEvent.event == "business_deleted"))
    assert "consents_revoked=1" in gone.detail
    assert session.scalars(select(AuditEvent.email).where(AuditEvent.email == "akane@example.jp")).all() == []
    # Logged out: the next page needs a log-in again, and the log-in no longer works.
    assert client.get("/mypage/").status_code in (302, 303)
    from tests.web.test_accounts import login

    assert login(app.test_client(), email="akane@example.jp", password=PASSWORD).status_code == 422
    [message] = mailbox.to("akane@example.jp")
    assert "株式会社あかね工房" in message.get_body(preferencelist=("plain",)).get_content()
    # Another business is untouched.
    assert session.get(Business, other.id) is not None and session.get(User, other_user.id) is not None
    assert session.scalars(select(Connection).where(Connection.business_id == other.id)).one().credentials \
        == SECRET_CREDENTIAL
    assert session.scalars(select(OAuthConsent).where(OAuthConsent.business_id == other.id)).one().revoked_at is None


def test_revoking_on_the_last_members_deletion_stops_the_api_before_the_rows_go(app, session):
    """The grants are revoked first (what a concurrent API call sees), then the business is deleted."""
    from portal.site.owndata import _revoke_business_grants

    user, business = signed_in_owner(app.test_client(), session)
    furnish(session, user, business, "あかね")
    assert _revoke_business_grants(session, business, clock.now()) == 1
    session.commit()
    consent = session.scalars(select(OAuthConsent).where(OAuthConsent.business_id == business.id)).one()
    connection = session.scalars(select(Connection).where(Connection.business_id == business.id)).one()
    assert consent.revoked_at is not None
    assert connection.credentials is None and connection.state is ConnectionState.UNLINKED


def test_a_business_with_other_members_stays_and_passes_on_the_owner(app, client, session, mailbox):
    user, business = signed_in_owner(client, session, email="akane@example.jp", name="株式会社あかね工房")
    furnish(session, user, business, "あかね")
    colleague = make_account(session, "akane+member@example.jp")
    store.add_member(session, business, colleague)
    session.commit()
    page = text(client.get("/account/delete"))
    assert "ほかに1人のメンバーがいるため、事業者の事業データは残ります" in page
    assert "事業データもすべて削除されます" not in page

    user_id = user.id
    assert delete(client).status_code == 303
    session.expunge_all()
    assert session.get(User, user_id) is None
    assert session.get(Business, business.id) is not None
    [member] = session.scalars(select(BusinessMember).where(BusinessMember.business_id == business.id))
    assert member.user_id == colleague.id and member.role is MemberRole.OWNER
    assert session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)).all() == []
    assert session.scalar(select(func.count()).select_from(FinancialPeriod)
                          .where(FinancialPeriod.business_id == business.id)) == 1
    consent = session.scalars(select(OAuthConsent).where(OAuthConsent.business_id == business.id)).one()
    assert consent.revoked_at is None  # the business's own consent, given for the business, stays
    assert session.scalars(select(Connection).where(Connection.business_id == business.id)).one().credentials
    assert mailbox.to("akane@example.jp")


@pytest.mark.parametrize(("password", "confirm", "message"), [
    (PASSWORD, "", "「削除します」と入力してください。"),
    (PASSWORD, "削除", "「削除します」と正確に入力してください。"),
    ("wrong-password-99", "削除します", "パスワードが正しくありません。"),
])
def test_deletion_is_refused_without_the_password_and_the_words(app, client, session, password, confirm, message):
    user, business = signed_in_owner(client, session)
    response = delete(client, password=password, confirm=confirm)
    assert response.status_code == 422 and message in text(response)
    session.expire_all()
    assert session.get(User, user.id) is not None and session.get(Business, business.id) is not None


def test_deleting_without_the_csrf_token_is_refused(app, client, session):
    user, _business = signed_in_owner(client, session)
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "削除します"}).status_code == 400
    session.expire_all()
    assert session.get(User, user.id) is not None
