"""Tests for portal.taxonomy: counts, consistency and name lookups."""

import pytest

from portal import taxonomy as t


def test_counts():
    assert len(t.PURPOSES) == 10
    assert len(t.STAGES) == 17
    assert len(t.SERVICES) == 5
    assert len(t.SERVICE_SUBKINDS) == 20
    assert len(t.INDUSTRIES) == 20
    assert len(t.PREFECTURES) == 47
    assert len(t.REGIONS) == 8


def test_ids_are_contiguous():
    assert sorted(t.PURPOSES) == list(range(1, 11))
    assert sorted(t.STAGES) == list(range(1, 18))
    assert sorted(t.SERVICES) == list(range(1, 6))
    assert sorted(t.SERVICE_SUBKINDS) == [i for i in range(1, 22) if i != 4]
    assert sorted(t.INDUSTRIES) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert sorted(t.PREFECTURES) == [f"{i:02d}" for i in range(1, 48)]


def test_known_names():
    assert t.PURPOSES[1] == "販路開拓"
    assert t.PURPOSES[10] == "情報収集"
    assert t.STAGES[1] == ("事業計画", "創業期")
    assert t.STAGES[13] == ("環境・省エネ", "成長期・成熟期")
    assert t.STAGES[16] == ("廃業", "転換期")
    assert t.STAGES[17] == ("商業・地域・団体支援", "")
    assert t.SERVICES[3] == "給付・補助金"
    assert t.SERVICE_SUBKINDS[5] == (1, "信用保証")
    assert t.SERVICE_SUBKINDS[13] == (3, "補助金")
    assert t.SERVICE_SUBKINDS[21] == (5, "サービスその他")
    assert t.INDUSTRIES["A"] == "農業，林業"
    assert t.INDUSTRIES["E"] == "製造業"
    assert t.INDUSTRIES["T"] == "分類不能の産業"
    assert t.PREFECTURES["01"] == "北海道"
    assert t.PREFECTURES["13"] == "東京都"
    assert t.PREFECTURES["26"] == "京都府"
    assert t.PREFECTURES["27"] == "大阪府"
    assert t.PREFECTURES["47"] == "沖縄県"


def test_stage_groups():
    groups = {}
    for sid, (_name, group) in t.STAGES.items():
        groups.setdefault(group, []).append(sid)
    assert groups == {
        "創業期": [1, 2, 3, 4, 5],
        "成長期・成熟期": list(range(6, 14)),
        "転換期": [14, 15, 16],
        "": [17],
    }


def test_subkind_parents_exist_and_every_service_has_subkinds():
    parents = {parent for parent, _ in t.SERVICE_SUBKINDS.values()}
    assert parents == set(t.SERVICES)
    assert 4 not in t.SERVICE_SUBKINDS


def test_names_unique():
    for table in (t.PURPOSES, t.SERVICES, t.INDUSTRIES, t.PREFECTURES):
        assert len(set(table.values())) == len(table)
    assert len({n for n, _ in t.STAGES.values()}) == 17


def test_industry_names_use_fullwidth_comma():
    for name in t.INDUSTRIES.values():
        assert "," not in name
    assert "，" in t.INDUSTRIES["H"]


def test_every_prefecture_in_exactly_one_region():
    seen = [code for codes in t.REGIONS.values() for code in codes]
    assert len(seen) == len(set(seen)) == 47
    assert set(seen) == set(t.PREFECTURES)


@pytest.mark.parametrize(
    "code,region",
    [
        ("01", "北海道地方"),
        ("07", "東北地方"),
        ("13", "関東・甲信越地方"),
        ("15", "関東・甲信越地方"),
        ("19", "関東・甲信越地方"),
        ("20", "関東・甲信越地方"),
        ("16", "東海・北陸地方"),
        ("21", "東海・北陸地方"),
        ("24", "東海・北陸地方"),
        ("25", "近畿地方"),
        ("35", "中国地方"),
        ("39", "四国地方"),
        ("47", "九州・沖縄地方"),
    ],
)
def test_region_of(code, region):
    assert t.region_of(code) == region


def test_region_of_unknown_raises():
    with pytest.raises(KeyError):
        t.region_of("48")


def test_prefecture_round_trip():
    for code, name in t.PREFECTURES.items():
        assert t.prefecture_code(name) == code
        assert t.region_of(code) in t.REGIONS


@pytest.mark.parametrize(
    "name,code",
    [
        ("東京都", "13"),
        ("東京", "13"),
        ("北海道", "01"),
        ("大阪", "27"),
        ("京都", "26"),
        ("京都府", "26"),
        ("神奈川", "14"),
        ("和歌山県", "30"),
        (" 沖縄県 ", "47"),
    ],
)
def test_prefecture_code_variants(name, code):
    assert t.prefecture_code(name) == code


@pytest.mark.parametrize("name", ["", "東京府", "北海", "トウキョウ", "全国"])
def test_prefecture_code_unknown(name):
    assert t.prefecture_code(name) is None


def test_industry_round_trip():
    for letter, name in t.INDUSTRIES.items():
        assert t.industry_letter(name) == letter


@pytest.mark.parametrize(
    "name,letter",
    [
        ("農業, 林業", "A"),
        ("農業,林業", "A"),
        ("農業，　林業", "A"),
        ("卸売業、小売業", "I"),
        ("学術研究, 専門・技術サービス業", "L"),
        ("サービス業(他に分類されないもの)", "R"),
        (" 製造業 ", "E"),
        ("Ｅ", "E"),
    ],
)
def test_industry_letter_variants(name, letter):
    assert t.industry_letter(name) == letter


@pytest.mark.parametrize("name", ["", "農業", "IT", "製造"])
def test_industry_letter_unknown(name):
    assert t.industry_letter(name) is None


def test_module_has_no_flask_import():
    import inspect

    assert "flask" not in inspect.getsource(t).lower()
