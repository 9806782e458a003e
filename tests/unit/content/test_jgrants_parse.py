"""Reading Jグランツ list and detail responses (domain.md §4): Japanese dates from UTC instants,
areas and industries as the portal's codes, 利用目的 through the documented mapping, the
attribution kept, and the base64 files never read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from portal import taxonomy
from portal.content.importers import jgrants
from portal.content.records import ImportFormatError

from .fixtures import JGRANTS_DETAIL, JGRANTS_LIST, load


@pytest.fixture
def listed():
    return {r.source_id: r for r in jgrants.parse_supports(load(JGRANTS_LIST))}


@pytest.fixture
def detail():
    (record,) = jgrants.parse_supports(load(JGRANTS_DETAIL))
    return record


def test_list_items_become_subsidies_with_the_attribution(listed):
    r = listed["a0W5h00000TEST01AAA"]
    assert (r.source, r.number, r.title) == ("jgrants", "S-00000001", "令和5年度 試験用設備導入補助金")
    assert r.summary == "" and r.body == "" and r.body_format == "html"
    assert r.reference == "Jグランツ（jGrants）からの出典"
    assert r.tags == {"service": ["3"], "subkind": ["13"]}  # 全国: no prefecture tag
    assert r.subsidy_max_limit == 15_000_000 and r.max_employees is None
    assert r.authorities == [{"name": "Jグランツ掲載（所管省庁は詳細参照）", "kind": "other"}]


def test_call_periods_are_japanese_dates(listed):
    first, second = listed["a0W5h00000TEST01AAA"], listed["a0W5h00000TEST02AAA"]
    assert (first.reception_start, first.reception_end) == (date(2023, 9, 28), date(2023, 11, 30))
    # 16:30 UTC is 1:30 the next morning in Japan; 15:00 UTC is midnight, the end of the day before.
    assert (second.reception_start, second.reception_end) == (date(2024, 4, 1), date(2024, 4, 30))
    assert listed["a0W5h00000TEST03AAA"].reception_start is None


def test_areas_regions_and_prefectures_become_jis_codes(listed):
    assert listed["a0W5h00000TEST02AAA"].tags["prefecture"] == ["02", "03", "04", "05", "06", "07", "13"]
    assert listed["a0W5h00000TEST03AAA"].tags["prefecture"] == ["22"]


def test_employee_classes_and_unset_limits(listed):
    assert listed["a0W5h00000TEST02AAA"].max_employees == 20
    assert listed["a0W5h00000TEST03AAA"].max_employees is None  # 901名以上 is a floor, not a ceiling
    assert listed["a0W5h00000TEST02AAA"].subsidy_max_limit is None  # 0 = 未設定
    assert listed["a0W5h00000TEST03AAA"].subsidy_max_limit is None


def test_the_detail_adds_text_purposes_industries_and_links(detail):
    page = "https://www.jgrants-portal.go.jp/subsidy/a0W5h00000TEST01AAA"
    assert detail.summary == "生産性を高める設備の導入を支援します"
    assert detail.body.startswith('<p style="color:red">中小企業の') and detail.body_format == "html"
    assert detail.tags == {"service": ["3"], "subkind": ["13"], "purpose": ["1", "2", "3"],
                           "stage": ["7", "9", "10"], "industry": ["E", "I"]}
    assert detail.subsidy_rate == "1/2以内"
    assert detail.application_url == detail.source_url == page
    assert detail.inquiry == "[問い合わせ先（外部サイト）](<https://example.jp/inquiry>)"
    assert detail.reference == f"Jグランツ（jGrants）からの出典\n\n**■掲載ページ**\n[Jグランツ](<{page}>)"
    assert detail.target == "**■対象地域**\n日本国内"
    assert detail.usage == "**■補助事業の完了期限**\n2024年1月31日"
    assert detail.updated_at == datetime(2023, 10, 2, 6, 15, tzinfo=UTC)


def test_the_base64_files_of_the_detail_are_not_read(detail):
    assert not any("JVBERi" in str(value) for value in asdict(detail).values())


def test_use_purpose_mapping_covers_fifteen_values_with_valid_ids():
    assert len(jgrants.USE_PURPOSES) == 15
    for purposes, stages in jgrants.USE_PURPOSES.values():
        assert set(purposes) <= set(taxonomy.PURPOSES) and set(stages) <= set(taxonomy.STAGES)


@pytest.mark.parametrize("spelling,purposes,stages", [
    ("設備整備・IT導入したい", ["2", "3"], ["7"]),
    ("エコ・SDG's活動支援がほしい", [], ["13"]),
    ("教育・子育て・少子化への支援がほしい", [], []),
    ("災害（自然災害,感染症等）支援がほしい", ["9"], []),
    ("事業を引き継ぎたい / 資金繰りを改善したい", ["4", "8"], ["15"]),
])
def test_use_purpose_spellings_seen_in_the_wild_are_recognised(spelling, purposes, stages):
    data = load(JGRANTS_DETAIL)
    data["result"][0]["use_purpose"] = spelling
    (record,) = jgrants.parse_supports(data)
    assert record.tags.get("purpose", []) == purposes and record.tags.get("stage", []) == stages


@pytest.mark.parametrize("field,value,words", [
    ("use_purpose", "宇宙に行きたい", "不明な利用目的"),
    ("target_area_search", "関東地方", "不明な値"),
    ("industry", "製造業 / 宇宙業", "不明な値"),
    ("target_number_of_employees", "たくさん", "従業員数の区分"),
    ("subsidy_max_limit", "一千万円", "整数ではありません"),
    ("acceptance_end_datetime", "2023年11月30日", "日時の形式"),
    ("title", None, "必須の項目が空です"),
    ("id", None, "ID がありません"),
])
def test_unknown_values_stop_the_import_naming_the_field(field, value, words):
    data = load(JGRANTS_DETAIL)
    data["result"][0][field] = value
    with pytest.raises(ImportFormatError) as caught:
        jgrants.parse_supports(data)
    assert caught.value.field_name == field and words in str(caught.value)


def test_list_and_detail_items_are_told_apart():
    assert not jgrants.is_detail(load(JGRANTS_LIST)["result"][0])
    assert jgrants.is_detail(load(JGRANTS_DETAIL)["result"][0])
