"""The live auth steps of 外部サービス連携 through the test client: the OAuth 2.0 sign-in (against a
local authorization server + freee API), the e-Tax file upload with real Shift_JIS HOT010 files,
解除 with keep or delete, and the rules about who may do what. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from portal.linking.crypto import decrypt_credentials
from portal.models import (
    AuditEvent,
    Connection,
    ConnectionState,
    FinancialPeriod,
    ProposedChange,
    SyncRun,
)
from tests.business_factories import make_account
from tests.helpers import submit, text
from tests.unit.linking.fake_oauth import CLIENT_ID, CLIENT_SECRET, running_freee, s256
from tests.web.test_accounts import login
from tests.web.test_linking_pages import LINKS, pending, sign_in

pytestmark = pytest.mark.usefixtures("clock")

FREEE = "/mypage/links/freee/link"
ETAX = "/mypage/links/etax/link"
CALLBACK = "http://portal.test/mypage/links/freee/callback"
ETAX_FIXTURES = Path(__file__).resolve().parents[2] / "connectors" / "etax" / "fixtures"
BS, PL = (ETAX_FIXTURES / "HOT010_3.0_BS.csv").read_bytes(), (ETAX_FIXTURES / "HOT010_3.0_PL.csv").read_bytes()


@pytest.fixture
def fake(app):
    with running_freee() as server:
        app.config["CONNECTOR_SETTINGS"] = {"freee": server.settings()}
        app.config["SYNC_RETRY_MAX_WAIT"] = 0
        yield server


@pytest.fixture
def owner(client, session):
    sign_in(client, session)
    return client


def start(client) -> str:
    """Consent with 本番: the portal sends the browser to the service's authorize URL."""
    response = submit(client, FREEE, {"mode": "live"})
    assert response.status_code == 303
    return response.headers["Location"]


def at_the_service(location: str) -> str:
    """The user signs in and answers at the service, which sends them back: the callback path."""
    answer = requests.get(location, allow_redirects=False, timeout=5)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK + "?")
    parts = urlsplit(answer.headers["Location"])
    return f"{parts.path}?{parts.query}"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def connections(session) -> list[Connection]:
    session.expire_all()
    return list(session.scalars(select(Connection)))


def flashed(client) -> str:
    return text(client.get(LINKS))


# --- OAuth 2.0 --------------------------------------------------------------------------------------

def test_the_consent_page_offers_live_sign_in_once_a_client_is_configured(owner, fake):
    page = text(owner.get(FREEE))
    assert 'value="live"' in page and "freee会計のログイン画面に移ります" in page
    assert CLIENT_SECRET not in page and 'hx-boost="false"' in page


def test_the_whole_sign_in_stores_the_tokens_encrypted_and_runs_the_first_sync(owner, app, session, fake):
    location = start(owner)
    assert location.startswith(f"{fake.base_url}/authorize?")
    asked = query(location)
    assert asked["client_id"] == CLIENT_ID and asked["redirect_uri"] == CALLBACK and asked["scope"] == "read"
    assert asked["code_challenge_method"] == "S256" and len(asked["state"]) >= 32
    assert connections(session) == []  # nothing stored before the user has allowed it

    response = owner.get(at_the_service(location))
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/links/proposals"
    [exchange] = fake.token_requests
    assert exchange["grant_type"] == "authorization_code" and exchange["redirect_uri"] == CALLBACK
    assert s256(exchange["code_verifier"]) == asked["code_challenge"]
    [connection] = connections(session)
    assert connection.state is ConnectionState.LINKED and connection.mode == "live"
    stored = decrypt_credentials(app.config, connection.credentials)
    assert stored["access_token"] in fake.access_tokens and stored["refresh_token"] in fake.refresh_tokens
    assert int(stored["expires_at"]) > 0
    for secret in (stored["access_token"], stored["refresh_token"], CLIENT_SECRET):
        assert secret.encode() not in connection.credentials
    assert session.scalar(select(SyncRun)).records == 1
    page = text(owner.get("/mypage/links/proposals"))
    assert "freee会計" in page and "98,000,000円" in page  # 売上高 of the recorded trial_pl
    assert "2025年3月31日決算の</span>売上高" in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.event == "connection_linked"))
    assert "connector=freee" in event.detail


def test_a_state_that_does_not_match_is_refused_and_nothing_is_stored(owner, session, fake):
    callback = at_the_service(start(owner))
    forged = callback.replace("state=", "state=x")
    response = owner.get(forged)
    assert response.status_code == 303 and response.headers["Location"] == LINKS
    assert "freee会計との連携を確認できませんでした" in flashed(owner)
    assert connections(session) == [] and fake.token_requests == []
    # the state is single use: the real answer after a refused one is refused too
    assert owner.get(callback).status_code == 303
    assert "確認できませんでした" in flashed(owner) and connections(session) == []


def test_a_callback_nobody_started_is_refused(owner, session, fake):
    response = owner.get("/mypage/links/freee/callback?code=abc&state=def")
    assert response.status_code == 303 and "確認できませんでした" in flashed(owner)
    start(owner)
    assert owner.get("/mypage/links/freee/callback?code=abc&state=状態").status_code == 303  # not ASCII
    assert "確認できませんでした" in flashed(owner)
    assert connections(session) == [] and fake.token_requests == []


def test_denying_at_the_service_links_nothing(owner, session, fake):
    fake.deny = True
    callback = at_the_service(start(owner))
    assert "error=access_denied" in callback
    assert owner.get(callback).status_code == 303
    assert "freee会計で連携が許可されなかったため、連携しませんでした。何も保存していません。" in flashed(owner)
    assert connections(session) == [] and fake.token_requests == []


def test_a_failed_code_exchange_links_nothing(owner, app, session, fake):
    app.config["CONNECTOR_SETTINGS"] = {"freee": {**fake.settings(), "client_secret": "wrong"}}
    assert owner.get(at_the_service(start(owner))).status_code == 303
    page = flashed(owner)
    assert "連携先での認証（ログインの確認）に失敗しました" in page and "何も保存していません" in page
    assert connections(session) == []


def test_a_first_sync_refused_after_sign_in_shows_the_error_state(owner, session, fake):
    callback = at_the_service(start(owner))
    fake.rate_limited = 10  # the API keeps answering 429
    assert owner.get(callback).headers["Location"] == LINKS
    [connection] = connections(session)
    assert connection.state is ConnectionState.ERROR and connection.credentials is not None
    assert "混み合っています" in flashed(owner)


def test_another_business_cannot_use_someone_elses_answer(client, app, session, fake):
    mine = sign_in(client, session)
    callback = at_the_service(start(client))
    other = app.test_client()
    sign_in(other, session, number="4000012090001", name="株式会社よそ")
    assert other.get(callback).status_code == 303
    assert "確認できませんでした" in flashed(other)
    assert connections(session) == [] and fake.token_requests == []
    assert client.get(callback).headers["Location"] == "/mypage/links/proposals"  # the owner still can
    [connection] = connections(session)
    assert connection.business_id == mine.id


def test_the_callback_is_404_without_a_business_or_a_configured_client(client, app, session, fake):
    user = make_account(session)
    login(client, email=user.email)
    assert client.get("/mypage/links/freee/callback?code=a&state=b").status_code == 404
    client.post("/account/logout")
    other = app.test_client()
    sign_in(other, session)
    assert other.get("/mypage/links/gbizinfo/callback?code=a&state=b").status_code == 404
    assert other.get("/mypage/links/nosuch/callback?code=a&state=b").status_code == 404
    app.config["CONNECTOR_SETTINGS"] = {}
    assert other.get("/mypage/links/freee/callback?code=a&state=b").status_code == 404


def test_an_htmx_consent_is_sent_on_with_hx_redirect(owner, fake):
    response = submit(owner, FREEE, {"mode": "live"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith(f"{fake.base_url}/authorize?")


# --- e-Tax upload -----------------------------------------------------------------------------------

def upload(client, bs: bytes | None = BS, pl: bytes | None = PL, bs_name: str = "HOT010_3.0_BS.csv",
           pl_name: str = "HOT010_3.0_PL.csv"):
    data: dict[str, object] = {"mode": "live"}
    if bs is not None:
        data["file_0"] = (io.BytesIO(bs), bs_name)
    if pl is not None:
        data["file_1"] = (io.BytesIO(pl), pl_name)
    return submit(client, ETAX, data, content_type="multipart/form-data")


def test_the_etax_consent_page_asks_for_the_declared_csv_files(owner):
    page = text(owner.get(ETAX))
    assert 'enctype="multipart/form-data"' in page and 'value="live"' in page
    for index, label in enumerate(("貸借対照表CSV（HOT010_3.0_BS.csv）", "損益計算書CSV（HOT010_3.0_PL.csv）")):
        assert f'<label class="field__label" for="file_{index}">{label}</label>' in page
        assert f'accept=".csv" aria-describedby="file_{index}-hint" class="field__input" id="file_{index}" multiple' \
            in page
    assert "ファイルそのものは保存しません" in page


def test_uploading_real_shift_jis_statements_proposes_their_figures_at_once(owner, app, session):
    response = upload(owner)
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/links/proposals"
    [connection] = connections(session)
    assert connection.mode == "live" and connection.state is ConnectionState.LINKED
    assert decrypt_credentials(app.config, connection.credentials) == {}  # the files are not kept
    changes = {c.field: c.new_value for c in pending(session)}
    assert changes["total_assets"] == "148500000" and changes["net_sales"] == "186400000"
    assert changes["months"] == "12"
    page = text(owner.get("/mypage/links/proposals"))
    assert "148,500,000円" in page and "e-Tax（法人税申告の財務諸表）" in page


@pytest.mark.parametrize("files, field, message", [
    ({"bs": BS.decode("cp932").encode("utf-8")}, "file_0", "文字コードがShift_JISではありません（UTF-8のようです）"),
    ({"bs": PL}, "file_0", "HOT010_3.0_BS.csv は損益計算書のCSVです（貸借対照表の欄に選ばれています）。"),
    ({"pl": BS}, "file_1", "HOT010_3.0_PL.csv は貸借対照表のCSVです（損益計算書の欄に選ばれています）。"),
    ({"bs": BS, "bs_name": "bs.txt"}, "file_0", "bs.txt は選べません。.csv のファイルを選んでください。"),
    ({}, "file_0", "ファイルを選んでください（"),
])
def test_a_bad_file_is_refused_beside_its_field_and_nothing_is_stored(owner, session, files, field, message):
    response = upload(owner, bs=files.get("bs"), pl=files.get("pl"), bs_name=files.get("bs_name", "HOT010_3.0_BS.csv"))
    assert response.status_code == 422
    page = text(response)
    error = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'value="live" checked' in page or 'checked id="mode-1"' in page  # the choice is kept
    assert connections(session) == [] and session.scalar(select(func.count()).select_from(SyncRun)) == 0
    assert session.scalar(select(func.count()).select_from(ProposedChange)) == 0


def test_a_file_over_the_size_limit_is_refused(owner, app, session):
    app.config["LINKING_UPLOAD_MAX_BYTES"] = 800  # the BS fixture is 901 bytes
    response = upload(owner, pl=None)
    assert response.status_code == 422 and "HOT010_3.0_BS.csv は大きすぎます（1ファイル800バイトまで）" in text(response)
    assert connections(session) == []


def test_a_bad_upload_when_relinking_leaves_the_earlier_link_as_it_was(owner, session):
    assert upload(owner).status_code == 303
    [before] = connections(session)
    linked_at = before.consented_at
    assert upload(owner, bs=PL, pl=None).status_code == 422
    [after] = connections(session)
    assert after.consented_at == linked_at and after.state is ConnectionState.LINKED


# --- 解除 -------------------------------------------------------------------------------------------

def link_and_accept_freee_sandbox(client, session) -> FinancialPeriod:
    assert submit(client, FREEE, {"mode": "sandbox"}).status_code == 303
    ids = [c.id for c in pending(session)]
    assert submit(client, "/mypage/links/proposals", {"change": ids, "decision": "accept"}).status_code == 303
    session.expire_all()
    return session.scalar(select(FinancialPeriod))


def test_unlinking_with_delete_removes_what_came_from_the_service(owner, session):
    period_id = link_and_accept_freee_sandbox(owner, session).id
    page = text(owner.get("/mypage/links/freee/unlink"))
    assert "いまマイページにある値は" in page and "取り込んだデータを削除" in page
    response = submit(owner, "/mypage/links/freee/unlink", {"keep": "delete"})
    assert response.status_code == 303
    assert "freee会計からだけ来た記録（決算期など）を1件削除しました" in flashed(owner)
    session.expire_all()
    assert session.scalar(select(FinancialPeriod)) is None
    assert owner.get(f"/mypage/periods/{period_id}").status_code == 404
    history = text(owner.get("/mypage/history"))
    assert "freee会計（連携解除により削除）" in history
    event = session.scalar(select(AuditEvent).where(AuditEvent.event == "connection_unlinked"))
    assert "data=delete" in event.detail
    assert session.scalar(select(Connection)).credentials is None


def test_unlinking_with_keep_leaves_the_values_with_their_source(owner, session):
    period = link_and_accept_freee_sandbox(owner, session)
    assert submit(owner, "/mypage/links/freee/unlink", {"keep": "keep"}).status_code == 303
    assert "取り込んだ値はそのまま残しています" in flashed(owner)
    page = text(owner.get(f"/mypage/periods/{period.id}"))
    assert "freee会計" in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.event == "connection_unlinked"))
    assert "data=keep" in event.detail


def test_an_unknown_unlink_choice_is_refused_beside_the_field(owner, session):
    link_and_accept_freee_sandbox(owner, session)
    response = submit(owner, "/mypage/links/freee/unlink", {"keep": "burn"})
    assert response.status_code == 422 and 'class="field__error"' in text(response)
    session.expire_all()
    assert session.scalar(select(FinancialPeriod)) is not None
    assert session.scalar(select(Connection)).state is ConnectionState.LINKED


def test_another_business_cannot_delete_this_ones_data(client, app, session):
    sign_in(client, session)
    link_and_accept_freee_sandbox(client, session)
    other = app.test_client()
    sign_in(other, session, number="4000012090001", name="株式会社よそ")
    assert other.get("/mypage/links/freee/unlink").status_code == 404
    response = submit(other, LINKS, {"keep": "delete"}, action="/mypage/links/freee/unlink")
    assert response.status_code == 404
    session.expire_all()
    assert session.scalar(select(FinancialPeriod)) is not None
    assert session.scalar(select(Connection)).credentials is not None


# --- CSRF -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, with_file", [(FREEE, False), (ETAX, True)])
def test_a_live_consent_without_csrf_is_refused(owner, session, fake, url, with_file):
    data: dict[str, object] = {"mode": "live"}
    if with_file:
        data["file_0"] = (io.BytesIO(BS), "HOT010_3.0_BS.csv")
    response = owner.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert connections(session) == [] and fake.token_requests == []


def test_an_unlink_with_delete_without_csrf_is_refused(owner, session):
    link_and_accept_freee_sandbox(owner, session)
    assert owner.post("/mypage/links/freee/unlink", data={"keep": "delete"}).status_code == 400
    session.expire_all()
    assert session.scalar(select(FinancialPeriod)) is not None
