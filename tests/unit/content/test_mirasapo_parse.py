"""Reading ミラサポplus 支援制度 and 事例 JSON into records: every field of domain.md §3 lands where
the portal expects it, and a record that is wrong in any way stops the import with a message that
names the record and the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.content.importers import mirasapo
from portal.content.records import ImportFormatError, Ref

from .fixtures import MIRASAPO_CASES, MIRASAPO_SUPPORTS, load


@pytest.fixture
def records():
    return {r.source_id: r for r in mirasapo.parse_supports(load(MIRASAPO_SUPPORTS))}


def test_a_national_subsidy_maps_every_field(records):
    r = records["101"]
    assert (r.source, r.number, r.title) == ("mirasapo", "00000-0000-0101", "ものづくり試験補助金")
    assert r.subtitle == "新しい製品のための設備投資を支援してほしい"
    assert r.body.startswith("**■補助上限額**") and r.body_format == "markdown"
    assert r.reference == "[公式サイト](https://example.jp/monodukuri/)"  # from the misspelt `refernece`
    assert (r.support_organization, r.governing_law) == ("全国中小企業団体中央会", "中小企業等経営強化法")
    assert r.application_url == "https://example.jp/apply"
    assert r.source_url == "https://seido-navi.mirasapo-plus.go.jp/supports/101"
    assert (r.reception_start, r.reception_end, r.publish_date) == (
        date(2023, 4, 1), date(2023, 6, 30), date(2020, 3, 10))
    assert r.created_at == datetime(2020, 3, 10, 8, 32, 45, tzinfo=UTC)
    assert r.updated_at == datetime(2023, 1, 16, 4, 22, 44, tzinfo=UTC)
    assert r.max_employees == 300 and r.special_measure == "ものづくり補助金"
    assert r.authorities == [{"name": "中小企業庁", "kind": "gov"}]
    assert r.keywords == ["もの補助", "生産性"]
    assert r.tags == {"purpose": ["2"], "stage": ["7"], "service": ["3"], "subkind": ["13"], "industry": ["E"]}


def test_application_target_and_area_are_kept_as_sections_of_the_target(records):
    assert records["101"].target == "中小企業・小規模事業者\n\n**■対象となるもの**\n機械装置・システム構築費"
    assert records["103"].target == "**■対象地域**\n静岡市、浜松市を除く"


def test_related_links_name_mirasapo_measures_by_id_and_keep_other_links_as_urls(records):
    assert records["101"].related == [
        Ref("東京都の試験融資", "https://seido-navi.mirasapo-plus.go.jp/supports/102", "mirasapo", "102"),
        Ref("公式の解説ページ", "https://example.jp/guide"),
    ]
    # The back office's edit URL names the measure too; the public page is what a reader gets.
    assert records["102"].related == [
        Ref("ものづくり試験補助金", "https://seido-navi.mirasapo-plus.go.jp/supports/101", "mirasapo", "101")]


def test_a_prefectural_loan_is_tagged_with_its_jis_code_and_disaster(records):
    r = records["102"]
    assert r.tags == {"purpose": ["4", "9"], "stage": ["14"], "service": ["1"], "subkind": ["2"],
                      "prefecture": ["13"], "disaster": ["2"]}
    assert r.authorities == [{"name": "東京都", "kind": "lgov"}]
    assert r.unpublish_date == date(2030, 3, 31) and r.reception_remarks == "常時受付"


def test_prefecture_ids_are_zero_padded_jis_codes(records):
    assert records["103"].tags["prefecture"] == ["22", "01"]
    assert records["103"].tags["subkind"] == ["18", "20"]


def test_a_minimal_record_with_a_numeric_id_is_accepted(records):
    r = records["104"]
    assert r.title == "最小限の記述だけの制度" and r.tags == {} and r.authorities == [] and r.related == []
    assert r.created_at is None and r.reception_start is None and r.summary == ""


def test_a_bare_list_is_accepted_as_well():
    items = load(MIRASAPO_SUPPORTS)["items"]
    assert [r.source_id for r in mirasapo.parse_supports(items)] == ["101", "102", "103", "104"]


def _error(change, index: int = 3) -> ImportFormatError:
    data = load(MIRASAPO_SUPPORTS)
    change(data["items"][index])
    with pytest.raises(ImportFormatError) as caught:
        mirasapo.parse_supports(data)
    return caught.value


@pytest.mark.parametrize("change,field,words", [
    (lambda i: i.pop("id"), "id", "ID がありません"),
    (lambda i: i.update(id=""), "id", "ID が空です"),
    (lambda i: i.update(id=[1]), "id", "ID が文字列でも整数でもありません"),
    (lambda i: i.pop("title"), "title", "必須の項目が空です"),
    (lambda i: i.update(title=123), "title", "文字列ではありません"),
    (lambda i: i.update(body=["x"]), "body", "文字列ではありません"),
    (lambda i: i.update(keywords="a,b"), "keywords", "文字列の配列ではありません"),
    (lambda i: i.update(prefectures=[{"id": "48", "name": "未来県"}]), "prefectures.id", "不明な値です"),
    (lambda i: i.update(prefectures=[{"id": "13", "name": "大阪府"}]), "prefectures", "一致しません"),
    (lambda i: i.update(purpose_categories=[{"id": "11"}]), "purpose_categories", "不明な値です"),
    (lambda i: i.update(stage_categories=[{"name": "設備投資"}]), "stage_categories", "値の型"),
    (lambda i: i.update(service_categories=[{"id": "1", "sub_categories": [{"id": "13"}]}]),
     "service_categories.sub_categories", "不明な値です"),
    (lambda i: i.update(industry_categories=[{"id": "5", "number": "Z"}]), "industry_categories", "不明な値"),
    (lambda i: i.update(publish_date="2023/01/01"), "publish_date", "日付の形式"),
    (lambda i: i.update(update_info={"created_at": "昨日"}), "update_info.created_at", "日時の形式"),
    (lambda i: i.update(max_employees_count="多い"), "max_employees_count", "整数ではありません"),
    (lambda i: i.update(competent_authorities=[{"name": "庁", "kind": "national"}]),
     "competent_authorities.kind", "不明な種別"),
    (lambda i: i.update(related_supports={"title": "x"}), "related_supports", "オブジェクトの配列"),
    (lambda i: i.update(special_measure="ものづくり補助金"), "special_measure", "オブジェクトではありません"),
])
def test_a_wrong_value_names_the_record_its_id_and_the_field(change, field, words):
    error = _error(change)
    assert error.record == 3 and error.field_name == field
    assert str(error).startswith(f"4件目・項目 {field}: ")
    assert words in str(error)
    if field != "id":
        assert "ID 104" in str(error)


def test_a_record_that_is_not_an_object_or_a_file_without_items_is_refused():
    with pytest.raises(ImportFormatError, match="1件目: レコードがオブジェクトではありません"):
        mirasapo.parse_supports({"items": ["101"]})
    with pytest.raises(ImportFormatError, match="レコードの一覧が見つかりません"):
        mirasapo.parse_supports({"total": 0, "records": []})


# --- 事例 ----------------------------------------------------------------------------------------

def test_cases_map_company_location_tags_and_used_measures():
    first, second = mirasapo.parse_cases(load(MIRASAPO_CASES))
    assert (first.source, first.source_id, first.year) == ("mirasapo", "501", 2022)
    assert (first.company_name, first.company_type, first.location_name) == ("株式会社テスト精工", "法人", "東京都")
    assert first.tags == {"purpose": ["2"], "stage": ["7"], "industry": ["E"], "prefecture": ["13"]}
    assert [(s.source, s.source_id) for s in first.supports] == [("mirasapo", "101"), ("mirasapo", "102")]
    assert first.results == "- 納期が**半分**に"
    # A year given as text, a city under its prefecture, the comma of 卸売業，小売業 written differently.
    assert second.year == 2021
    assert second.tags == {"industry": ["I"], "prefecture": ["27"]}
    assert second.supports == [Ref("ほかの制度", "https://example.jp/other")]


@pytest.mark.parametrize("change,field", [
    (lambda c: c.update(location={"name": "どこか"}), "location.name"),
    (lambda c: c["organization"].update(industry="宇宙業"), "organization.industry"),
    (lambda c: c.update(year=1066), "year"),
    (lambda c: c.update(organization="株式会社"), "organization"),
])
def test_a_case_with_an_unknown_place_industry_or_year_is_refused(change, field):
    data = load(MIRASAPO_CASES)
    change(data["items"][1])
    with pytest.raises(ImportFormatError) as caught:
        mirasapo.parse_cases(data)
    assert caught.value.record == 1 and caught.value.field_name == field and "ID 502" in str(caught.value)
