"""Checks on the shipped demo 事例 (portal/demo/cases.json): shape of every record, valid taxonomy
codes, links to measures that exist in portal/demo/supports.json, and the spread of industries,
regions, purposes and measures that makes the 事例ナビ demo worth clicking through."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from portal import taxonomy

DEMO_DIR = Path(__file__).resolve().parents[2] / "portal" / "demo"
CASES_FILE = DEMO_DIR / "cases.json"
SUPPORTS_FILE = DEMO_DIR / "supports.json"

# Measures the cases were written against. Each id must keep meaning this programme: the stories
# describe how its conditions mattered. Alternatives cover ways a title may spell the name.
FIXED_MEASURES: dict[str, tuple[str, ...]] = {
    "demo-s-001": ("ものづくり",),
    "demo-s-002": ("IT導入",),
    "demo-s-003": ("持続化",),
    "demo-s-004": ("事業承継・引継ぎ補助金",),
    "demo-s-005": ("事業再構築",),
    "demo-s-006": ("省力化",),
    "demo-s-007": ("セーフティネット保証",),
    "demo-s-008": ("経営力向上計画",),
    "demo-s-009": ("経営革新計画",),
    "demo-s-010": ("先端設備等導入計画",),
    "demo-s-011": ("経営強化税制",),
    "demo-s-012": ("事業承継税制",),
    "demo-s-013": ("新規開業",),
    "demo-s-014": ("資本性ローン", "挑戦支援資本強化"),
    "demo-s-015": ("マル経", "小規模事業者経営改善資金"),
    "demo-s-016": ("よろず支援拠点",),
    "demo-s-017": ("事業承継・引継ぎ支援センター",),
    "demo-s-018": ("JETRO", "ジェトロ", "日本貿易振興機構"),
    "demo-s-019": ("知財総合支援窓口",),
    "demo-s-020": ("業務改善助成金",),
    "demo-s-021": ("キャリアアップ助成金",),
    "demo-s-022": ("人材開発支援助成金",),
    "demo-s-023": ("グループ補助金", "グループ施設等復旧整備"),
    "demo-s-024": ("活性化協議会",),
    "demo-s-025": ("専門家派遣",),
}

TEXT_FIELDS = ("id", "title", "summary", "background", "challenges", "results")
COMPANY_TYPES = {"法人", "個人事業主"}


def _load_cases() -> list[dict]:
    with CASES_FILE.open(encoding="utf-8") as f:
        data = json.load(f)
    assert isinstance(data, dict) and isinstance(data.get("items"), list)
    return data["items"]


CASES = _load_cases()


def _case_id(case: dict) -> str:
    return str(case.get("id", "?"))


def _load_supports() -> dict[str, dict]:
    assert SUPPORTS_FILE.exists(), f"{SUPPORTS_FILE} is missing; the demo cases link to it"
    with SUPPORTS_FILE.open(encoding="utf-8") as f:
        data = json.load(f)
    items = data["items"] if isinstance(data, dict) else data
    return {str(item["id"]): item for item in items}


def test_there_are_at_least_80_cases():
    assert len(CASES) >= 80


def test_case_ids_are_unique_and_well_formed():
    ids = [_case_id(c) for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"demo-c-\d{3}", i) for i in ids), ids


def test_titles_and_company_names_are_not_repeated():
    titles = Counter(c["title"] for c in CASES)
    names = Counter(c["company"]["name"] for c in CASES)
    assert [t for t, n in titles.items() if n > 1] == []
    assert [t for t, n in names.items() if n > 1] == []


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case_has_every_required_field_filled_in(case):
    for field in TEXT_FIELDS:
        assert isinstance(case.get(field), str) and case[field].strip(), field
    company = case.get("company") or {}
    assert isinstance(company.get("name"), str) and company["name"].strip()
    assert company.get("type") in COMPANY_TYPES
    assert isinstance(company.get("employees"), int) and 1 <= company["employees"] <= 300
    assert isinstance(case.get("year"), int) and 2019 <= case["year"] <= 2025
    assert case.get("purposes") and case.get("stages")
    assert 1 <= len(case.get("supports") or []) <= 3
    keywords = case.get("keywords") or []
    assert keywords and all(isinstance(k, str) and k.strip() for k in keywords)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case_uses_known_taxonomy_codes(case):
    assert set(case["purposes"]) <= set(taxonomy.PURPOSES)
    assert set(case["stages"]) <= set(taxonomy.STAGES)
    assert len(set(case["purposes"])) == len(case["purposes"])
    assert len(set(case["stages"])) == len(case["stages"])
    assert case["company"]["industry"] in taxonomy.INDUSTRIES
    assert case["company"]["prefecture"] in taxonomy.PREFECTURES


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case_text_is_plain_markdown_with_concrete_results(case):
    for field in ("summary", "background", "challenges", "results"):
        assert "<" not in case[field], f"raw HTML in {field}"
    assert re.search(r"[0-9０-９]", case["results"]), "results should give numbers"


def test_every_linked_measure_exists_in_the_demo_measures():
    supports = _load_supports()
    missing = sorted({s for c in CASES for s in c["supports"]} - set(supports))
    assert missing == []


def test_fixed_measure_ids_still_name_the_programmes_the_cases_describe():
    supports = _load_supports()
    wrong = []
    for measure_id, names in FIXED_MEASURES.items():
        item = supports.get(measure_id)
        title = f"{item.get('title', '')} {item.get('subtitle') or ''}" if item else ""
        if not any(name in title for name in names):
            wrong.append((measure_id, title or "(missing)"))
    assert wrong == []


def test_every_fixed_measure_is_used_by_at_least_two_cases():
    counts = Counter(s for c in CASES for s in set(c["supports"]))
    assert {m: counts[m] for m in FIXED_MEASURES if counts[m] < 2} == {}


def test_cases_cover_at_least_15_industries():
    assert len({c["company"]["industry"] for c in CASES}) >= 15


def test_cases_cover_at_least_35_prefectures_and_all_regions():
    prefectures = {c["company"]["prefecture"] for c in CASES}
    assert len(prefectures) >= 35
    regions = {taxonomy.region_of(p) for p in prefectures}
    assert regions == set(taxonomy.REGIONS)


def test_every_purpose_is_used_at_least_three_times():
    counts = Counter(p for c in CASES for p in c["purposes"])
    assert {p: counts[p] for p in taxonomy.PURPOSES if counts[p] < 3} == {}


def test_stages_are_spread_widely():
    used = {s for c in CASES for s in c["stages"]}
    assert len(used) >= 15
    groups = {taxonomy.STAGES[s][1] for s in used}
    assert {"創業期", "成長期・成熟期", "転換期"} <= groups


def test_years_company_sizes_and_types_vary():
    years = {c["year"] for c in CASES}
    assert years == set(range(2019, 2026))
    employees = [c["company"]["employees"] for c in CASES]
    assert min(employees) == 1 and max(employees) >= 250
    assert {c["company"]["type"] for c in CASES} == COMPANY_TYPES
