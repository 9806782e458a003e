"""Limits on what a request may bring, and on the integers it may name (portal/request_limits.py,
portal/bounds.py): a Japanese 413, JSON size and depth, ids and pages out of range never a 500."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.business_factories import signed_in_owner
from tests.helpers import csrf_from, text


def test_a_body_over_the_limit_is_refused_with_a_japanese_413_before_it_is_read(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = client.post("/account/login", data={"email": "a@example.jp", "password": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413 and "送信されたデータが大きすぎます" in text(response)


def test_the_etax_upload_form_has_its_own_larger_limit(client, app, session):
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024, UPLOAD_MAX_CONTENT_LENGTH=8 * 1024 * 1024)
    signed_in_owner(client, session)
    token = csrf_from(text(client.get("/mypage/links/etax/link")))

    def upload(size: int):
        # Encoded in memory: the test client would spool a large form to a file it never closes.
        boundary, body = encode_multipart(MultiDict({"csrf_token": token, "mode": "live", "file_0": FileStorage(
            io.BytesIO(b"a" * size), "HOT010_3.0_BS.csv", "file_0", "text/csv")}))
        return client.post("/mypage/links/etax/link", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    answer = upload(3 * 1024 * 1024)
    assert answer.status_code == 422  # read, and refused beside its field: each file has its own limit
    assert "大きすぎます" in text(answer)
    assert upload(9 * 1024 * 1024).status_code == 413


def test_json_too_large_or_too_deep_is_refused_naming_the_body(client, app):
    app.config.update(JSON_MAX_BYTES=1000, JSON_MAX_DEPTH=20)
    large = client.post("/api/v1/benchmark", json={"industry": "0301", "capital": 1, "periods": [{"label": "x" * 2000}]})
    assert large.status_code == 413 and large.get_json() == {"error": "送られたJSONが大きすぎます。", "field": "body"}
    deep = client.post("/api/v1/benchmark", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 413  # also over the byte limit
    app.config["JSON_MAX_BYTES"] = 1024 * 1024
    deep = client.post("/api/v1/benchmark", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 400 and deep.get_json()["field"] == "body"
    inside = client.post("/api/v1/benchmark", data='{"industry": "0301", "periods": ' + "[" * 50 + "]" * 50 + "}",
                         content_type="application/json")
    assert inside.status_code == 400 and "入れ子が深すぎます" in inside.get_json()["error"]


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_ids_past_the_database_integers_are_404_not_500(client, big):
    assert client.get(f"/supports/{big}").status_code == 404
    assert client.get(f"/cases/{big}").status_code == 404
    response = client.get(f"/api/v1/supports/{big}")
    assert response.status_code == 404 and "error" in response.get_json()
    assert client.get(f"/agencies/{big}").status_code == 404


def test_ids_and_pages_in_forms_and_queries_are_bounded_for_a_logged_in_user(client, session):
    signed_in_owner(client, session)
    token = csrf_from(text(client.get("/mylist/")))
    for raw in (str(2**31), str(2**63), "²", "9" * 5000):
        response = client.post("/mylist/toggle", data={"csrf_token": token, "kind": "support", "id": raw})
        assert response.status_code == 400, raw
    assert client.get("/mypage/history?page=" + "1" + "0" * 20).status_code == 200
    assert client.get("/mypage/consents/?page=" + "9" * 30).status_code == 200
    assert client.get(f"/benchmark/compare?report={2**40}&report=²").status_code < 500
    assert client.get("/supports?page=²").status_code == 400
    assert client.get("/news/?page=" + "9" * 40).status_code == 200


def test_an_amount_of_thousands_of_digits_gets_the_fields_message(client, session):
    signed_in_owner(client, session)
    token = csrf_from(text(client.get("/mypage/periods/new")))
    response = client.post("/mypage/periods", data={"csrf_token": token, "period-period_end": "2019-03-31",
                                                    "period-months": "12", "period-net_sales": "9" * 5000})
    assert response.status_code == 422
    assert "売上高の桁数が多すぎます" in text(response)
