"""The Jグランツ connector: fixture parsing, the keyword union, a live client against a local HTTP
server speaking the real response format, and the sandbox 申請履歴."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.jgrants.connector import (
    JgrantsConnector,
    japan_day,
    japan_time,
    keywords,
    to_measure,
    union_by_id,
)
from portal.connector_registry import connector_problems
from portal.sdk import (
    ApplicationRecord,
    ConnectorError,
    FetchContext,
    HttpResponse,
    SupportMeasureRecord,
    UpstreamError,
)
from tests.connectors.http import JsonHandler, UrllibHttp, fixture_json, serving

NUMBER = "7123456789012"
JST = timezone(timedelta(hours=9))
ATTRIBUTION = "Jグランツ（jGrants）からの出典"
SHORYOKU, SOGYO, TELEWORK, SHOKEI = ("a0WJ200000CDa1bMAD", "a0WJ200000CDb7xMAD", "a0WJ200000CDc3kMAD",
                                     "a0WJ200000CDd9qMAD")


def fixture(name: str) -> dict:
    return fixture_json("jgrants", name)


LISTING = fixture("subsidies.json")
DETAILS = fixture("subsidy_details.json")

SHORYOKU_RECORD = SupportMeasureRecord(
    external_id=SHORYOKU,
    title="中小企業省力化投資補助金（一般型）",
    management_number="S-00008123",
    catch_phrase="人手不足に悩む中小企業のオーダーメイドの省力化投資を支援します",
    detail_html=DETAILS[SHORYOKU]["result"][0]["detail"],
    target_areas=("全国",),
    industries=("製造業", "建設業", "卸売業，小売業", "宿泊業，飲食サービス業"),
    use_purposes=("設備整備・IT導入をしたい", "雇用・職場環境を改善したい"),
    target_employees="従業員数の制約なし",
    max_amount=80_000_000,
    subsidy_rate="1/2（小規模事業者・再生事業者は2/3）",
    acceptance_start=datetime(2026, 1, 14, 10, 0, tzinfo=JST),
    acceptance_end=datetime(2026, 4, 1, 0, 0, tzinfo=JST),
    url=f"https://www.jgrants-portal.go.jp/subsidy/{SHORYOKU}",
    attribution=ATTRIBUTION,
)
# Sorted by acceptance end: 3/31 24:00, 4/24 17:00, 5/29 17:00, 9/30 23:59:59 (JST).
ORDER = [SHORYOKU, SHOKEI, SOGYO, TELEWORK]


# --- parsing ----------------------------------------------------------------------------------------

def test_the_connector_is_a_valid_public_connector():
    assert connector_problems(JgrantsConnector) == []
    assert JgrantsConnector.name == "jgrants"
    assert JgrantsConnector.title == "Jグランツ（補助金の電子申請）"
    assert JgrantsConnector.auth.kind == "none"
    assert JgrantsConnector.reads == ("公募中の補助金、あなたの申請履歴（サンドボックス）",)


def test_a_detail_fixture_parses_to_exact_values():
    call = {**LISTING["result"][0], **DETAILS[SHORYOKU]["result"][0]}
    assert to_measure(call) == SHORYOKU_RECORD


def test_list_only_fields_parse_and_a_zero_limit_is_unset():
    record = to_measure(next(i for i in LISTING["result"] if i["id"] == TELEWORK))
    assert record.title == "人材確保等支援助成金（テレワークコース）"
    assert record.max_amount is None  # 0 = 未設定
    assert record.target_employees == "300名以下"
    assert record.acceptance_end == datetime(2026, 9, 30, 23, 59, 59, tzinfo=JST)
    assert (record.catch_phrase, record.url, record.industries) == (None, None, ())
    assert record.attribution == ATTRIBUTION


def test_several_target_areas_are_split():
    record = to_measure(next(i for i in LISTING["result"] if i["id"] == SOGYO))
    assert record.target_areas == ("関東・甲信越地方", "神奈川県")
    assert record.max_amount == 1_000_000


def test_utc_instants_become_japan_time_and_midnight_ends_the_day_before():
    end = japan_time("2026-03-31T15:00:00.000Z")
    # The rule: the instant is kept, in JST; 15:00Z is 00:00 JST on the next day …
    assert end == datetime(2026, 4, 1, 0, 0, tzinfo=JST)
    assert end.utcoffset() == timedelta(hours=9)
    assert (end.year, end.month, end.day, end.hour) == (2026, 4, 1, 0)
    # … which, shown as a day, is 「3月31日24時まで」: the end of 3/31, while a start there is 4/1.
    assert japan_day(end, end=True) == date(2026, 3, 31)
    assert japan_day(end) == date(2026, 4, 1)
    assert japan_day(japan_time("2026-03-31T14:59:59Z"), end=True) == date(2026, 3, 31)
    assert japan_time("2026-03-31T15:00:00") == end  # no offset given: UTC, as Jグランツ documents
    assert japan_time(None) is None and japan_day(None) is None


def test_an_unreadable_value_is_upstream_error():
    with pytest.raises(UpstreamError):
        to_measure({**LISTING["result"][0], "subsidy_max_limit": "たくさん"})
    with pytest.raises(UpstreamError):
        to_measure({**LISTING["result"][0], "acceptance_end_datetime": "来年"})


# --- keywords and the union -----------------------------------------------------------------------

def test_union_by_id_keeps_each_call_once_in_first_seen_order():
    a, b, c = ({"id": "A", "title": "1"}, {"id": "B", "title": "2"}, {"id": "C", "title": "3"})
    assert union_by_id([[a, b], [{"id": "B", "title": "2 again"}, c], [a]]) == [a, b, c]


def test_keywords_come_from_the_settings_and_must_be_2_to_255_characters():
    assert keywords({}) == ("補助金", "助成金", "支援", "事業")
    assert keywords({"jgrants_keywords": "補助金, 創業、補助金"}) == ("補助金", "創業")
    for bad in ("補", "補助金,x", "あ" * 256, " , "):
        with pytest.raises(ConnectorError):
            keywords({"jgrants_keywords": bad})
    assert keywords({"jgrants_keywords": "あ" * 255}) == ("あ" * 255,)


# --- live, against a local server -----------------------------------------------------------------

class JgrantsHandler(JsonHandler):
    """Answers like the Jグランツ public API. A search hits the calls whose title holds the keyword."""

    requests: list[tuple[str, dict[str, list[str]]]] = []
    broken = False

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        type(self).requests.append((url.path, query))
        if type(self).broken:
            return self.reply(503, {"message": "Service Unavailable"})
        if url.path == "/subsidies":
            keyword = query.get("keyword", [""])[0]
            if not 2 <= len(keyword) <= 255:
                return self.reply(400, {"message": "keyword must be between 2 and 255 characters"})
            hits = [item for item in LISTING["result"] if keyword in item["title"]]
            return self.reply(200, {"metadata": {"type": "application/json", "resultset": {"count": len(hits)}},
                                    "result": hits})
        if url.path.startswith("/subsidies/id/"):
            call_id = url.path.rsplit("/", 1)[1]
            if call_id in DETAILS:
                return self.reply(200, DETAILS[call_id])
            return self.reply(404, {"message": "Not Found"})
        return self.reply(404, {"message": "Not Found"})


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with serving(JgrantsHandler) as url:
        yield url


@pytest.fixture
def handler() -> Iterator[type[JgrantsHandler]]:
    JgrantsHandler.requests.clear()
    JgrantsHandler.broken = False
    yield JgrantsHandler
    JgrantsHandler.broken = False


class NoHttp:
    def get(self, url, params=None, headers=None):  # pragma: no cover - must not be called
        raise AssertionError("sandbox mode makes no HTTP calls")


def fetch(number: str = NUMBER, *, mode: str = "live", base: str = "", http=None, **settings: str) -> list:
    if base:
        settings["jgrants_base_url"] = base
    context = FetchContext(corporate_number=number, mode=mode,
                           http=http or (UrllibHttp() if mode == "live" else NoHttp()),
                           today=date(2026, 3, 1), settings=settings)
    return list(JgrantsConnector().fetch(context))


def test_live_fetch_unions_the_keyword_searches_and_reads_each_detail_once(server_url, handler):
    records = fetch(base=server_url)
    assert all(isinstance(r, SupportMeasureRecord) for r in records)  # no 申請履歴 in live mode
    assert [r.external_id for r in records] == ORDER
    assert records[0] == SHORYOKU_RECORD
    searches = [q for path, q in handler.requests if path == "/subsidies"]
    assert [q["keyword"] for q in searches] == [["補助金"], ["助成金"], ["支援"], ["事業"]]
    assert all((q["sort"], q["order"], q["acceptance"]) == (["acceptance_end_datetime"], ["ASC"], ["1"])
               for q in searches)
    details = sorted(path for path, _ in handler.requests if path.startswith("/subsidies/id/"))
    assert details == sorted(f"/subsidies/id/{i}" for i in ORDER)  # 創業支援事業補助金 hit 3 times, read once


def test_live_fetch_uses_the_configured_keywords(server_url, handler):
    records = fetch(base=server_url, jgrants_keywords="助成金,テレワーク")
    assert [r.external_id for r in records] == [TELEWORK]
    assert [q["keyword"] for p, q in handler.requests if p == "/subsidies"] == [["助成金"], ["テレワーク"]]


def test_the_server_refuses_a_one_character_keyword_like_the_real_api(server_url, handler):
    response = UrllibHttp().get(f"{server_url}/subsidies", params={"keyword": "補", "acceptance": "1"})
    assert response.status == 400
    with pytest.raises(ConnectorError):
        response.raise_for_status()


def test_a_one_character_keyword_is_refused_before_any_request(server_url, handler):
    with pytest.raises(ConnectorError, match="2〜255文字"):
        fetch(base=server_url, jgrants_keywords="補")
    assert handler.requests == []


def test_a_server_error_is_upstream_error(server_url, handler):
    handler.broken = True
    with pytest.raises(UpstreamError):
        fetch(base=server_url)


def test_a_call_withdrawn_before_its_detail_is_left_out(server_url, handler, monkeypatch):
    ghost = {**LISTING["result"][0], "id": "a0WJ200000GONE1MAD", "title": "公募終了した補助金"}
    monkeypatch.setitem(LISTING, "result", [*LISTING["result"], ghost])
    records = fetch(base=server_url)
    assert [r.external_id for r in records] == ORDER
    assert ("/subsidies/id/a0WJ200000GONE1MAD", {}) in handler.requests


def test_an_unreadable_answer_is_upstream_error():
    class Html:
        def get(self, url, params=None, headers=None):
            return HttpResponse(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>")

    with pytest.raises(UpstreamError):
        fetch(http=Html())


def test_the_default_base_url_is_the_real_service():
    seen = []

    class Recorder:
        def get(self, url, params=None, headers=None):
            seen.append((url, dict(params or {})))
            if url.endswith("/subsidies"):
                body = LISTING if params["keyword"] == "事業" else {**LISTING, "result": []}
            else:
                body = DETAILS[url.rsplit("/", 1)[1]]
            return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    assert [r.external_id for r in fetch(http=Recorder())] == ORDER
    base = "https://api.jgrants-portal.go.jp/exp/v1/public"
    assert seen[0] == (f"{base}/subsidies", {"keyword": "補助金", "sort": "acceptance_end_datetime",
                                             "order": "ASC", "acceptance": "1"})
    assert seen[4] == (f"{base}/subsidies/id/{SHORYOKU}", {})


# --- sandbox --------------------------------------------------------------------------------------

def test_sandbox_measures_are_the_live_records_from_the_fixtures(server_url, handler):
    records = fetch(mode="sandbox")
    measures = [r for r in records if isinstance(r, SupportMeasureRecord)]
    assert measures == fetch(base=server_url)
    assert measures[0] == SHORYOKU_RECORD


def test_sandbox_history_for_a_number_in_the_fixture():
    history = [r for r in fetch(mode="sandbox") if isinstance(r, ApplicationRecord)]
    assert history == [
        ApplicationRecord(external_id="APP-2025-000318", measure_title="中小企業省力化投資補助金（一般型）",
                          measure_external_id=SHORYOKU, applied_on=date(2025, 9, 12), status="交付決定",
                          requested_amount=12_000_000, granted_amount=10_500_000),
        ApplicationRecord(external_id="APP-2026-000041", measure_title="事業承継・M&A補助金（専門家活用枠）",
                          measure_external_id=SHOKEI, applied_on=date(2026, 3, 2), status="審査中",
                          requested_amount=4_000_000, granted_amount=None),
    ]


def test_sandbox_is_deterministic_per_corporate_number():
    first = fetch("1000000000001", mode="sandbox")
    assert first == fetch("1000000000001", mode="sandbox")
    history = [r for r in first if isinstance(r, ApplicationRecord)]
    assert [r.external_id for r in history] == ["APP-SBX-1-000001", "APP-SBX-2-000001"]
    assert history[0].measure_external_id == SOGYO
    assert history[0].requested_amount == 800_000 + (1000000000001 % 50) * 100_000
    other = [r for r in fetch("1000000000002", mode="sandbox") if isinstance(r, ApplicationRecord)]
    assert [r.external_id for r in other] == ["APP-SBX-1-000002", "APP-SBX-2-000002"]
    assert other[0].requested_amount != history[0].requested_amount


def test_sandbox_history_needs_a_well_formed_number():
    with pytest.raises(ConnectorError, match="13桁"):
        fetch("123", mode="sandbox")
