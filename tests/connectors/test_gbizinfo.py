"""The gBizINFO connector, live against a local HTTP server speaking the real response format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from connectors.gbizinfo.connector import GbizinfoConnector
from portal.connector_registry import connector_problems
from portal.sdk import (
    AuthExpired,
    ConnectorError,
    Credentials,
    FetchContext,
    HttpResponse,
    ProfileRecord,
    UpstreamError,
)
from tests.connectors.http import JsonHandler, UrllibHttp, serving

NUMBER = "7123456789012"
EMPTY_NUMBER = "1234567890123"
BROKEN_NUMBER = "9999999999999"
TOKEN = "test-token-123"

HOJIN_INFO = {
    "corporate_number": NUMBER,
    "name": "株式会社みなと製作所",
    "kana": "ミナトセイサクショ",
    "name_en": "Minato Works Co., Ltd.",
    "postal_code": "2310023",
    "location": "神奈川県横浜市中区山下町1番地",
    "status": "-",
    "close_date": None,
    "close_cause": None,
    "representative_name": "港 一郎",
    "capital_stock": 20000000,
    "employee_number": 38,
    "company_size_male": None,
    "company_size_female": None,
    "business_items": ["精密機械器具製造業"],
    "business_summary": "精密金属部品の切削加工・組立",
    "company_url": "https://minato-works.example.jp/",
    "founding_year": 1994,
    "date_of_establishment": "1994-06-15T00:00:00+09:00",
    "qualification_grade": None,
    "update_date": "2024-07-01T00:00:00+09:00",
}

EXPECTED = ProfileRecord(
    corporate_number=NUMBER, name="株式会社みなと製作所", name_kana="ミナトセイサクショ", postal_code="231-0023",
    address="神奈川県横浜市中区山下町1番地", representative_name="港 一郎", established_on=date(1994, 6, 15),
    capital=20_000_000, employees=38, website="https://minato-works.example.jp/",
    business_summary="精密金属部品の切削加工・組立",
)


class GbizinfoHandler(JsonHandler):
    """Answers like gBizINFO: 401 without the right token, 404 for unknown numbers."""

    requests: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        type(self).requests.append((self.path, self.headers.get("X-hojinInfo-api-token")))
        if self.headers.get("X-hojinInfo-api-token") != TOKEN:
            return self.reply(401, {"message": "Unauthorized"})
        if self.path == f"/hojin/v1/hojin/{NUMBER}":
            return self.reply(200, {"id": None, "errors": None, "message": "200 - OK.", "hojin-infos": [HOJIN_INFO]})
        if self.path == f"/hojin/v1/hojin/{EMPTY_NUMBER}":
            return self.reply(200, {"id": None, "errors": None, "message": "200 - OK.", "hojin-infos": []})
        if self.path == f"/hojin/v1/hojin/{BROKEN_NUMBER}":
            return self.reply(200, b"<html>maintenance</html>")
        return self.reply(404, {"errors": [{"item": "corporate_number", "message": "Not Found"}]})


@pytest.fixture(scope="module")
def gbiz_url() -> Iterator[str]:
    with serving(GbizinfoHandler) as url:
        yield url


class NoHttp:
    def get(self, url, params=None, headers=None):  # pragma: no cover - must not be called
        raise AssertionError("sandbox mode makes no HTTP calls")


def fetch(number: str = NUMBER, *, mode: str = "live", token: str | None = TOKEN, base: str = "",
          http=None) -> list[ProfileRecord]:
    context = FetchContext(
        corporate_number=number, mode=mode, http=http or (UrllibHttp() if mode == "live" else NoHttp()),
        today=date(2024, 6, 1),
        credentials=Credentials(fields={"X-hojinInfo-api-token": token} if token else {}),
        settings={"gbizinfo_base_url": base} if base else {},
    )
    return list(GbizinfoConnector().fetch(context))


def test_the_connector_is_a_valid_api_key_connector():
    assert connector_problems(GbizinfoConnector) == []
    assert GbizinfoConnector.name == "gbizinfo"
    assert GbizinfoConnector.title == "gBizINFO（法人基本情報）"
    assert GbizinfoConnector.auth.kind == "api_key"
    assert [f.name for f in GbizinfoConnector.auth.fields] == ["X-hojinInfo-api-token"]
    assert GbizinfoConnector.reads == ("基本情報（商号・所在地・代表者・資本金・従業員数・設立日）",)


def test_live_fetch_reads_the_profile_with_the_token(gbiz_url):
    GbizinfoHandler.requests.clear()
    assert fetch(base=gbiz_url) == [EXPECTED]
    assert GbizinfoHandler.requests == [(f"/hojin/v1/hojin/{NUMBER}", TOKEN)]


def test_a_wrong_token_is_auth_expired(gbiz_url):
    with pytest.raises(AuthExpired):
        fetch(base=gbiz_url, token="wrong")


def test_a_missing_token_is_auth_expired_without_a_request(gbiz_url):
    GbizinfoHandler.requests.clear()
    with pytest.raises(AuthExpired):
        fetch(base=gbiz_url, token=None)
    assert GbizinfoHandler.requests == []


@pytest.mark.parametrize("number", ["5000000000000", EMPTY_NUMBER])
def test_an_unknown_number_or_empty_answer_says_so(gbiz_url, number):
    with pytest.raises(ConnectorError) as raised:
        fetch(number, base=gbiz_url)
    assert type(raised.value) is ConnectorError
    assert raised.value.message == "gBizINFOにこの法人番号の情報がありません。"


def test_an_unreadable_answer_is_upstream_error(gbiz_url):
    with pytest.raises(UpstreamError):
        fetch(BROKEN_NUMBER, base=gbiz_url)


def test_a_malformed_number_is_refused_before_any_request(gbiz_url):
    GbizinfoHandler.requests.clear()
    with pytest.raises(ConnectorError, match="13桁"):
        fetch("123/../456", base=gbiz_url)
    assert GbizinfoHandler.requests == []


def test_the_default_base_url_is_the_real_service():
    seen = []

    class Recorder:
        def get(self, url, params=None, headers=None):
            seen.append((url, dict(headers or {})))
            return HttpResponse(200, {"Content-Type": "application/json"},
                                json.dumps({"hojin-infos": [HOJIN_INFO]}).encode())

    assert fetch(http=Recorder()) == [EXPECTED]
    assert seen == [(f"https://info.gbiz.go.jp/hojin/v1/hojin/{NUMBER}", {"X-hojinInfo-api-token": TOKEN})]


def test_sandbox_answers_from_the_fixture_without_network():
    assert fetch(mode="sandbox", token=None) == [EXPECTED]


def test_the_demo_business_gets_its_own_facts_as_the_register_writes_them():
    [record] = fetch("8010401098765", mode="sandbox", token=None)
    assert (record.name, record.name_kana, record.capital) == ("株式会社みらい工房", "ミライコウボウ", 10_000_000)
    assert record.address == "東京都大田区下丸子二丁目14番7号" and record.established_on == date(2008, 4, 1)


def test_sandbox_is_deterministic_per_corporate_number():
    first = fetch("1000000000001", mode="sandbox", token=None)
    assert first == fetch("1000000000001", mode="sandbox", token=None)
    record = first[0]
    assert record.corporate_number == "1000000000001"
    assert record.name is None and record.name_kana is None  # never another company's name
    assert record.postal_code == "100-0005"
    assert record.established_on == date(2005, 4, 1)
    assert (record.employees, record.capital) == (1000000000001 % 97 + 3, (1000000000001 % 9 + 1) * 5_000_000)
    assert fetch("1000000000002", mode="sandbox", token=None)[0].employees != record.employees
