"""The everyday-word table (portal/search/data/synonyms.json) is well kept and reaches the right things."""

from __future__ import annotations

from portal.locaben.baseline import jsic_industries, search_jsic
from portal.search import synonyms


def test_every_entry_lists_words_and_real_jsic_codes():
    known = jsic_industries()
    for word, entry in synonyms.table().items():
        assert entry["words"], word
        assert entry["jsic"] and all(code in known for code in entry["jsic"]), word


def test_the_words_of_the_issue_are_in_the_table():
    for word in ("パン屋", "居酒屋", "町工場", "美容室", "切削", "機械部品"):
        assert synonyms.words_for(word), word
    assert synonyms.words_for("補助金") is None
    assert "ベーカリー" in synonyms.words_for("ﾊﾟﾝ屋")  # width folded like the search


def test_karte_industry_search_finds_everyday_words():
    assert search_jsic("居酒屋")[0].name == "酒場、ビヤホール"
    assert any("金属工作機械" in item.name for item in search_jsic("切削"))
    assert any("部分品" in item.name for item in search_jsic("機械部品"))
    assert search_jsic("飲食")[0].code == "7611"  # a restaurant before コンビニエンスストア
    assert search_jsic("パン")[0].name == "パン製造業"  # words outside the table work as before
