"""マイページ: registering a business, inline editing with htmx and the same edits without
JavaScript, validation that keeps what was typed, and the data shown with its source."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import select

from portal import store
from portal.models import Business, Role, User
from tests.business_factories import VALID_NUMBERS
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login, make_user

HX = {"HX-Request": "true"}


def post(client, url: str, data: dict, htmx: bool = False, target: str | None = None):
    """POSTs like the page does: the CSRF token comes from マイページ itself."""
    token = csrf_from(text(client.get("/mypage/")))
    headers = {**HX, "HX-Target": target or ""} if htmx else {}
    return client.post(url, data={"csrf_token": token, **data}, headers=headers)


def register_business(client, kind="corporation", number=VALID_NUMBERS[0], name="株式会社みらい製作所"):
    return submit(client, "/mypage/", {"kind": kind, "corporate_number": number, "name": name},
                  action="/mypage/register")


@pytest.fixture
def owner(client, app):
    make_user(app, email="owner@example.jp")
    login(client, email="owner@example.jp")
    assert register_business(client).status_code == 303
    return client


def stored_business(session) -> Business:
    session.expire_all()
    return session.scalar(select(Business))


def test_mypage_is_in_the_navigation_only_when_logged_in(client, app):
    assert "マイページ" not in text(client.get("/"))
    response = client.get("/mypage/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    make_user(app)
    login(client)
    assert 'href="/mypage/"' in text(client.get("/"))


def test_a_business_without_data_registers_it_and_sees_it_with_its_source(client, app, session):
    make_user(app)
    login(client)
    page = text(client.get("/mypage/"))
    assert "事業データの登録" in page and 'name="corporate_number"' in page
    response = register_business(client, number="４０００－０１２０－９０００１")
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/"
    page = text(client.get("/mypage/"))
    assert "事業データを登録しました" in page
    assert "株式会社みらい製作所" in page and "4-0000-1209-0001" in page
    assert "手入力・" in page and "更新" in page
    assert stored_business(session).corporate_number == "4000012090001"


def test_a_sole_proprietor_registers_without_a_corporate_number(client, app, session):
    make_user(app)
    login(client)
    assert register_business(client, kind="sole_proprietor", number="", name="やまだ商店").status_code == 303
    assert "個人事業主" in text(client.get("/mypage/"))


def test_a_mistyped_corporate_number_is_refused_beside_the_field_and_kept(client, app, session):
    make_user(app)
    login(client)
    response = register_business(client, number="4000012090002", name="株式会社みらい製作所")
    body = text(response)
    assert response.status_code == 422
    assert "法人番号の確認用の数字が合いません。入力ミスがないか確かめてください。" in body
    assert 'id="corporate_number-error"' in body and 'aria-invalid="true"' in body
    assert 'value="4000012090002"' in body and 'value="株式会社みらい製作所"' in body
    assert stored_business(session) is None


def test_accounts_that_are_not_businesses_cannot_register(client, app, session):
    make_user(app, email="shien@example.jp", role=Role.SUPPORTER)
    login(client, email="shien@example.jp")
    page = client.get("/mypage/")
    assert "事業者のアカウントです" in text(page) and 'name="corporate_number"' not in text(page)
    response = post(client, "/mypage/register", {"kind": "sole_proprietor", "corporate_number": "", "name": "店"})
    assert response.status_code == 403
    assert stored_business(session) is None


def test_edit_link_has_a_real_href_and_swaps_the_section_with_htmx(owner):
    page = text(owner.get("/mypage/"))
    link = re.search(r'<a[^>]*href="/mypage/basic/edit"[^>]*>', page).group(0)
    assert 'hx-get="/mypage/basic/edit"' in link and 'hx-target="#basic"' in link and 'hx-swap="outerHTML"' in link
    fragment = owner.get("/mypage/basic/edit", headers={**HX, "HX-Target": "basic"})
    body = text(fragment)
    assert fragment.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="basic"') and 'hx-post="/mypage/basic"' in body
    assert 'value="株式会社みらい製作所"' in body and "HX-Request" in fragment.headers["Vary"]
    back = owner.get("/mypage/", headers={**HX, "HX-Target": "basic"})
    assert text(back).lstrip().startswith('<section id="basic"') and "<html" not in text(back)


def test_saving_with_htmx_returns_the_section_with_the_new_values(owner, session):
    response = post(owner, "/mypage/basic", {"basic-kind": "corporation", "basic-corporate_number": VALID_NUMBERS[0],
                                             "basic-name": "株式会社みらい製作所", "basic-capital": "１０，０００，０００",
                                             "basic-prefecture": "13", "basic-established_on": "令和2年4月1日"},
                    htmx=True, target="basic")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="basic"')
    assert "基本情報を保存しました。" in body and "10,000,000円" in body and "東京都" in body
    assert "2020年4月1日" in body and "手入力・" in body
    business = stored_business(session)
    assert business.capital == 10_000_000 and business.prefecture == "13"


def test_without_javascript_the_edit_is_a_page_and_saving_redirects(owner, session):
    page = owner.get("/mypage/basic/edit")
    body = text(page)
    assert page.status_code == 200 and "<html" in body and "<h1" in body and "基本情報の編集" in body
    assert 'action="/mypage/basic"' in body and 'href="/mypage/#basic"' in body
    response = submit(owner, "/mypage/basic/edit", {"basic-kind": "corporation",
                                                    "basic-corporate_number": VALID_NUMBERS[0],
                                                    "basic-name": "株式会社みらい製作所",
                                                    "basic-website": "www.mirai.example.jp"}, action="/mypage/basic")
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/#basic"
    assert "基本情報を保存しました。" in text(owner.get("/mypage/"))
    assert stored_business(session).website == "https://www.mirai.example.jp"


@pytest.mark.parametrize("htmx", [False, True])
def test_wrong_values_are_explained_beside_the_field_and_nothing_is_stored(owner, session, htmx):
    before = store.count_history(session, stored_business(session))
    response = post(owner, "/mypage/basic", {"basic-kind": "corporation", "basic-corporate_number": VALID_NUMBERS[0],
                                             "basic-name": "株式会社あたらしい名前", "basic-capital": "百万円",
                                             "basic-postal_code": "100-89"}, htmx=htmx, target="basic")
    body = text(response)
    assert response.status_code == 422
    assert ("<html" in body) is not htmx
    assert "資本金は数字で入力してください（「1,234,567」「1000万円」「1.2億」「△500万」のように書けます）。" in body
    assert "郵便番号は7桁の数字で入力してください" in body
    assert 'id="basic-capital-error"' in body and "入力内容を確認してください" in body
    assert 'value="株式会社あたらしい名前"' in body and 'value="百万円"' in body and 'value="100-89"' in body
    business = stored_business(session)
    assert business.name == "株式会社みらい製作所" and business.capital is None
    assert store.count_history(session, business) == before


@pytest.mark.parametrize("htmx", [False, True])
def test_amounts_written_as_owners_write_them_are_saved_and_what_was_read_is_said(owner, session, htmx):
    response = post(owner, "/mypage/basic", {"basic-kind": "corporation", "basic-corporate_number": VALID_NUMBERS[0],
                                             "basic-name": "株式会社みらい製作所", "basic-capital": "1000万円"},
                    htmx=htmx, target="basic")
    body = text(response) if htmx else text(owner.get("/mypage/"))
    assert "資本金：「1000万円」を10,000,000円として読み取りました。" in body
    assert stored_business(session).capital == 10_000_000


def test_a_founding_date_in_the_future_is_refused_with_today_named(client, app, session, clock):
    clock.set_jst(2026, 12, 5, 10)  # before logging in: a session signed later would not be valid yet
    make_user(app, email="owner@example.jp")
    login(client, email="owner@example.jp")
    assert register_business(client).status_code == 303
    owner = client
    response = post(owner, "/mypage/basic", {"basic-kind": "corporation", "basic-corporate_number": VALID_NUMBERS[0],
                                             "basic-name": "株式会社みらい製作所", "basic-established_on": "2099-01-01"})
    assert response.status_code == 422
    assert "設立日（開業日）に未来の日付は入力できません（今日は2026年12月5日です）。" in text(response)
    assert 'value="2099-01-01"' in text(response) and stored_business(session).established_on is None


def test_an_impossible_headcount_states_the_real_limit(owner, session):
    response = post(owner, "/mypage/periods", {"period-period_end": "2024-03-31", "period-months": "12",
                                               "period-employees": "99999999999"})
    assert response.status_code == 422
    assert "期末従業員数は0人から999,999,999人までの整数で入力してください（99,999,999,999人と読み取りました）。" in text(response)
    assert "0以上の整数で入力してください" not in text(response)


def test_implausible_figures_are_saved_with_a_warning_that_names_the_numbers(owner, session):
    response = post(owner, "/mypage/periods", {"period-period_end": "2025-03-31", "period-months": "12",
                                               "period-total_assets": "1", "period-total_liabilities": "195,000,000",
                                               "period-net_assets": "117,500,000", "period-employees": "123,456"},
                    htmx=True, target="periods")
    body = text(response)
    assert response.status_code == 200 and "決算期を追加しました。" in body
    assert "確認してください：資産合計（1円）と、負債合計＋純資産合計（195,000,000円＋117,500,000円＝312,500,000円）が一致しません" in body
    assert "期末従業員数が123,456人になっています。100,000人を超えることはまれなので" in body
    [period] = store.records(session, stored_business(session), "period")
    assert period.total_assets == 1  # saved: a warning, not a refusal
    page = text(owner.get(f"/mypage/periods/{period.id}"))
    assert 'id="period-cautions"' in page and "差は312,499,999円" in page


def test_periods_are_added_inline_and_amounts_accept_commas_and_full_width_digits(owner, session):
    form = owner.get("/mypage/periods/new", headers={**HX, "HX-Target": "periods"})
    assert text(form).lstrip().startswith('<section id="periods"') and "貸借対照表" in text(form)
    response = post(owner, "/mypage/periods", {"period-period_end": "2024-03-31", "period-months": "12",
                                               "period-net_sales": "１，２３４，５６７", "period-total_assets": "987,654",
                                               "period-net_income": "△12,000"}, htmx=True, target="periods")
    body = text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="periods"')
    assert "2024年3月31日決算の決算期を追加しました。" in body and "1,234,567円" in body and "-12,000円" in body
    [period] = store.records(session, stored_business(session), "period")
    assert (period.net_sales, period.total_assets, period.net_income) == (1_234_567, 987_654, -12_000)


def test_a_period_page_shows_every_figure_with_its_source_and_edits_inline(owner, session):
    business = stored_business(session)
    period = store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "net_sales": 5_000_000},
                              "freee")
    session.commit()
    page = text(owner.get(f"/mypage/periods/{period.id}"))
    assert "2024年3月31日決算の事業財務情報" in page and "損益計算書" in page
    assert "5,000,000円" in page and "freee会計・" in page  # the connector's title, named at start-up
    form = owner.get(f"/mypage/periods/{period.id}/edit", headers={**HX, "HX-Target": "period-values"})
    assert 'value="5,000,000"' in text(form) and text(form).lstrip().startswith('<section id="period-values"')
    data = {f"period-{name}": value for name, value in store.form_values("period", period).items()}
    response = post(owner, f"/mypage/periods/{period.id}", {**data, "period-operating_income": "300,000"},
                    htmx=True, target="period-values")
    body = text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="period-values"')
    assert "事業財務情報を保存しました。" in body and "300,000円" in body and "手入力・" in body
    assert "freee会計・" in body  # the figure nobody touched keeps its source


def test_a_period_with_a_duplicate_closing_date_is_refused_without_javascript(owner, session):
    store.add_period(session, stored_business(session), {"period_end": "2024-03-31", "months": 12})
    session.commit()
    response = post(owner, "/mypage/periods", {"period-period_end": "2024/3/31", "period-months": "12",
                                               "period-net_sales": "1,000"})
    assert response.status_code == 422 and "<html" in text(response)
    assert "この決算年月日の決算期は既に登録されています。" in text(response)
    assert 'value="1,000"' in text(response)


def test_list_records_are_added_and_removed(owner, session):
    response = post(owner, "/mypage/shareholders", {"shareholder-name": "山田太郎", "shareholder-shares": "1,000"})
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/#shareholders"
    page = text(owner.get("/mypage/"))
    assert "山田太郎" in page and "1,000株" in page
    assert 'hx-get="/mypage/officers/new"' in page and 'href="/mypage/offices/new"' in page
    [holder] = store.records(session, stored_business(session), "shareholder")
    removed = post(owner, f"/mypage/shareholders/{holder.id}/delete", {}, htmx=True, target="shareholders")
    body = text(removed)
    assert removed.status_code == 200 and body.lstrip().startswith('<section id="shareholders"')
    assert "株主「山田太郎」を削除しました。" in body and "まだ株主が登録されていません。" in body
    history = text(owner.get("/mypage/history?section=shareholder"))
    assert "山田太郎" in history and "（削除）" in history


def test_a_list_form_with_a_missing_name_keeps_the_other_values(owner):
    response = post(owner, "/mypage/offices", {"office-name": "", "office-phone": "06-1234-5678"}, htmx=True,
                    target="offices")
    body = text(response)
    assert response.status_code == 422 and "事業所名を入力してください。" in body
    assert 'value="06-1234-5678"' in body


def test_history_lists_changes_newest_first_with_who_made_them(owner, session):
    post(owner, "/mypage/basic", {"basic-kind": "corporation", "basic-corporate_number": VALID_NUMBERS[0],
                                  "basic-name": "株式会社みらい", "basic-capital": "3,000,000"})
    page = text(owner.get("/mypage/history"))
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)[1:]
    newest = {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows[:2]}
    assert any("資本金 （なし） 3,000,000円 手入力 owner@example.jp" in row for row in newest)
    assert any("商号・屋号 株式会社みらい製作所 株式会社みらい 手入力" in row for row in newest)
    assert "事業形態" in rows[-1] or "事業形態" in " ".join(rows[-3:])


def test_another_business_never_sees_the_data_and_gets_404_on_its_records(owner, app, session):
    business = stored_business(session)
    period = store.add_period(session, business, {"period_end": "2024-03-31", "months": 12, "net_sales": 777_777})
    holder = store.add_shareholder(session, business, {"name": "秘密の株主"})
    session.commit()
    other = app.test_client()
    make_user(app, email="rival@example.jp")
    login(other, email="rival@example.jp")
    assert register_business(other, number=VALID_NUMBERS[1], name="株式会社ライバル").status_code == 303
    checked = 0
    for rule in app.url_map.iter_rules():  # every マイページ route that names a record, now and later
        if not rule.endpoint.startswith("mypage.") or not {"period_id", "record_id"} & rule.arguments:
            continue
        values = {"period_id": period.id} if "period_id" in rule.arguments else {"record_id": holder.id}
        if "kind" in rule.arguments:
            values["kind"] = "shareholders"
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in rule.methods & {"GET", "POST"}:
            if method == "GET":
                assert other.get(url).status_code == 404, url
            else:
                assert post(other, url, {"period-period_end": "2024-03-31", "period-months": "1"}).status_code == 404
                assert post(other, url, {}, htmx=True).status_code == 404, url
            checked += 1
    assert checked >= 5
    seen = text(other.get("/mypage/")) + text(other.get("/mypage/history"))
    assert "株式会社ライバル" in seen
    for secret in ("株式会社みらい製作所", "777,777", "秘密の株主", "owner@example.jp"):
        assert secret not in seen
    session.expire_all()
    assert store.get_record(session, business, "period", period.id).months == 12
    assert store.records(session, business, "shareholder")


def test_without_a_business_the_edit_pages_are_not_found(client, app):
    make_user(app)
    login(client)
    assert client.get("/mypage/basic/edit").status_code == 404
    assert client.get("/mypage/history").status_code == 404
    assert client.get("/mypage/periods/1").status_code == 404


def test_members_of_one_business_share_it(owner, app, session):
    colleague_id = make_user(app, email="colleague@example.jp")
    store.add_member(session, stored_business(session), session.get(User, colleague_id))
    session.commit()
    colleague = app.test_client()
    login(colleague, email="colleague@example.jp")
    assert "株式会社みらい製作所" in text(colleague.get("/mypage/"))
    post(colleague, "/mypage/officers", {"officer-title": "取締役", "officer-name": "佐藤花子"})
    page = text(owner.get("/mypage/"))
    assert "佐藤花子" in page and "colleague@example.jp（メンバー）" in page
    assert "colleague@example.jp" in text(owner.get("/mypage/history"))
