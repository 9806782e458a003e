"""外部サービス連携 on マイページ: the list of services and their state, consent, linking the gBizINFO
sandbox, accepting and rejecting proposed changes, unlinking, and another business kept out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import (
    Business,
    Connection,
    ConnectionState,
    Decision,
    ProposedChange,
)
from portal.plugins import connectors
from tests.business_factories import make_account, signed_in_owner
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login

pytestmark = pytest.mark.usefixtures("clock")

MINATO = "7123456789012"  # in the gBizINFO sandbox fixture
LINKS = "/mypage/links"
GBIZ = "/mypage/links/gbizinfo/link"


def sign_in(client, session, number: str = MINATO, name: str = "株式会社テスト商事") -> Business:
    return signed_in_owner(client, session, number=number, name=name)[1]


@pytest.fixture
def owner(client, session):
    sign_in(client, session)
    return client


def link_sandbox(client, name: str = "gbizinfo"):
    return submit(client, f"/mypage/links/{name}/link", {"mode": "sandbox"})


def pending(session) -> list[ProposedChange]:
    session.expire_all()
    return list(session.scalars(select(ProposedChange).where(ProposedChange.decision == Decision.PENDING)
                                .order_by(ProposedChange.id)))


def stored_business(session) -> Business:
    session.expire_all()
    return session.scalar(select(Business))


def test_mypage_links_to_the_list_which_shows_every_connector_and_its_state(owner, app):
    assert f'href="{LINKS}"' in text(owner.get("/mypage/"))
    page = text(owner.get(LINKS))
    assert "外部サービス連携" in page
    for info in connectors(app).values():
        assert info.connector.title in page
        for item in info.connector.reads:
            assert str(item) in page
    assert page.count("未連携") == len(connectors(app))
    link_sandbox(owner)
    page = text(owner.get(LINKS))
    assert "連携中" in page and "最終取得" in page and page.count("未連携") == len(connectors(app)) - 1
    assert 'href="/mypage/links/gbizinfo#runs-title"' in page and 'href="/mypage/links/freee"' in page


def test_the_consent_page_lists_what_is_read_and_how_often(owner, app):
    page = text(owner.get(GBIZ))
    assert "gBizINFO（法人基本情報）と連携" in page
    assert "基本情報（商号・所在地・代表者・資本金・従業員数・設立日）" in page
    assert "24時間ごと" in page
    assert "お試し（サンドボックス）" in page and "本番" in page and "gBizINFOのAPIトークン" in page
    freee = text(owner.get("/mypage/links/freee/link"))
    assert "事業財務情報" in freee and "まだ設定されていないため、現在はお試し（サンドボックス）だけを利用できます" in freee
    assert 'value="live"' not in freee and 'value="sandbox"' in freee
    assert owner.get("/mypage/links/nosuch/link").status_code == 404


def test_linking_the_sandbox_runs_the_first_sync_and_shows_the_proposals(owner, session):
    response = link_sandbox(owner)
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/links/proposals"
    connection = session.scalar(select(Connection))
    assert connection.state is ConnectionState.LINKED and connection.mode == "sandbox"
    assert connection.last_sync_at is not None
    page = text(owner.get("/mypage/links/proposals"))
    assert "gBizINFO（法人基本情報）" in page and "代表者" in page
    assert "港 一郎" in page and "ミナトセイサクショ" in page
    assert "株式会社テスト商事" in page and "株式会社みなと製作所" in page and "いまの値" in page and "新しい値" in page
    assert "選んだ<span data-chosen-count>0</span>件の変更を反映" in page and "件を反映しない" in page
    assert 'name="change"' in page and " checked" not in page  # nothing is chosen for the person


def test_accepting_some_writes_them_with_the_connector_as_source(owner, session):
    link_sandbox(owner)
    changes = {c.field: c for c in pending(session)}
    chosen = [changes["representative_name"].id, changes["name_kana"].id]
    response = submit(owner, "/mypage/links/proposals", {"change": chosen, "decision": "accept"})
    assert response.status_code == 303
    business = stored_business(session)
    assert business.representative_name == "港 一郎" and business.name_kana == "ミナトセイサクショ"
    assert business.name == "株式会社テスト商事"  # not chosen: left as it was, still pending
    assert {c.field for c in pending(session)} == set(changes) - {"representative_name", "name_kana"}
    page = text(owner.get("/mypage/"))
    assert "港 一郎" in page and "gBizINFO（法人基本情報）" in page


def test_rejecting_leaves_the_store_unchanged(owner, session):
    link_sandbox(owner)
    before = stored_business(session)
    before = (before.name, before.representative_name, before.capital)
    ids = [c.id for c in pending(session)]
    response = submit(owner, "/mypage/links/proposals", {"change": ids, "decision": "reject"})
    assert response.status_code == 303
    after = stored_business(session)
    assert (after.name, after.representative_name, after.capital) == before
    assert pending(session) == []
    assert "確認待ちの変更はありません" in text(owner.get("/mypage/links/proposals"))


def test_an_empty_api_key_is_refused_beside_the_field_and_nothing_is_linked(owner, session):
    response = submit(owner, GBIZ, {"mode": "live", "credential_0": ""})
    assert response.status_code == 422
    page = text(response)
    assert 'class="field__error" id="credential_0-error">gBizINFOのAPIトークンを入力してください。' in page
    assert session.scalar(select(Connection)) is None


def test_unlinking_destroys_the_credentials_and_the_state_is_unlinked(owner, session):
    link_sandbox(owner)
    assert session.scalar(select(Connection)).credentials is not None
    count = len(pending(session))
    page = text(owner.get("/mypage/links/gbizinfo/unlink"))
    assert "取り込んだデータを残す" in page and "取り込んだデータを削除" in page
    assert f"{count}件の変更は、どちらを選んでも破棄します" in page
    response = submit(owner, "/mypage/links/gbizinfo/unlink", {"keep": "keep"})
    assert response.status_code == 303 and response.headers["Location"] == LINKS
    session.expire_all()
    connection = session.scalar(select(Connection))
    assert connection.credentials is None and connection.state is ConnectionState.UNLINKED
    assert pending(session) == []
    assert text(owner.get(LINKS)).count("未連携") == len(connectors(owner.application))
    assert owner.get("/mypage/links/gbizinfo/unlink").status_code == 404


def test_another_business_cannot_see_or_act_on_these_connections(client, app, session):
    sign_in(client, session)
    link_sandbox(client)
    ids = [c.id for c in pending(session)]
    other = app.test_client()
    sign_in(other, session, number="4000012090001", name="株式会社よそ")
    assert "確認待ちの変更はありません" in text(other.get("/mypage/links/proposals"))
    assert text(other.get(LINKS)).count("未連携") == len(connectors(app))
    assert other.get("/mypage/links/gbizinfo/unlink").status_code == 404
    assert submit(other, LINKS, {"keep": "keep"}, action="/mypage/links/gbizinfo/unlink").status_code == 404
    for decision in ("accept", "reject"):
        response = submit(other, LINKS, {"change": ids, "decision": decision}, action="/mypage/links/proposals")
        assert response.status_code == 404
    assert [c.id for c in pending(session)] == ids
    session.expire_all()
    assert session.scalar(select(Connection)).credentials is not None


def test_a_user_without_a_business_gets_404(client, app, session):
    user = make_account(session)
    login(client, email=user.email)
    assert client.get(LINKS).status_code == 404
    assert client.get(GBIZ).status_code == 404


@pytest.mark.parametrize("url, data", [(GBIZ, {"mode": "sandbox"}),
                                       ("/mypage/links/proposals", {"change": "1", "decision": "accept"}),
                                       ("/mypage/links/gbizinfo/unlink", {"keep": "keep"})])
def test_every_post_without_csrf_is_refused(owner, session, url, data):
    link_sandbox(owner)
    before = [c.id for c in pending(session)]
    assert owner.post(url, data=data).status_code == 400
    assert owner.post(url, data={**data, "csrf_token": "wrong"}).status_code == 400
    assert [c.id for c in pending(session)] == before
    session.expire_all()
    assert session.scalar(select(Connection)).state is ConnectionState.LINKED
    assert csrf_from(text(owner.get(LINKS + "/proposals")))
