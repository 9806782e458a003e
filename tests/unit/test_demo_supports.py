"""Checks on the shipped demo 支援制度 (portal/demo/supports.json): shape of every record, valid
taxonomy codes, links between measures, and the spread of purposes, stages, kinds of support,
industries, regions and call statuses that makes the 支援制度ナビ demo worth searching."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from portal import taxonomy

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

SUPPORTS_FILE = Path(__file__).resolve().parents[2] / "portal" / "demo" / "supports.json"

TEXT_FIELDS = ("id", "title", "subtitle", "summary", "body", "target", "usage", "inquiry",
               "support_organization", "reception_remarks")
LIST_FIELDS = ("authorities", "prefectures", "purposes", "stages", "services", "service_subkinds",
               "industries", "keywords", "related")
OPTIONAL_INT_FIELDS = ("reception_start_offset", "reception_end_offset", "max_employees", "max_capital",
                       "max_established_years")
AUTHORITY_KINDS = {"gov", "lgov", "other"}


def _load() -> dict:
    with SUPPORTS_FILE.open(encoding="utf-8") as f:
        return json.load(f)


DOC = _load()
ITEMS: list[dict] = DOC["items"]
BY_ID = {item["id"]: item for item in ITEMS}


def _item_id(item: dict) -> str:
    return str(item.get("id", "?"))


def status(item: dict) -> str:
    """open / always / closed / unknown / upcoming, from the offsets and the remarks."""
    start, end = item["reception_start_offset"], item["reception_end_offset"]
    if start is None and end is None:
        remarks = item["reception_remarks"] or ""
        return "always" if ("常時受付" in remarks or "随時受付" in remarks) else "unknown"
    if end is not None and end < 0:
        return "closed"
    if start is not None and start > 0:
        return "upcoming"
    return "open"


# --- the file as a whole -------------------------------------------------------------------------

def test_top_level_shape():
    assert set(DOC) >= {"attribution", "generated_for", "items"}
    assert DOC["generated_for"] == "demo"
    assert isinstance(DOC["attribution"], str) and DOC["attribution"].strip()
    assert isinstance(ITEMS, list)


def test_there_are_at_least_150_measures():
    assert len(ITEMS) >= 150


def test_ids_are_unique_and_well_formed():
    ids = [_item_id(i) for i in ITEMS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"demo-s-\d{3}", i) for i in ids), ids


def test_titles_are_not_repeated():
    titles = Counter(i["title"] for i in ITEMS)
    assert [t for t, n in titles.items() if n > 1] == []


def test_texts_do_not_read_as_copies():
    for field in ("summary", "body"):
        texts = Counter(i[field] for i in ITEMS)
        assert [t[:40] for t, n in texts.items() if n > 1] == [], field


# --- every record --------------------------------------------------------------------------------

@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_required_fields_are_filled_in(item):
    for field in TEXT_FIELDS:
        assert isinstance(item.get(field), str) and item[field].strip(), field
    for field in LIST_FIELDS:
        assert isinstance(item.get(field), list), field
    for field in ("authorities", "purposes", "stages", "services", "service_subkinds", "keywords"):
        assert item[field], f"{field} is empty"
    for field in OPTIONAL_INT_FIELDS:
        value = item.get(field, "missing")
        assert value is None or (isinstance(value, int) and not isinstance(value, bool)), field
    assert isinstance(item.get("updated_offset"), int) and item["updated_offset"] <= 0
    assert item["subtitle"].startswith("こんな方に：")  # the full-width colon of Japanese text
    assert all(isinstance(k, str) and k.strip() for k in item["keywords"])


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_codes_are_known_and_consistent(item):
    assert set(item["purposes"]) <= set(taxonomy.PURPOSES)
    assert set(item["stages"]) <= set(taxonomy.STAGES)
    assert set(item["services"]) <= set(taxonomy.SERVICES)
    assert set(item["service_subkinds"]) <= set(taxonomy.SERVICE_SUBKINDS)
    assert set(item["industries"]) <= set(taxonomy.INDUSTRIES)
    assert set(item["prefectures"]) <= set(taxonomy.PREFECTURES)
    for field in ("purposes", "stages", "services", "service_subkinds", "industries", "prefectures"):
        assert len(set(item[field])) == len(item[field]), f"duplicate in {field}"
    parents = {taxonomy.SERVICE_SUBKINDS[s][0] for s in item["service_subkinds"]}
    assert parents == set(item["services"])


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_authorities_and_local_measures(item):
    for authority in item["authorities"]:
        assert isinstance(authority.get("name"), str) and authority["name"].strip()
        assert authority.get("kind") in AUTHORITY_KINDS
    kinds = {a["kind"] for a in item["authorities"]}
    if kinds == {"lgov"}:
        assert item["prefectures"], "a purely local measure must name its prefecture"


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_reception_offsets_and_links(item):
    start, end = item["reception_start_offset"], item["reception_end_offset"]
    if start is not None and end is not None:
        assert start <= end
    if start is None and end is None:
        assert item["reception_remarks"].strip()
    url = item.get("application_url")
    assert url is None or re.fullmatch(r"https://[^\s<>\"]+", url)
    assert item["id"] not in item["related"]
    assert len(set(item["related"])) == len(item["related"])


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_fit_conditions_are_plausible(item):
    if item["max_employees"] is not None:
        assert 1 <= item["max_employees"] <= 5000
    if item["max_capital"] is not None:
        assert 1_000_000 <= item["max_capital"] <= 10_000_000_000
    if item["max_established_years"] is not None:
        assert 1 <= item["max_established_years"] <= 30


@pytest.mark.parametrize("item", ITEMS, ids=_item_id)
def test_text_is_plain_markdown_without_real_phone_numbers(item):
    for field in ("title", "subtitle", "summary", "body", "target", "usage", "inquiry"):
        assert "<" not in item[field], f"raw HTML in {field}"
        for number in re.findall(r"\d{2,5}-\d{1,4}-\d{3,4}", item[field]):
            assert set(number.split("-", 1)[1]) <= {"0", "-"}, f"phone-like number {number} in {field}"
    assert "■" in item["body"], "body should use ■ headings"


def test_related_ids_exist():
    missing = sorted({r for i in ITEMS for r in i["related"]} - set(BY_ID))
    assert missing == []


# --- spread --------------------------------------------------------------------------------------

def _usage(field: str) -> Counter:
    return Counter(v for i in ITEMS for v in i[field])


@pytest.mark.parametrize(
    "field,table",
    [
        ("purposes", taxonomy.PURPOSES),
        ("stages", taxonomy.STAGES),
        ("services", taxonomy.SERVICES),
        ("service_subkinds", taxonomy.SERVICE_SUBKINDS),
    ],
)
def test_every_taxonomy_value_is_used_at_least_twice(field, table):
    counts = _usage(field)
    assert {k: counts[k] for k in table if counts[k] < 2} == {}


def test_most_measures_have_no_industry_restriction_and_restrictions_cover_12_industries():
    restricted = [i for i in ITEMS if i["industries"]]
    assert len(restricted) < len(ITEMS) / 2
    assert len({letter for i in restricted for letter in i["industries"]}) >= 12


def test_measures_cover_at_least_30_prefectures_and_every_region():
    prefectures = {p for i in ITEMS for p in i["prefectures"]}
    assert len(prefectures) >= 30
    counts = Counter(taxonomy.region_of(p) for i in ITEMS for p in set(i["prefectures"]))
    assert {r: counts[r] for r in taxonomy.REGIONS if counts[r] < 2} == {}


def test_there_are_nationwide_and_local_measures():
    nationwide = [i for i in ITEMS if not i["prefectures"]]
    local = [i for i in ITEMS if i["prefectures"]]
    assert len(nationwide) >= 40
    assert len(local) >= 60


def test_status_mix():
    counts = Counter(status(i) for i in ITEMS)
    for name in ("open", "always", "closed", "unknown"):
        assert counts[name] >= 0.10 * len(ITEMS), (name, counts)
    assert counts["open"] >= counts["unknown"]


def test_some_deadlines_fall_within_the_next_week():
    soon = [i for i in ITEMS if status(i) == "open" and i["reception_end_offset"] is not None
            and i["reception_end_offset"] <= 7]
    assert len(soon) >= 3


def test_fit_conditions_are_given_on_at_least_25_measures():
    fit = [i for i in ITEMS if any(i[f] is not None for f in ("max_employees", "max_capital", "max_established_years"))]
    assert len(fit) >= 25


def test_key_national_programmes_are_present():
    titles = " ".join(i["title"] for i in ITEMS)
    for name in ("ものづくり", "IT導入補助金", "小規模事業者持続化補助金", "事業承継・引継ぎ補助金", "事業再構築補助金",
                 "省力化投資補助金", "セーフティネット保証", "危機関連保証", "経営力向上計画", "経営革新計画",
                 "先端設備等導入計画", "経営強化税制", "事業承継税制", "賃上げ促進税制", "資本性ローン", "マル経",
                 "経営セーフティ共済", "小規模企業共済", "事業承継・引継ぎ支援センター", "よろず支援拠点", "専門家派遣",
                 "知財総合支援窓口", "外国出願", "雇用調整助成金", "キャリアアップ助成金", "人材開発支援助成金",
                 "業務改善助成金", "両立支援等助成金", "グループ補助金", "活性化協議会", "経営者保証",
                 "官公需", "省エネ", "下請かけこみ寺", "特定創業支援等事業", "商店街"):
        assert name in titles, name
