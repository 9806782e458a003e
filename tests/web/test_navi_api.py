"""支援制度ナビ and 事例ナビ through the public JSON API: filters, facets, search, sorting, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.clock import today
from tests.factories import add_cases, add_supports, case_record, support_record

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


@pytest.fixture
def corpus(app, session):
    day = today()
    ids = add_supports(
        session,
        support_record("ものづくり補助金", source_id="mono", summary="設備投資を支援する補助金です。",
                       purpose=[2], service=[3], stage=[7], reception_end=day + timedelta(days=10),
                       authorities=[{"name": "中小企業庁", "kind": "gov"}], max_employees=300),
        support_record("東京都 創業助成金", source_id="tokyo", summary="都内で創業する方の経費を助成します。",
                       purpose=[7], service=[3], prefecture=["13"], reception_remarks="常時受付"),
        support_record("大阪府 設備投資融資", source_id="osaka", summary="製造業の設備資金の融資。",
                       purpose=[2, 4], service=[1], prefecture=["27"], industry=["E"],
                       reception_end=day - timedelta(days=3)),
        support_record("京都府 IT導入支援", source_id="kyoto", summary="小売業のIT化を応援します。",
                       purpose=[3], service=[3], prefecture=["26"], industry=["I"],
                       reception_end=day + timedelta(days=2), max_employees=20),
        support_record("経営なんでも相談窓口", source_id="soudan", summary="経営の悩みを無料で相談できます。",
                       purpose=[10], service=[5]),
    )
    case_ids = add_cases(
        session,
        case_record("金型工場の自動化", supports=["mono"], purpose=[2], industry=["E"], prefecture=["23"],
                    summary="NC旋盤を入れて生産性が上がった。"),
        case_record("商店のネット販売", supports=["kyoto"], purpose=[3, 1], industry=["I"], prefecture=["26"],
                    summary="ECサイトで売上が伸びた。"),
    )
    return dict(zip(["mono", "tokyo", "osaka", "kyoto", "soudan"], ids)) | {"cases": case_ids}


def titles(client, query: str) -> set[str]:
    response = client.get(f"/api/v1/supports?{query}")
    assert response.status_code == 200, response.get_json()
    return {item["title"] for item in response.get_json()["items"]}


def facet(data, name) -> dict:
    return {value["id"]: value["count"] for value in data["facets"][name]}


def test_listing_shape_matches_the_contract(client, corpus):
    data = client.get("/api/v1/supports?per_page=2").get_json()
    assert data["total"] == 5 and data["page"] == 1 and data["per_page"] == 2 and len(data["items"]) == 2
    item = data["items"][0]
    assert set(item) == {"id", "title", "summary", "url", "status", "deadline", "purposes", "prefectures",
                         "authorities"}
    assert set(data["facets"]) == {"purpose", "stage", "service", "industry", "prefecture"}
    assert {"id", "name", "count"} == set(data["facets"]["purpose"][0])


def test_prefecture_includes_nationwide_measures(client, corpus):
    assert titles(client, "prefecture=13") == {"東京都 創業助成金", "ものづくり補助金", "経営なんでも相談窓口"}


def test_industry_includes_unrestricted_measures(client, corpus):
    assert titles(client, "industry=E") == {"大阪府 設備投資融資", "ものづくり補助金", "東京都 創業助成金",
                                            "経営なんでも相談窓口"}


def test_values_of_one_parameter_are_ored_and_parameters_anded(client, corpus):
    assert titles(client, "purpose=2&purpose=3") == {"ものづくり補助金", "大阪府 設備投資融資", "京都府 IT導入支援"}
    assert titles(client, "purpose=2&service=1") == {"大阪府 設備投資融資"}
    assert titles(client, "purpose=2&prefecture=26") == {"ものづくり補助金"}


def test_open_keeps_measures_accepting_now_or_always(client, corpus):
    assert titles(client, "open=1") == {"ものづくり補助金", "東京都 創業助成金", "京都府 IT導入支援"}


def test_open_filter_shows_how_many_it_would_give(client, corpus):
    page = client.get("/supports?purpose=2").get_data(as_text=True)
    assert "今申し込めるもの（公募中・常時受付）だけ <span class=\"facet__count\">1件</span>" in page


def test_facet_counts_leave_out_their_own_filter(client, corpus):
    data = client.get("/api/v1/supports?purpose=2").get_json()
    assert data["total"] == 2
    purposes = facet(data, "purpose")
    assert purposes[2] == 2 and purposes[3] == 1 and purposes[7] == 1  # as if purpose were not set
    services = facet(data, "service")
    assert services[3] == 1 and services[1] == 1 and services[5] == 0  # within purpose=2


def test_prefecture_facet_counts_what_selecting_it_would_give(client, corpus):
    data = client.get("/api/v1/supports").get_json()
    prefectures = facet(data, "prefecture")
    assert prefectures["13"] == 3  # 東京都 + two nationwide
    assert prefectures["01"] == 2  # only the nationwide ones
    assert facet(data, "industry")["I"] == 4  # 京都 + the three unrestricted


def test_japanese_search_has_no_false_hit_across_word_boundaries(client, corpus):
    assert titles(client, "q=京都") == {"京都府 IT導入支援"}
    assert titles(client, "q=補助") == {"ものづくり補助金"}
    assert titles(client, "q=ＩＴ") == {"京都府 IT導入支援"}  # full-width folds
    assert titles(client, "q=京都&prefecture=13") == set()


def test_employee_fit_removes_measures_the_company_is_too_big_for(client, corpus):
    assert "京都府 IT導入支援" not in titles(client, "employees=50")
    assert "ものづくり補助金" in titles(client, "employees=50")
    assert "ものづくり補助金" not in titles(client, "employees=301")


def test_deadline_sort_puts_the_nearest_open_deadline_first(client, corpus):
    items = client.get("/api/v1/supports?sort=deadline").get_json()["items"]
    assert [i["title"] for i in items[:2]] == ["京都府 IT導入支援", "ものづくり補助金"]
    assert items[-1]["status"] == "closed"
    assert items[0]["deadline"] == (today() + timedelta(days=2)).isoformat()


def test_relevance_is_the_default_with_text_and_ranks_titles_first(client, app, session, corpus):
    add_supports(session, support_record("販路開拓セミナー", summary="補助金の申請書の書き方も学べます。", purpose=[1]))
    items = client.get("/api/v1/supports?q=補助金").get_json()["items"]
    assert items[0]["title"] == "ものづくり補助金"


def test_pagination(client, corpus):
    first = client.get("/api/v1/supports?per_page=2&page=1").get_json()
    third = client.get("/api/v1/supports?per_page=2&page=3").get_json()
    assert len(first["items"]) == 2 and len(third["items"]) == 1 and third["total"] == 5
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in third["items"]}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("purpose=abc", "purpose"), ("purpose=11", "purpose"), ("per_page=1000", "per_page"), ("per_page=0", "per_page"),
     ("page=0", "page"), ("prefecture=48", "prefecture"), ("industry=Z", "industry"), ("sort=price", "sort"),
     ("open=yes", "open"), ("stage=18", "stage"), ("service=6", "service"), ("q=" + "あ" * 201, "q")],
)
def test_invalid_parameters_answer_400_naming_the_field(client, corpus, query, field):
    response = client.get(f"/api/v1/supports?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and body["error"]


def test_unknown_parameters_are_ignored_and_cors_is_open(client, corpus):
    response = client.get("/api/v1/supports?color=blue")
    assert response.status_code == 200 and response.get_json()["total"] == 5
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_support_detail_has_the_cases_that_used_it(client, corpus):
    data = client.get(f"/api/v1/supports/{corpus['mono']}").get_json()
    assert data["title"] == "ものづくり補助金" and data["status"] == "open"
    assert data["case_ids"] == [corpus["cases"][0]]
    assert data["conditions"]["max_employees"] == 300
    missing = client.get("/api/v1/supports/999999")
    assert missing.status_code == 404 and missing.get_json()["field"] == "id"


def test_cases_filter_by_measure_industry_and_prefecture(client, corpus):
    def case_titles(query):
        return {i["title"] for i in client.get(f"/api/v1/cases?{query}").get_json()["items"]}

    assert case_titles(f"support={corpus['kyoto']}") == {"商店のネット販売"}
    assert case_titles("industry=E") == {"金型工場の自動化"}
    assert case_titles("prefecture=26") == {"商店のネット販売"}
    assert case_titles("purpose=1") == {"商店のネット販売"}
    assert case_titles("q=自動化") == {"金型工場の自動化"}
    data = client.get("/api/v1/cases").get_json()
    assert set(data["facets"]) == {"purpose", "industry", "prefecture"}
    detail = client.get(f"/api/v1/cases/{corpus['cases'][0]}").get_json()
    assert detail["supports"] == [{"id": corpus["mono"], "title": "ものづくり補助金"}]
    assert client.get("/api/v1/cases?support=x").status_code == 400


def test_new_content_is_found_without_restart(client, session, corpus):
    assert titles(client, "q=養蜂") == set()
    add_supports(session, support_record("養蜂業の販路開拓支援", purpose=[1]))
    assert titles(client, "q=養蜂") == {"養蜂業の販路開拓支援"}
    assert client.get("/api/v1/supports").get_json()["total"] == 6


def test_openapi_describes_every_api_route_and_parameter(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:support_id>", "{id}").replace("<int:case_id>", "{id}")
              .replace("<int:article_id>", "{id}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("api.", "api_me."))}
    assert routes == set(doc["paths"])
    names = {p["name"] for p in doc["paths"]["/supports"]["get"]["parameters"]}
    assert {"q", "purpose", "stage", "service", "industry", "prefecture", "open", "sort", "page", "per_page"} <= names
    case_names = {p["name"] for p in doc["paths"]["/cases"]["get"]["parameters"]}
    assert {"q", "purpose", "industry", "prefecture", "support"} <= case_names
