"""A linked service's page and its sync history, the 認定支援機関 number checked at the consent form,
and the unlink message that says what was put back and what was emptied."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import linking, store
from portal.demo.business import seed_agencies
from portal.models import Connection, SupportAgency, SyncRun
from tests.business_factories import signed_in_owner
from tests.helpers import submit, text

pytestmark = pytest.mark.usefixtures("clock")

MINATO = "7123456789012"


@pytest.fixture
def owner(client, session):
    seed_agencies(session)
    session.commit()
    return signed_in_owner(client, session, number=MINATO, name="株式会社みなと製作所")


def test_each_run_is_listed_with_time_mode_outcome_counts_and_error(app, client, session, owner, clock):
    _user, business = owner
    assert submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "109914000109"}).status_code == 303
    connection = session.scalar(select(Connection))
    clock.advance(hours=25)
    linking.run_sync(session, app, connection, clock.today())  # the same change: nothing new proposed
    session.commit()
    clock.advance(hours=25)
    connection.credentials = linking.encrypt_credentials(app.config, {"certification_number": "109914000104"})
    linking.run_sync(session, app, connection, clock.today())  # an expired certification: an error
    session.commit()
    page = text(client.get("/mypage/links/agency"))
    assert "取得の履歴（3回）" in page
    assert page.count('class="sync-run sync-run--ok"') == 2 and page.count('class="sync-run sync-run--error"') == 1
    assert page.count("お試し（サンドボックス）") >= 3
    assert "読み取った件数：1件　新しく届いた変更：1件" in page and "読み取った件数：1件　新しく届いた変更：0件" in page
    assert "有効期限" in page and "が過ぎています" in page  # the error in Japanese
    assert page.index("sync-run--error") < page.index("sync-run--ok")  # newest first
    assert "このサービスから来た値" in page and "確認待ちの変更が" in page


def test_a_service_never_linked_says_so_and_offers_the_link(client, owner):
    page = text(client.get("/mypage/links/freee"))
    assert "未連携" in page and "まだ取得したことはありません" in page and 'href="/mypage/links/freee/link"' in page
    assert client.get("/mypage/links/nosuch").status_code == 404


def test_another_business_sees_its_own_history_only(app, client, session, owner):
    submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "109914000109"})
    other = app.test_client()
    signed_in_owner(other, session, number="4000012090001", name="株式会社よそ")
    page = text(other.get("/mypage/links/agency"))
    assert "未連携" in page and "sync-run" not in page


@pytest.mark.parametrize("typed, message", [
    ("", "支援機関の認定番号を入力してください。（12桁の数字（例：109913000101））"),
    ("123", "支援機関の認定番号は12桁の数字（例：109913000101）で入力してください（入力：123）。"),
    ("１０９９１３０００１０Ｘ", "12桁の数字"),
    ("109999999999", "認定番号 109999999999 は、認定支援機関の一覧に見つかりませんでした"),
])
def test_a_wrong_agency_number_is_refused_at_the_form_and_nothing_is_stored(client, session, owner, typed, message):
    response = submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": typed})
    assert response.status_code == 422
    body = text(response)
    assert message in body and 'id="credential_0-error"' in body
    if typed:
        assert f'value="{typed}"' in body  # what was typed is kept
    assert session.scalar(select(func.count(Connection.id))) == 0
    assert session.scalar(select(func.count(SyncRun.id))) == 0


def test_full_width_digits_and_spaces_in_the_number_are_read_as_typed(client, session, owner):
    response = submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "１０９９ １４００ ０１０９"})
    assert response.status_code == 303
    [change] = linking.pending_changes(session, owner[1])
    assert change.new_value == "みなと信用金庫（109914000109）"


def test_a_relink_with_a_wrong_number_keeps_the_earlier_link(client, session, owner):
    assert submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "109914000109"}).status_code == 303
    response = submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "109999999999"})
    assert response.status_code == 422
    session.expire_all()
    connection = session.scalar(select(Connection))
    assert connection.last_error is None
    stored = linking.decrypt_credentials(client.application.config, connection.credentials)
    assert stored["certification_number"] == "109914000109"


def test_the_unlink_message_says_what_was_put_back_and_what_was_emptied(client, session, owner):
    _user, business = owner
    store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "1,000,000"},
                     store.MANUAL)
    session.commit()
    assert submit(client, "/mypage/links/freee/link", {"mode": "sandbox"}).status_code == 303
    ids = [str(c.id) for c in linking.pending_changes(session, business)]
    assert submit(client, "/mypage/links/proposals", {"change": ids, "decision": "accept"}).status_code == 303
    response = submit(client, "/mypage/links/freee/unlink", {"keep": "delete"})
    assert response.status_code == 303
    page = text(client.get("/mypage/links"))
    emptied = len(ids) - 1
    assert ("freee会計から取り込んだ値のうち、1項目をfreee会計から取り込む前の値（手入力やほかのサービスの値）に戻し、"
            f"ほかに値のなかった{emptied}項目を空にしました。変更履歴に、削除と復元の両方を残しています。") in page
    session.expire_all()
    assert store.records(session, business, "period")[0].net_sales == 1_000_000
    assert session.scalar(select(func.count(SupportAgency.id))) > 0


def test_a_link_with_nothing_to_decide_lands_on_the_service_page(client, session, owner):
    response = submit(client, "/mypage/links/jgrants/link", {"mode": "sandbox"})
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/links/jgrants"
    page = text(client.get("/mypage/links/jgrants"))
    assert "確認する変更はありません" in page and "取得の履歴（1回）" in page
