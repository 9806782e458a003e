"""The navi pages: full page or htmx fragment, bookmarkable addresses, no-JS use, empty results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.clock import today
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import text

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def corpus(app, session):
    day = today()
    ids = add_supports(
        session,
        support_record("ものづくり補助金", source_id="mono", summary="設備投資を支援。", purpose=[2], service=[3],
                       reception_end=day + timedelta(days=5), body="**■補助上限額**\n750万円\n<script>alert(1)</script>",
                       application_url="https://example.jp/apply", related=[]),
        support_record("東京都 創業助成金", source_id="tokyo", summary="創業の経費。", purpose=[7], prefecture=["13"],
                       reception_remarks="常時受付"),
    )
    case_ids = add_cases(session, case_record("金型工場の自動化", supports=["mono"], purpose=[2], industry=["E"],
                                              prefecture=["23"], background="人手不足が深刻だった。"))
    return {"mono": ids[0], "tokyo": ids[1], "case": case_ids[0]}


def test_search_page_full_and_fragment(client, corpus):
    full = client.get("/supports?q=補助&purpose=2")
    assert full.status_code == 200
    html = text(full)
    assert "<html" in html and 'id="navi-region"' in html and "ものづくり補助金" in html
    assert "東京都 創業助成金" not in html
    assert 'value="2" checked' in html  # the ticked filter stays ticked

    fragment = client.get("/supports?q=補助&purpose=2&sort=", headers={"HX-Request": "true"})
    body = text(fragment)
    assert body.lstrip().startswith('<div id="navi-region"') and "<html" not in body
    assert fragment.headers["HX-Push-Url"] == "/supports?q=%E8%A3%9C%E5%8A%A9&purpose=2"
    assert "HX-Request" in fragment.headers["Vary"]


def test_filters_show_counts_and_form_works_without_javascript(client, corpus):
    html = text(client.get("/supports"))
    assert '<form id="navi-form"' in html and 'method="get"' in html and 'action="/supports"' in html
    assert "<noscript>" in html and "この条件で探す" in html
    assert "販路開拓</span> <span class=\"facet__count\">0件" in html
    assert "設備投資</span> <span class=\"facet__count\">1件" in html


def test_empty_result_suggests_how_to_widen(client, corpus):
    html = text(client.get("/supports?q=存在しない言葉&open=1&prefecture=01"))
    assert "条件に合う支援制度が見つかりませんでした" in html
    assert "キーワードを短くする" in html and "都道府県の指定を外して" in html
    assert "今申し込めるものだけ」を外して" in html
    assert 'href="/supports?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%A8%80%E8%91%89&amp;open=1"' in html


def test_invalid_parameter_on_page_is_explained_in_japanese(client, corpus):
    response = client.get("/supports?purpose=abc")
    assert response.status_code == 400
    assert "目的の指定が正しくありません" in text(response)


def test_support_page_shows_sections_cases_and_sanitised_body(client, corpus):
    html = text(client.get(f"/supports/{corpus['mono']}"))
    assert "ものづくり補助金" in html and "公募中" in html and "締切：" in html
    assert "<strong>■補助上限額</strong>" in html
    assert "<script>alert(1)" not in html
    mono = corpus["mono"]
    assert f'href="/supports/{mono}/apply"' in html  # the click is counted, then redirected
    assert client.get(f"/supports/{corpus['mono']}/apply").headers["Location"] == "https://example.jp/apply"
    assert "金型工場の自動化" in html and f"/cases/{corpus['case']}" in html
    missing = client.get("/supports/999999")
    assert missing.status_code == 404 and "見つかりません" in text(missing)


def test_case_page_links_the_measures_it_used(client, corpus):
    html = text(client.get(f"/cases/{corpus['case']}"))
    assert "人手不足が深刻だった。" in html and f"/supports/{corpus['mono']}" in html
    assert "背景" in html and "愛知県" in html and "製造業" in html


def test_case_search_page_and_measure_filter(client, corpus):
    html = text(client.get(f"/cases?support={corpus['mono']}"))
    assert "金型工場の自動化" in html and "利用した支援制度：ものづくり補助金" in html


def test_top_page_links_purposes_and_shows_closing_calls(client, corpus):
    html = text(client.get("/"))
    assert 'href="/supports?purpose=2"' in html
    assert "締切が近い支援制度" in html and "ものづくり補助金" in html
    assert "金型工場の自動化" in html


def test_anonymous_result_regions_are_cached_until_the_content_changes(client, app, session, corpus):
    from portal.navi.cache import region_cache

    first = text(client.get("/supports?q=補助"))
    again = text(client.get("/supports?q=補助", headers={"HX-Request": "true"}))
    assert len(region_cache(app)) == 1
    assert again.strip() in first  # the fragment is the cached region of the full page
    add_supports(session, support_record("補助事業の説明会", purpose=[10]))
    fresh = text(client.get("/supports?q=補助"))
    assert "補助事業の説明会" in fresh and len(region_cache(app)) == 2


def test_logged_in_users_never_get_a_cached_region(client, app, corpus):
    from portal.navi.cache import region_cache
    from tests.web.test_accounts import login, make_user

    make_user(app)
    login(client)
    html = text(client.get("/supports?q=補助"))
    assert "マイリストに保存" in html and len(region_cache(app)) == 0
