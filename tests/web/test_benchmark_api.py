"""POST /api/v1/benchmark: the contract's shape, the hand-worked example, JSON errors naming the field,
no CSRF, the API's rate limit, CORS, and its OpenAPI description."""

from __future__ import annotations

import pytest

from portal.locaben import baseline

BAKERY = {
    "industry": {"jsic": "0971"},
    "capital": 10_000,
    "periods": [
        {"label": "2024-03", "sales": 240_000, "operating_income": 9_600, "depreciation": 6_400, "cash": 30_000,
         "notes_receivable": 0, "accounts_receivable": 20_000, "inventory": 8_000, "notes_payable": 0,
         "accounts_payable": 12_000, "borrowings": 110_000, "liabilities": 150_000, "net_assets": 50_000,
         "employees": 8},
        {"label": "2023-03", "sales": 200_000, "operating_income": -2_000, "depreciation": 1_000, "cash": 20_000,
         "accounts_receivable": 25_000, "inventory": 10_000, "accounts_payable": 5_000, "borrowings": 120_000,
         "liabilities": 160_000, "net_assets": 40_000, "employees": 7},
        {"label": "2022-03", "sales": 250_000, "operating_income": 5_000, "depreciation": 5_000, "cash": 90_000,
         "borrowings": 60_000, "liabilities": 100_000, "net_assets": -10_000, "employees": 0},
    ],
}
KEYS = ["sales_growth", "operating_margin", "labor_productivity", "ebitda_debt_ratio", "working_capital_months",
        "equity_ratio"]


def post(client, body):
    return client.post("/api/v1/benchmark", json=body)


def test_the_response_has_the_contracts_shape_and_the_hand_worked_scores(client):
    response = post(client, BAKERY)
    assert response.status_code == 200
    body = response.get_json()
    assert body["size"] == "小規模事業者"
    assert body["industry"] == {"code": "0301", "name": "食料品・飼料・飲料製造業"}
    assert body["attribution"] == baseline.attribution()
    assert [p["label"] for p in body["periods"]] == ["2024-03", "2023-03", "2022-03"]
    assert [[p["indicators"][k]["score"] for k in KEYS] for p in body["periods"]] == [
        [5, 4, 3, 4, 4, 3], [1, 2, 2, 1, 3, 3], [None, 3, None, 5, None, 2]]
    assert [(p["total"], p["rank"]) for p in body["periods"]] == [(23, "B"), (12, "C"), (10, "D")]
    newest = body["periods"][0]["indicators"]
    assert newest["operating_margin"]["value"] == pytest.approx(0.04)
    assert newest["operating_margin"]["baseline"] == baseline.cutoffs("0301", "小規模事業者", "operating_margin").median
    assert body["periods"][2]["indicators"]["sales_growth"] == {
        "value": None, "score": None, "baseline": baseline.cutoffs("0301", "小規模事業者", "sales_growth").median}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_locaben_code_works_as_well_as_a_jsic_code(client):
    assert post(client, {**BAKERY, "industry": "0301"}).get_json() == post(client, BAKERY).get_json()


def test_the_medium_row_is_used_for_a_larger_company(client):
    periods = [{**BAKERY["periods"][0], "employees": 21}]
    body = post(client, {**BAKERY, "periods": periods}).get_json()
    assert body["size"] == "中規模事業者"
    assert body["periods"][0]["indicators"]["equity_ratio"]["baseline"] == baseline.cutoffs(
        "0301", "中規模事業者", "equity_ratio").median


@pytest.mark.parametrize(("change", "field"), [
    ({"industry": "9999"}, "industry"),
    ({"industry": {"jsic": "0000"}}, "industry.jsic"),
    ({"industry": 301}, "industry"),
    ({"capital": None}, "capital"),
    ({"capital": -1}, "capital"),
    ({"capital": "10000"}, "capital"),
    ({"periods": []}, "periods"),
    ({"periods": "x"}, "periods"),
    ({"periods": [BAKERY["periods"][0]] * 4}, "periods"),
    ({"periods": [5]}, "periods[0]"),
    ({"periods": [{**BAKERY["periods"][0], "sales": "240000"}]}, "periods[0].sales"),
    ({"periods": [BAKERY["periods"][0], {**BAKERY["periods"][1], "cash": -1}]}, "periods[1].cash"),
    ({"periods": [{**BAKERY["periods"][0], "employees": None}]}, "periods[0].employees"),
    ({"periods": [{**BAKERY["periods"][0], "label": "2024-13"}]}, "periods[0].label"),
    ({"periods": [BAKERY["periods"][0], {}, BAKERY["periods"][2]]}, "periods[1].sales"),
])
def test_bad_input_answers_400_naming_the_field(client, change, field):
    response = post(client, {**BAKERY, **change})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and body["error"]


def test_a_body_that_is_not_a_json_object_is_refused(client):
    response = client.post("/api/v1/benchmark", data="not json", content_type="text/plain")
    assert response.status_code == 400 and response.get_json()["field"] == "body"
    assert post(client, [1, 2]).get_json()["field"] == "body"


def test_no_csrf_token_is_needed_even_with_csrf_on(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    assert post(client, BAKERY).status_code == 200


def test_the_api_rate_limit_applies(client, app):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    statuses = [post(client, BAKERY).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "error" in post(client, BAKERY).get_json()


def test_get_is_not_allowed(client):
    assert client.get("/api/v1/benchmark").status_code == 405


def test_openapi_describes_the_benchmark(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/benchmark"]["post"]
    assert operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    request_schema = doc["components"]["schemas"]["BenchmarkRequest"]
    period = request_schema["properties"]["periods"]["items"]["properties"]
    assert set(period) == {"label", "sales", "prior_sales", "operating_income", "depreciation", "cash",
                           "notes_receivable", "accounts_receivable", "inventory", "notes_payable",
                           "accounts_payable", "borrowings", "liabilities", "net_assets", "employees"}
    result = doc["components"]["schemas"]["BenchmarkResult"]
    assert set(result["properties"]["periods"]["items"]["properties"]["indicators"]["required"]) == set(KEYS)
