"""The 認定支援機関 connector: live against a local server serving the list as CSV, and its sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import ClassVar

import pytest

from connectors.agency.connector import AgencyConnector, parse_date, parse_list, sandbox_agencies
from portal.connector_registry import connector_problems
from portal.sdk import ConnectorError, Credentials, FetchContext, SupportAgencyRecord, UpstreamError
from tests.connectors.http import JsonHandler, UrllibHttp, serving

TODAY = date(2026, 11, 27)
HEADER = "認定番号,機関名,種別,認定日,有効期限,都道府県,所在地,電話番号,ウェブサイト,得意分野,対応地域"
ROWS = [
    ("200013000001,株式会社テスト経営サポート,コンサルティング会社,2024-03-28,2029-03-27,東京都,"
     "東京都新宿区西新宿2-8-1,03-5555-0001,https://test-support.example.jp/,\"事業計画、補助金申請\",\"東京都、埼玉県\""),
    ("200027000002,なにわ会計事務所,税理士,2016/4/1,2021/3/31,大阪府,大阪府大阪市中央区本町1-1-1,06-6555-0002,,"
     "税務・会計,大阪府"),
]
LIST = "\r\n".join([HEADER, *ROWS]) + "\r\n"
EXPECTED = SupportAgencyRecord(
    certification_number="200013000001", name="株式会社テスト経営サポート", kind="コンサルティング会社",
    certified_on=date(2024, 3, 28), valid_until=date(2029, 3, 27), prefecture="東京都",
    address="東京都新宿区西新宿2-8-1", phone="03-5555-0001", url="https://test-support.example.jp/",
    specialties=("事業計画", "補助金申請"), regions=("東京都", "埼玉県"),
)
# A list in another column order, with extra columns and the aliases 連絡先 and URL.
REORDERED = ("No,URL,連絡先,機関名,認定番号,備考\r\n"
             "1,https://test-support.example.jp/,03-5555-0001,株式会社テスト経営サポート,200013000001,なし\r\n")

BODIES: dict[str, tuple[int, bytes, str]] = {
    "/bom.csv": (200, LIST.encode("utf-8-sig"), "text/csv"),
    "/plain.csv": (200, LIST.encode("utf-8"), "text/csv"),
    "/sjis.csv": (200, LIST.encode("shift_jis"), "text/csv"),
    "/reordered.csv": (200, REORDERED.encode("utf-8"), "text/csv"),
    "/error.csv": (500, b"Internal Server Error", "text/plain"),
    "/maintenance.csv": (200, "<html><body>メンテナンス中です</body></html>".encode(), "text/html"),
    "/baddate.csv": (200, (HEADER + "\r\n200013000001,テスト,税理士,昨日,,,,,,,\r\n").encode("utf-8"), "text/csv"),
    "/empty.csv": (200, b"", "text/csv"),
}


class ListHandler(JsonHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        status, body, content_type = BODIES.get(self.path, (404, b"Not Found", "text/plain"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def list_server() -> Iterator[str]:
    with serving(ListHandler) as url:
        yield url


class NoHttp:
    def get(self, url, params=None, headers=None):  # pragma: no cover - must not be called
        raise AssertionError("sandbox mode makes no HTTP calls")


def fetch(number: str | None = "200013000001", *, mode: str = "live", list_url: str | None = None,
          corporate_number: str = "7123456789012", today: date = TODAY) -> list[SupportAgencyRecord]:
    context = FetchContext(
        corporate_number=corporate_number, mode=mode, http=UrllibHttp() if mode == "live" else NoHttp(), today=today,
        credentials=Credentials(fields={"certification_number": number} if number else {}),
        settings={"list_url": list_url} if list_url else {},
    )
    return list(AgencyConnector().fetch(context))


def test_the_connector_asks_for_the_certification_number_as_a_plain_field():
    assert connector_problems(AgencyConnector) == []
    assert (AgencyConnector.name, AgencyConnector.title) == ("agency", "認定支援機関")
    assert AgencyConnector.auth.kind == "api_key"
    [field] = AgencyConnector.auth.fields
    assert (field.name, field.secret) == ("certification_number", False)


@pytest.mark.parametrize("path", ["/bom.csv", "/plain.csv", "/sjis.csv"])
def test_live_fetch_finds_the_agency_in_the_list_in_any_encoding(list_server, path):
    ListHandler.requests.clear()
    assert fetch(list_url=list_server + path) == [EXPECTED]
    assert ListHandler.requests == [path]


def test_a_number_typed_in_full_width_with_spaces_is_found(list_server):
    assert fetch("２０００ １３００ ０００１", list_url=list_server + "/bom.csv") == [EXPECTED]


def test_columns_are_found_by_their_header_in_any_order(list_server):
    [record] = fetch(list_url=list_server + "/reordered.csv")
    assert (record.name, record.phone, record.url, record.kind) == (
        "株式会社テスト経営サポート", "03-5555-0001", "https://test-support.example.jp/", None)


def test_a_number_not_in_the_list_is_a_japanese_error(list_server):
    with pytest.raises(ConnectorError) as raised:
        fetch("999999999999", list_url=list_server + "/bom.csv")
    assert raised.value.message.startswith("認定番号 999999999999 は、認定支援機関の一覧に見つかりませんでした")


def test_an_expired_certification_is_refused_with_its_expiry_date(list_server):
    with pytest.raises(ConnectorError) as raised:
        fetch("200027000002", list_url=list_server + "/bom.csv")
    assert "有効期限（2021年3月31日）が過ぎています" in raised.value.message


def test_the_last_day_of_validity_still_counts(list_server):
    assert fetch("200027000002", list_url=list_server + "/bom.csv", today=date(2021, 3, 31))[0].name == "なにわ会計事務所"


def test_a_missing_list_is_upstream_error_with_its_own_message(list_server):
    with pytest.raises(UpstreamError) as raised:
        fetch(list_url=list_server + "/moved.csv")
    assert "一覧が取得先に見つかりませんでした" in raised.value.message


@pytest.mark.parametrize("path", ["/error.csv", "/maintenance.csv", "/baddate.csv", "/empty.csv"])
def test_a_failing_or_malformed_list_is_upstream_error(list_server, path):
    with pytest.raises(UpstreamError):
        fetch(list_url=list_server + path)


def test_live_mode_needs_the_list_url_and_the_number(list_server):
    with pytest.raises(ConnectorError, match="取得先が設定されていません"):
        fetch()
    ListHandler.requests.clear()
    with pytest.raises(ConnectorError, match="認定番号が登録されていません"):
        fetch(None, list_url=list_server + "/bom.csv")
    assert ListHandler.requests == []


@pytest.mark.parametrize("text, expected", [
    ("2024-03-31", date(2024, 3, 31)), ("2024/3/1", date(2024, 3, 1)), ("2024年3月31日", date(2024, 3, 31)),
    ("令和6年3月31日", date(2024, 3, 31)), ("令和元年5月1日", date(2019, 5, 1)), ("", None),
])
def test_dates_in_the_forms_lists_use(text, expected):
    assert parse_date(text) == expected


def test_sandbox_agencies_are_made_up_varied_and_mostly_valid():
    agencies = sandbox_agencies()
    assert 10 <= len(agencies) <= 20
    assert len({a.certification_number for a in agencies}) == len(agencies)
    assert len({a.kind for a in agencies}) >= 7 and len({a.prefecture for a in agencies}) >= 10
    assert all(a.url is None or ".example.jp/" in a.url for a in agencies)
    assert [a.name for a in agencies if a.valid_until < TODAY] == ["港町税理士事務所"]


def test_sandbox_uses_the_typed_number_or_the_fixture_choice_for_the_corporate_number():
    assert fetch("109927000103", mode="sandbox")[0].name == "若葉会計事務所"
    assert fetch(None, mode="sandbox", corporate_number="7123456789012")[0].name == "みなと信用金庫"
    assert fetch(None, mode="sandbox", corporate_number="8010401098765")[0].name == "株式会社みらい経営支援センター"


def test_sandbox_choice_is_deterministic_and_never_an_expired_agency():
    chosen = {fetch(None, mode="sandbox", corporate_number=f"{n:013d}")[0].name for n in range(1, 40)}
    assert chosen == {fetch(None, mode="sandbox", corporate_number=f"{n:013d}")[0].name for n in range(1, 40)}
    assert len(chosen) > 5 and "港町税理士事務所" not in chosen


def test_sandbox_refuses_an_expired_number_like_live_mode():
    with pytest.raises(ConnectorError, match="有効期限"):
        fetch("109914000104", mode="sandbox")


def test_parse_list_skips_blank_lines():
    content = (HEADER + "\r\n,,,,,,,,,,\r\n" + ROWS[0] + "\r\n").encode("utf-8")
    assert parse_list(content) == [EXPECTED]


def test_the_portal_loads_it_as_a_builtin_and_lists_it(app):
    from portal.plugins import connectors

    assert connectors(app)["agency"].distribution == "sme-portal"
    output = app.test_cli_runner().invoke(args=["plugins"]).output
    assert "コネクタ agency「認定支援機関」" in output
