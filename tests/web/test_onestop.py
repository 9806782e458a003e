"""電子申請ワンストップ on a measure's page: the 電子申請 link, the consented pre-fill path when an
application site takes the measure, otherwise the data sheet (print, CSV, JSON) of the logged-in
business only, and a checklist derived from the measure's data."""

from __future__ import annotations

import csv
import io

import pytest

from portal import store
from tests.business_factories import PASSWORD, make_account, make_business, signed_in_owner
from tests.factories import add_supports, support_record
from tests.helpers import text
from tests.oauth_helpers import make_site
from tests.web.test_accounts import login


def panel(page: str) -> str:
    start = page.index('id="onestop"')
    return page[start:page.index("</section>", start)]


@pytest.fixture
def subsidy(session) -> int:
    [support_id] = add_supports(session, support_record(
        "ものづくり補助金（テスト）", service=[3], subkind=[13], purpose=[2], max_employees=300,
        application_url="https://www.jgrants-portal.go.jp/subsidy/a0W0000000test"))
    return support_id


@pytest.fixture
def owner(client, session):
    user, business = signed_in_owner(client, session, "owner@example.jp", name="株式会社みらい工房", prefecture="13",
                                     address="千代田区1-1", representative_name="山田 花子")
    store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "98,765,000"},
                     store.MANUAL, user)
    session.commit()
    return business


def test_anonymous_visitors_see_the_application_link_a_login_offer_and_the_checklist(client, subsidy):
    html = panel(text(client.get(f"/supports/{subsidy}")))
    assert f'href="/supports/{subsidy}/apply"' in html  # counted as a click, then sent on to the site
    redirect = client.get(f"/supports/{subsidy}/apply")
    assert redirect.headers["Location"] == "https://www.jgrants-portal.go.jp/subsidy/a0W0000000test"
    assert "ログイン" in html and "データシート" in html
    assert "GビズIDプライムのアカウント" in html
    assert "直近2期分の決算書" in html and "見積書" in html
    assert "従業員300人以下" in html
    assert "事業データに登録済み" not in html


def test_a_business_gets_the_data_sheet_links_and_a_checklist_marked_from_its_data(client, subsidy, owner):
    html = panel(text(client.get(f"/supports/{subsidy}")))
    assert f'href="/supports/{subsidy}/datasheet.csv"' in html and f'href="/supports/{subsidy}/datasheet.json"' in html
    assert "会社の基本情報（法人番号・商号・所在地・代表者）（<strong>事業データに登録済み</strong>）" in html
    assert "直近2期分の決算書（貸借対照表・損益計算書）（事業データにはまだありません）" in html
    assert "1期分の決算が登録されています" in html


def test_a_measure_taken_by_a_registered_site_offers_the_consented_pre_fill_path(client, session, subsidy, owner):
    make_site(session, name="プレプリント", start_url="https://preprint.example.jp/start", support_ids=[subsidy])
    make_site(session, name="関係ない申請サイト")
    html = panel(text(client.get(f"/supports/{subsidy}")))
    assert 'href="https://preprint.example.jp/start"' in html and "プレプリントで申請を始める" in html
    assert "関係ない申請サイト" not in html
    assert "datasheet.csv" not in html


def test_a_disabled_site_is_no_longer_offered(client, session, subsidy):
    from sqlalchemy import update

    from portal.models import OAuthClient

    make_site(session, name="プレプリント", start_url="https://preprint.example.jp/start", support_ids=[subsidy])
    session.execute(update(OAuthClient).values(active=False))
    session.commit()
    assert "プレプリントで申請を始める" not in text(client.get(f"/supports/{subsidy}"))


def test_loans_and_tax_measures_get_their_own_checklist(client, session):
    loan, tax = add_supports(session, support_record("テスト融資", service=[1], subkind=[2]),
                             support_record("中小企業経営強化税制（テスト）", service=[2], purpose=[2],
                                            summary="経営力向上計画の認定を受けて設備を取得した場合"))
    loan_html = panel(text(client.get(f"/supports/{loan}")))
    assert "資金繰り表" in loan_html and "GビズID" not in loan_html
    tax_html = panel(text(client.get(f"/supports/{tax}")))
    assert "確定申告書" in tax_html and "認定書や設備の証明書" in tax_html and "資金繰り表" not in tax_html


def test_the_data_sheet_holds_only_the_logged_in_business_in_html_csv_and_json(client, app, session, subsidy, owner):
    other = make_account(session, "b@example.jp")
    make_business(session, other, name="有限会社ビー商店", corporate_number="6010001096659")
    page = text(client.get(f"/supports/{subsidy}/datasheet"))
    assert "株式会社みらい工房" in page and "98,765,000円" in page and "有限会社ビー商店" not in page
    response = client.get(f"/supports/{subsidy}/datasheet.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="datasheet-{subsidy}.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not "…; charset=utf-8; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["区分", "項目", "値", "情報源", "更新日"]
    assert ["基本情報", "商号・屋号", "株式会社みらい工房", "手入力"] == rows[2][:4]
    assert any(r[1] == "売上高" and r[2] == "98,765,000円" for r in rows)
    as_json = client.get(f"/supports/{subsidy}/datasheet.json")
    assert as_json.headers["Content-Type"] == "application/json; charset=utf-8"
    data = as_json.get_json()
    assert data["support"]["id"] == subsidy
    assert {"section": "基本情報", "label": "代表者の氏名", "value": "山田 花子"}.items() <= next(
        i for i in data["items"] if i["label"] == "代表者の氏名").items()
    assert all("ビー商店" not in item["value"] for item in data["items"])


def test_the_data_sheet_needs_a_login_and_a_business(client, session, subsidy):
    assert "/account/login" in client.get(f"/supports/{subsidy}/datasheet.csv").headers["Location"]
    make_account(session, "nobiz@example.jp")
    login(client, email="nobiz@example.jp", password=PASSWORD)
    assert client.get(f"/supports/{subsidy}/datasheet").status_code == 404
    assert client.get("/supports/999999/datasheet.json").status_code == 404
