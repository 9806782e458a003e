"""The connector: Jグランツ public API (domain.md §4) → 支援制度, plus a sandbox 申請履歴.

Live mode: the API has no "list all", so `GET {base}/subsidies?keyword=…&sort=acceptance_end_datetime
&order=ASC&acceptance=1` is asked once per broad keyword (setting `jgrants_keywords`, separated by
commas; each 2–255 characters as the API requires), the hits are unioned by `id`, and
`GET {base}/subsidies/id/{id}` adds each call's detail. A call whose detail answers 404 was withdrawn
between the two requests and is left out. The detail's base64 file arrays are never read.

Times: Jグランツ sends ISO-8601 UTC instants; `SupportMeasureRecord.acceptance_start/end` are
datetimes, so they keep the exact instant, converted to Japan time (UTC+9, aware). Nothing is
rounded to a day here: `2026-03-31T15:00:00Z` becomes `2026-04-01 00:00+09:00`, which is how
Jグランツ writes 「3月31日24時まで」. Whoever shows the end as a calendar day must take 00:00 JST as the
end of the previous day (as `portal.content.importers.jgrants.japan_date(end=True)` does);
`japan_day()` below does exactly that.

申請履歴: there is no public API, so live mode yields none; sandbox mode yields deterministic
`ApplicationRecord`s per 法人番号 from `fixtures/applications.json` (the number's own entries, or
the default entries made distinct by the number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from importlib import resources

from portal.sdk import (
    ApplicationRecord,
    AuthSpec,
    Connector,
    ConnectorError,
    FetchContext,
    Record,
    SupportMeasureRecord,
    UpstreamError,
)

DEFAULT_BASE_URL = "https://api.jgrants-portal.go.jp/exp/v1/public"
DEFAULT_KEYWORDS = ("補助金", "助成金", "支援", "事業")
ATTRIBUTION = "Jグランツ（jGrants）からの出典"
JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving time
KEYWORD_MIN, KEYWORD_MAX = 2, 255


class JgrantsConnector(Connector):
    name = "jgrants"
    title = "Jグランツ（補助金の電子申請）"
    version = "0.1.0"
    description = ("デジタル庁のJグランツ公開APIから、受付中の補助金（名称・補助上限額・補助率・受付期間・"
                   "対象地域）を取り込みます。申請履歴はJグランツに公開APIがないため、サンドボックスのみです。")
    auth = AuthSpec.none()
    reads = ("公募中の補助金、あなたの申請履歴（サンドボックス）",)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[Record]:
        if context.mode == "sandbox":
            yield from measures(sandbox_calls(keywords(context.settings)))
            yield from sandbox_applications(context.corporate_number)
        else:
            yield from measures(live_calls(context))


# --- keywords and the union of searches -----------------------------------------------------------

def keywords(settings: Mapping[str, str]) -> tuple[str, ...]:
    """The search keywords: setting `jgrants_keywords` (comma- or 、-separated) or the defaults."""
    raw = settings.get("jgrants_keywords")
    words = DEFAULT_KEYWORDS if raw is None else tuple(
        w.strip() for w in re.split(r"[,、，\n]", raw) if w.strip())
    if not words:
        raise ConnectorError("Jグランツの検索キーワードが設定されていません。", detail="jgrants_keywords empty")
    for word in words:
        if not KEYWORD_MIN <= len(word) <= KEYWORD_MAX:
            raise ConnectorError("Jグランツの検索キーワードは2〜255文字にしてください。",
                                 detail=f"bad keyword {word!r}")
    return tuple(dict.fromkeys(words))


def union_by_id(results: Iterable[Iterable[Mapping[str, object]]]) -> list[Mapping[str, object]]:
    """The list items of several searches, each `id` once (the first time it is seen)."""
    seen: dict[str, Mapping[str, object]] = {}
    for items in results:
        for item in items:
            seen.setdefault(_id(item), item)
    return list(seen.values())


def live_calls(context: FetchContext) -> Iterator[Mapping[str, object]]:
    """Each open call as the list item merged with its detail."""
    base_url = context.settings.get("jgrants_base_url", DEFAULT_BASE_URL).rstrip("/")
    http = context.http

    def search(keyword: str) -> list[Mapping[str, object]]:
        params = {"keyword": keyword, "sort": "acceptance_end_datetime", "order": "ASC", "acceptance": "1"}
        return result_items(http.get(f"{base_url}/subsidies", params=params).raise_for_status().json())

    for item in union_by_id(search(word) for word in keywords(context.settings)):
        response = http.get(f"{base_url}/subsidies/id/{_id(item)}")
        if response.status == 404:  # withdrawn between the search and now
            continue
        yield {**item, **detail_item(response.raise_for_status().json())}


def sandbox_calls(words: Iterable[str]) -> Iterator[Mapping[str, object]]:
    """Like `live_calls`, from the fixtures: a search hits the items whose title holds the keyword."""
    listing = result_items(_fixture("subsidies.json"))
    details = _fixture("subsidy_details.json")
    for item in union_by_id([i for i in listing if w in str(i.get("title", ""))] for w in words):
        yield {**item, **detail_item(details[_id(item)])}


# --- response shapes ------------------------------------------------------------------------------

def result_items(body: object) -> list[Mapping[str, object]]:
    """The `result` list of a response; UpstreamError when the shape is not Jグランツ's."""
    if not isinstance(body, dict) or not isinstance(body.get("result"), list):
        raise UpstreamError(detail="no 'result' list in the Jグランツ response")
    items = body["result"]
    if not all(isinstance(item, dict) and _id(item) for item in items):
        raise UpstreamError(detail="a Jグランツ result item is not an object with an id")
    return items


def detail_item(body: object) -> Mapping[str, object]:
    items = result_items(body)
    if len(items) != 1:
        raise UpstreamError(detail=f"detail 'result' has {len(items)} items, not 1")
    return items[0]


def _id(item: Mapping[str, object]) -> str:
    value = item.get("id") if isinstance(item, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


# --- fields ---------------------------------------------------------------------------------------

def measures(calls: Iterable[Mapping[str, object]]) -> list[SupportMeasureRecord]:
    """The records, by acceptance end (open-ended last), then id, so every run yields one order."""
    records = [to_measure(call) for call in calls]
    far = datetime.max.replace(tzinfo=JST)
    return sorted(records, key=lambda r: (r.acceptance_end or far, r.external_id))


def to_measure(call: Mapping[str, object]) -> SupportMeasureRecord:
    try:
        return SupportMeasureRecord(
            external_id=_id(call),
            title=_text(call.get("title")) or "",
            management_number=_text(call.get("name")),
            catch_phrase=_text(call.get("subsidy_catch_phrase")),
            detail_html=_text(call.get("detail")),
            target_areas=split_values(call.get("target_area_search")),
            industries=split_values(call.get("industry")),
            use_purposes=split_values(call.get("use_purpose")),
            target_employees=_text(call.get("target_number_of_employees")),
            max_amount=_yen(call.get("subsidy_max_limit")),
            subsidy_rate=_text(call.get("subsidy_rate")),
            acceptance_start=japan_time(call.get("acceptance_start_datetime")),
            acceptance_end=japan_time(call.get("acceptance_end_datetime")),
            url=_text(call.get("front_subsidy_detail_page_url")),
            attribution=ATTRIBUTION,
        )
    except (TypeError, ValueError) as error:  # Jグランツ sent a value we cannot read
        raise UpstreamError(detail=f"unreadable Jグランツ call {_id(call)!r}: {error}") from None


def split_values(value: object) -> tuple[str, ...]:
    """Jグランツ joins several values with "/" (" / " in queries)."""
    text = _text(value)
    return tuple(part.strip() for part in re.split(r"[/／]", text) if part.strip()) if text else ()


def japan_time(value: object) -> datetime | None:
    """An ISO-8601 instant (UTC when it names no offset) as an aware datetime in Japan time."""
    text = _text(value)
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(JST)


def japan_day(moment: datetime | None, *, end: bool = False) -> date | None:
    """The Japanese calendar day of a moment; an end at 00:00 JST is the end of the day before."""
    if moment is None:
        return None
    local = moment.astimezone(JST)
    if end and local.time() == datetime.min.time():
        local -= timedelta(microseconds=1)
    return local.date()


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _yen(value: object) -> int | None:
    """`subsidy_max_limit` in yen; 0 or null means 未設定, hence None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"not an amount: {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9,]+", value.strip()):
        value = int(value.strip().replace(",", ""))
    if not isinstance(value, int):
        raise ValueError(f"not an amount: {value!r}")
    return value or None


# --- sandbox 申請履歴 -------------------------------------------------------------------------------

def sandbox_applications(corporate_number: str) -> list[ApplicationRecord]:
    """The number's own applications from the fixture, or the default ones made its own."""
    if not re.fullmatch(r"[0-9]{13}", corporate_number or ""):
        raise ConnectorError("法人番号（13桁の数字）が正しくないため、申請履歴を用意できません。")
    fixture = _fixture("applications.json")
    own = fixture["applications"].get(corporate_number)
    if own is not None:
        entries = own
    else:
        seed = int(corporate_number)
        entries = [{**entry, "id": f"{entry['id']}-{corporate_number[-6:]}",
                    "requested_amount": entry["requested_amount"] + (seed % 50) * 100_000}
                   for entry in fixture["default"]]
    return [ApplicationRecord(
        external_id=entry["id"],
        measure_title=entry["subsidy_title"],
        measure_external_id=entry.get("subsidy_id"),
        applied_on=date.fromisoformat(entry["applied_on"]) if entry.get("applied_on") else None,
        status=entry.get("status"),
        requested_amount=entry.get("requested_amount"),
        granted_amount=entry.get("granted_amount"),
    ) for entry in entries]


def _fixture(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("fixtures", name).read_text("utf-8"))
