"""The 経営カルテ screen and its reports: prefilled figures with their sources, recalculation with htmx
and without JavaScript, errors kept beside the field, saving, comparing, printing, Excel, and who may
see which report (the business only its own; an agency only what was shared with it)."""

from __future__ import annotations

import re
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from portal import store
from portal.locaben.reports import latest_report_payload
from portal.models import BenchmarkReport, Business, SupportAgency, User
from tests.business_factories import (
    PASSWORD,
    VALID_NUMBERS,
    make_account,
    make_agency,
    signed_in_owner,
    signed_in_supporter,
)
from tests.helpers import csrf_from, text
from tests.web.test_accounts import login

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

HX = {"HX-Request": "true", "HX-Target": "results"}
KEYS = ["sales_growth", "operating_margin", "labor_productivity", "ebitda_debt_ratio", "working_capital_months",
        "equity_ratio"]

# The hand-worked bakery of tests/unit/locaben/test_calc.py, as typed into the screen (千円).
BAKERY = {
    "p0_label": "2024-03", "p0_sales": "240,000", "p0_operating_income": "9,600", "p0_depreciation": "6,400",
    "p0_cash": "30,000", "p0_notes_receivable": "0", "p0_accounts_receivable": "20,000", "p0_inventory": "8,000",
    "p0_notes_payable": "0", "p0_accounts_payable": "12,000", "p0_borrowings": "110,000",
    "p0_liabilities": "150,000", "p0_net_assets": "50,000", "p0_employees": "8",
    "p1_label": "2023-03", "p1_sales": "200000", "p1_operating_income": "△2,000", "p1_depreciation": "1000",
    "p1_cash": "20000", "p1_accounts_receivable": "25000", "p1_inventory": "10000", "p1_accounts_payable": "5000",
    "p1_borrowings": "120000", "p1_liabilities": "160000", "p1_net_assets": "40000", "p1_employees": "7",
    "p2_label": "2022-03", "p2_sales": "250000", "p2_operating_income": "5000", "p2_depreciation": "5000",
    "p2_cash": "90000", "p2_borrowings": "60000", "p2_liabilities": "100000", "p2_net_assets": "-10000",
    "p2_employees": "0",
    "capital": "10,000", "jsic": "0971", "industry": "",
    "nf_owner_vision": "地域の朝食を支える", "nf_step1_name": "仕込み", "nf_goal": "3年後に売上3億円",
}


def owner_client(app, client, session, email="owner@example.jp", name="株式会社こむぎ堂", number=VALID_NUMBERS[0]):
    user, business = signed_in_owner(client, session, email, number, name)
    return business, user


def post(client, data: dict, headers: dict | None = None):
    token = csrf_from(text(client.get("/benchmark/")))
    return client.post("/benchmark/", data={"csrf_token": token, **data}, headers=headers or {})


def save(client, data=BAKERY) -> int:
    response = post(client, {**data, "action": "save"})
    assert response.status_code == 303, text(response)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_the_screen_needs_a_login_and_is_in_the_navigation(client, app, session):
    assert client.get("/benchmark/").status_code == 302
    owner_client(app, client, session)
    assert 'href="/benchmark/"' in text(client.get("/"))


def test_figures_come_prefilled_from_the_business_data_with_their_source(client, app, session):
    business, user = owner_client(app, client, session)
    store.update_fields(session, business, "basic", None, {"capital": "30,000,000"}, store.MANUAL, user)
    store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "net_sales": "123,456,789",
                                         "short_term_borrowings": "1,000,000", "long_term_borrowings": "2,500,000",
                                         "regular_employees": "6"}, "freee")
    store.add_period(session, business, {"period_end": "2023-03-31", "months": 12, "net_sales": "100,000,000"})
    session.commit()
    page = text(client.get("/benchmark/"))
    assert 'name="p0_sales" value="123,456.789"' in page
    assert 'name="p0_borrowings" value="3,500"' in page  # 短期＋長期
    assert 'name="p0_employees" value="6"' in page and 'name="p0_label" value="2024-03"' in page
    assert 'name="p1_sales" value="100,000"' in page and 'name="capital" value="30,000"' in page
    assert "事業データ：freee" in page and "事業データ：手入力" in page


def test_typing_recalculates_the_results_region_with_htmx(client, app, session):
    owner_client(app, client, session)
    response = post(client, BAKERY, HX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert "2024-03：23点（B）" in body and "2023-03：12点（C）" in body and "2022-03：10点（D）" in body
    assert "0301 食料品・飼料・飲料製造業" in body and "小規模事業者" in body
    assert "<svg" in body and 'role="img"' in body and "radar__series--2" in body
    assert "業種ごとの基準値からの距離" in body and "出典：経済産業省" in body
    changed = text(post(client, {**BAKERY, "p0_operating_income": "20,000"}, HX))
    assert "2024-03：25点（A）" in changed  # ② 8.3% → 5, ③ 2,500千円 → 4, ④ 3.02倍 → 4


def test_typing_over_a_prefilled_figure_drops_its_source_note_as_the_results_update(client, app, session):
    business, user = owner_client(app, client, session)
    store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "net_sales": "240,000,000",
                                         "regular_employees": "8"}, store.MANUAL, user)
    session.commit()
    page = text(client.get("/benchmark/"))
    assert 'id="p0_sales-note"><span class="value-source">事業データ：手入力</span>' in page
    form = {**BAKERY, "src_p0_sales": "手入力", "orig_p0_sales": "240,000", "src_p0_employees": "手入力",
            "orig_p0_employees": "8"}
    kept = text(post(client, form, HX))
    assert 'id="p0_sales-note" hx-swap-oob="true"><span class="value-source">事業データ：手入力</span>' in kept
    typed_over = text(post(client, {**form, "p0_sales": "250,000"}, HX))
    assert 'id="p0_sales-note" hx-swap-oob="true"></span>' in typed_over  # the person's own figure now
    assert 'id="p0_employees-note" hx-swap-oob="true"><span class="value-source">事業データ：手入力' in typed_over
    whole = text(post(client, {**form, "p0_sales": "250,000"}))  # without JavaScript: the whole page
    assert 'id="p0_sales-note"></span>' in whole and "hx-swap-oob" not in whole


def test_amounts_typed_as_owners_write_them_are_read_in_thousands_and_shown(client, app, session):
    owner_client(app, client, session)
    body = text(post(client, {**BAKERY, "p0_sales": "2.4億", "capital": "1000万円"}, HX))
    assert "2024-03：23点（B）" in body  # 2.4億円 = 240,000千円, the same sheet as typed in thousands
    assert "＝240,000千円として計算" in body and "＝10,000千円として計算" in body
    refused = text(post(client, {**BAKERY, "p0_sales": "二億"}))
    assert "数字で入力してください（例：12,345、1.2億、3,450万円）" in refused and 'value="二億"' in refused


def test_without_javascript_the_same_form_posts_the_whole_page(client, app, session):
    owner_client(app, client, session)
    body = text(post(client, BAKERY))
    assert "<html" in body and "2024-03：23点（B）" in body
    assert 'value="△2,000"' in body  # kept exactly as typed
    assert "4.0%" in body and "1,200千円" in body and "5.0倍" in body and "0.8ヶ月" in body and "25.0%" in body


def test_a_wrong_figure_is_shown_beside_its_field_and_kept(client, app, session):
    owner_client(app, client, session)
    response = post(client, {**BAKERY, "p1_cash": "二万", "p0_sales": "-5"})
    body = text(response)
    assert response.status_code == 422
    assert 'id="p1_cash-error"' in body and "数字で入力してください" in body and 'value="二万"' in body
    assert "前期の現金・預金" in body and "売上高に負の値は入力できません" in body


def test_the_industry_can_be_searched_and_overridden(client, app, session):
    owner_client(app, client, session)
    found = text(client.get("/benchmark/industries?jsic_q=パン", headers={"HX-Request": "true",
                                                                       "HX-Target": "industry-choices"}))
    assert "<html" not in found and 'value="0971"' in found and "パン製造業" in found
    assert "0301 食料品・飼料・飲料製造業" in found
    nojs = text(post(client, {**BAKERY, "action": "search", "jsic_q": "ソフトウェア"}))
    assert 'value="3911"' in nojs and 'name="p0_sales" value="240,000"' in nojs
    overridden = text(post(client, {**BAKERY, "industry": "1400"}, HX))
    assert "1400 その他業種" in overridden
    missing = text(post(client, {**BAKERY, "jsic": ""}, HX))
    assert "業種を検索して選ぶか" in missing


def test_saving_keeps_figures_results_and_sheets_and_feeds_the_api(client, app, session):
    business, _ = owner_client(app, client, session)
    report_id = save(client)
    page = text(client.get(f"/benchmark/reports/{report_id}"))
    assert "2024-03期までの経営カルテ" in page and "地域の朝食を支える" in page and "3年後に売上3億円" in page
    assert "23点（B）" in page
    payload = latest_report_payload(session, session.get(Business, business.id))
    assert payload["industry"]["code"] == "0301" and payload["size"] == "小規模事業者"
    assert [p["total"] for p in payload["periods"]] == [23, 12, 10] and payload["id"] == report_id
    assert payload["date"] and payload["periods"][0]["indicators"]["sales_growth"]["score"] == 5
    stored = session.scalar(select(BenchmarkReport))
    assert stored.inputs["periods"][1]["operating_income"] == -2000 and stored.inputs["jsic"] == "0971"


def test_nothing_is_saved_when_the_figures_are_wrong(client, app, session):
    owner_client(app, client, session)
    response = post(client, {**BAKERY, "p0_employees": "", "action": "save"})
    assert response.status_code == 422 and "最新期の従業員数" in text(response)
    assert session.scalar(select(BenchmarkReport)) is None


def test_no_report_means_no_payload(client, app, session):
    business, _ = owner_client(app, client, session)
    assert latest_report_payload(session, session.get(Business, business.id)) is None


def test_reports_list_compare_print_and_excel(client, app, session):
    owner_client(app, client, session)
    first = save(client)
    second = save(client, {**BAKERY, "p0_operating_income": "20,000"})
    listing = text(client.get("/benchmark/reports"))
    assert listing.count("期までの経営カルテ") >= 2
    compared = text(client.get(f"/benchmark/compare?report={first}&report={second}"))
    assert "23点（B）" in compared and "25点（A）" in compared
    headings = re.findall(r'<h2 id="compare-\d">(.*?)</h2>', compared)
    assert len(headings) == 2 and headings[0] != headings[1]
    assert headings[0].startswith("1つ目：") and headings[1].startswith("2つ目：")
    assert client.get(f"/benchmark/compare?report={first}").status_code == 302
    printed = text(client.get(f"/benchmark/reports/{first}/print"))
    assert 'class="print-sheet"' in printed and "print-page" in printed
    response = client.get(f"/benchmark/reports/{first}/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["入力（財務）", "結果", "非財務"]
    inputs = {row[0]: row[1:] for row in book["入力（財務）"].iter_rows(values_only=True) if row and row[0]}
    assert inputs["売上高（千円）"] == (240000, 200000, 250000) and inputs["資本金（千円）"][0] == 10000
    results = {row[0]: row[1:] for row in book["結果"].iter_rows(values_only=True) if row and row[0]}
    assert results["営業利益率（収益性）"][1] == pytest.approx(0.04)
    assert results["営業利益率（収益性）"][4] == 4 and results["総合評価点"][4:7] == (23, 12, 10)
    assert results["自己資本比率"][:3] == (3, 3, 2)  # chart data
    sheet = book["結果"]
    formats = {row[0].value: row[2].number_format for row in sheet.iter_rows() if row[0].value}
    assert formats["営業利益率（収益性）"] == "0.0%"
    assert formats["労働生産性（生産性）"] == '#,##0"千円"'  # not 969.5652173913044
    assert formats["EBITDA有利子負債倍率（健全性）"] == '0.0"倍"'
    assert formats["営業運転資本回転期間（効率性）"] == '0.0"ヶ月"'
    assert book["入力（財務）"]["A5"].value == "資本金（千円）" and book["入力（財務）"]["B5"].number_format == "#,##0"
    [chart] = sheet._charts  # openpyxl's own radar chart over the chart data
    assert chart.tagname == "radarChart" and len(chart.series) == 3
    answers = {row[0]: row[1] for row in book["非財務"].iter_rows(values_only=True)}
    assert answers["経営者：経営理念・ビジョン／経営哲学・考え・方針等"] == "地域の朝食を支える"


def test_one_business_never_sees_anothers_reports(client, app, session):
    owner_client(app, client, session)
    report_id = save(client)
    other = app.test_client()
    signed_in_owner(other, session, "other@example.jp", VALID_NUMBERS[1], "株式会社となり")
    for url in (f"/benchmark/reports/{report_id}", f"/benchmark/reports/{report_id}/print",
                f"/benchmark/reports/{report_id}/export.xlsx", f"/benchmark/compare?report={report_id}&report=999"):
        assert other.get(url).status_code == 404, url
    assert "期までの経営カルテ" not in text(other.get("/benchmark/reports"))
    token = csrf_from(text(other.get("/benchmark/")))
    assert other.post(f"/benchmark/reports/{report_id}/share", data={"csrf_token": token}).status_code == 404


def supporter(app, session, agency: SupportAgency, email: str):
    agent = app.test_client()
    signed_in_supporter(agent, session, agency, email)
    return agent


def test_an_agency_sees_only_what_was_shared_with_it_until_it_is_withdrawn(client, app, session):
    business, user = owner_client(app, client, session)
    agency = make_agency(session, "106513000001", "みどり税理士事務所")
    stranger_agency = make_agency(session, "106513000002", "あおば経営支援")
    report_id, unshared_id = save(client), save(client)
    token = csrf_from(text(client.get("/benchmark/")))
    refused = client.post(f"/benchmark/reports/{report_id}/share", data={"csrf_token": token})
    assert refused.status_code == 409  # no linked agency yet
    store.link_agency(session, session.get(Business, business.id), agency, store.MANUAL, session.get(User, user.id))
    session.commit()
    assert client.post(f"/benchmark/reports/{report_id}/share", data={"csrf_token": token}).status_code == 303
    assert "共有中" in text(client.get("/benchmark/reports"))

    agent = supporter(app, session, agency, "zeirishi@example.jp")
    listing = text(agent.get("/benchmark/shared/"))
    assert "株式会社こむぎ堂" in listing and f"/benchmark/shared/{report_id}" in listing
    assert f"/benchmark/shared/{unshared_id}" not in listing
    shown = agent.get(f"/benchmark/shared/{report_id}")
    assert shown.status_code == 200 and "23点（B）" in text(shown) and "共有を取り消す" not in text(shown)
    assert agent.get(f"/benchmark/shared/{unshared_id}").status_code == 404
    assert agent.get(f"/benchmark/reports/{report_id}").status_code == 403  # not the business's own pages

    outsider = supporter(app, session, stranger_agency, "other-agency@example.jp")
    assert outsider.get(f"/benchmark/shared/{report_id}").status_code == 404
    assert "株式会社こむぎ堂" not in text(outsider.get("/benchmark/shared/"))

    assert client.post(f"/benchmark/reports/{report_id}/withdraw", data={"csrf_token": token}).status_code == 303
    assert agent.get(f"/benchmark/shared/{report_id}").status_code == 404
    assert f"/benchmark/shared/{report_id}" not in text(agent.get("/benchmark/shared/"))


def test_unlinking_the_agency_hides_reports_shared_before(client, app, session):
    business, user = owner_client(app, client, session)
    agency = make_agency(session, "106513000003", "さくら会計")
    store.link_agency(session, session.get(Business, business.id), agency, store.MANUAL, session.get(User, user.id))
    session.commit()
    report_id = save(client)
    token = csrf_from(text(client.get("/benchmark/")))
    client.post(f"/benchmark/reports/{report_id}/share", data={"csrf_token": token})
    agent = supporter(app, session, agency, "sakura@example.jp")
    assert agent.get(f"/benchmark/shared/{report_id}").status_code == 200
    store.unlink_agency(session, session.get(Business, business.id), session.get(User, user.id))
    session.commit()
    assert agent.get(f"/benchmark/shared/{report_id}").status_code == 404


def test_a_business_user_without_business_data_is_sent_to_register(client, app, session):
    make_account(session, "new@example.jp")
    login(client, email="new@example.jp", password=PASSWORD)
    assert "マイページで事業データを登録" in text(client.get("/benchmark/"))


def test_a_new_sheet_continues_from_the_last_reports_industry_and_answers(client, app, session):
    owner_client(app, client, session)
    save(client, {**BAKERY, "industry": "1400"})
    page = text(client.get("/benchmark/"))
    assert '<option value="1400" selected>' in page and 'name="jsic" value="0971"' in page
    assert "地域の朝食を支える</textarea>" in page


def test_an_overlong_answer_is_refused_beside_its_field(client, app, session):
    owner_client(app, client, session)
    response = post(client, {**BAKERY, "nf_goal": "あ" * 2001, "action": "save"})
    assert response.status_code == 422 and 'id="nf_goal-error"' in text(response)
    assert "2,000文字以内" in text(response) and session.scalar(select(BenchmarkReport)) is None
