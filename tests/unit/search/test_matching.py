"""What a query finds, the same on every backend: Japanese partial words, word boundaries, width
and kana folding, neighbouring words, one-character queries, ranking."""

from __future__ import annotations

import pytest

from .factories import ids, make_doc


@pytest.fixture
def index(make_index):
    return make_index(
        make_doc("jizokuka", "小規模事業者持続化補助金", "販路開拓の取組を支援します。"),
        make_doc("tokyo", "東京都の創業助成事業", "東京都内で創業する方が対象です。"),
        make_doc("kyotofu", "京都府の事業承継支援", "府内の中小企業向け。"),
        make_doc("kyotoshi", "京都市の専門家派遣", "市内の事業者が対象。"),
        make_doc("it", "IT導入補助金", "ソフトウェアの導入費用を補助。", keywords=["DX"]),
        make_doc("monozukuri", "モノづくり支援", "試作開発の経費。"),
        make_doc("katakana", "カタカナ表記の案内", "コンピューターの購入は対象外。"),
        make_doc("shikin", "運転資金の融資", "3ヶ月以内に返済を開始。"),
        make_doc("kaigai", "海外展開セミナー（商業・サービス業向け）", "海外の展示会に出展します。"),
    )


def test_partial_word_finds_the_compound(index):
    assert set(ids(index.search("補助"))) == {"jizokuka", "it"}
    assert ids(index.search("持続化")) == ["jizokuka"]


def test_kyoto_does_not_match_tokyo_to_across_the_word_boundary(index):
    assert set(ids(index.search("京都"))) == {"kyotofu", "kyotoshi"}


def test_multi_morpheme_query_matches_across_aligned_boundaries(index):
    assert ids(index.search("東京都")) == ["tokyo"]
    assert ids(index.search("京都府")) == ["kyotofu"]
    assert ids(index.search("事業者持続化")) == ["jizokuka"]


@pytest.mark.parametrize("query", ["ＩＴ導入", "it導入", "It導入", "ｉｔ"])
def test_width_and_latin_case_are_folded(index, query):
    assert ids(index.search(query)) == ["it"]


def test_half_width_katakana_query_finds_full_width_text(index):
    assert ids(index.search("ｶﾀｶﾅ")) == ["katakana"]


def test_hiragana_query_finds_katakana_text(index):
    assert ids(index.search("ものづくり")) == ["monozukuri"]
    assert ids(index.search("かたかな")) == ["katakana"]


def test_long_vowel_and_small_ke_variants_match(index):
    assert ids(index.search("コンピュータ")) == ["katakana"]
    assert ids(index.search("3か月")) == ["shikin"]
    assert ids(index.search("３カ月")) == ["shikin"]


def test_one_character_query_finds_the_character_inside_words(index):
    assert set(ids(index.search("金"))) == {"jizokuka", "it", "shikin"}
    assert set(ids(index.search("府"))) == {"kyotofu"}


def test_one_character_query_looks_in_keywords_and_bodies_too(make_index):
    index = make_index(make_doc("k", "案内", keywords=["資金繰り"]), make_doc("b", "案内", "金額の上限"),
                       make_doc("none", "案内", "上限なし"))
    assert set(ids(index.search("金"))) == {"k", "b"}
    assert index.search("鉄") == []


def test_words_separated_by_half_or_full_width_spaces_are_anded(index):
    assert ids(index.search("京都 専門家")) == ["kyotoshi"]
    assert ids(index.search("京都　専門家")) == ["kyotoshi"]
    assert index.search("京都 補助金") == []


def test_no_phrase_across_punctuation(index):
    assert index.search("商業サービス") == []
    assert ids(index.search("商業・サービス")) == ["kaigai"]


def test_it_donyu_does_not_match_texts_that_only_contain_it_and_donyu_apart(make_index):
    index = make_index(
        make_doc("title", "IT導入補助金"),
        make_doc("body", "デジタル化支援", "中小企業のIT導入を支援します。"),
        make_doc("keyword", "デジタル化支援", keywords=["IT導入"]),
        make_doc("apart-title", "ITを導入する企業の支援"),
        make_doc("apart-body", "デジタル化支援", "ITツールの導入費用を補助します。"),
        make_doc("apart-keywords", "デジタル化支援", keywords=["IT", "導入"]),
        make_doc("reversed", "導入したITの活用"),
    )
    assert set(ids(index.search("IT導入"))) == {"title", "body", "keyword"}
    assert set(ids(index.search("IT 導入"))) == {"title", "body", "keyword", "apart-title", "apart-body",
                                                 "apart-keywords", "reversed"}


def test_a_body_matches_a_query_of_several_words_only_where_they_are_neighbours(make_index):
    index = make_index(make_doc("b", "相談窓口", "商業・サービス業の方へ。商業サービスの相談も。"),
                       make_doc("apart", "相談窓口", "商業・サービス業の方へ。"))
    assert ids(index.search("商業サービス")) == ["b"]
    assert index.search("工業サービス") == []


def test_keywords_are_searched_but_do_not_run_into_each_other(make_index):
    index = make_index(make_doc("k", "案内", keywords=["東京", "都市"]))
    assert ids(index.search("都市")) == ["k"]
    assert index.search("京都") == []


def test_title_match_outranks_body_and_keyword_match(make_index):
    index = make_index(
        make_doc("body", "経営相談", "事業承継の相談に応じます。事業承継計画の作成も。"),
        make_doc("keyword", "経営相談", "相談に応じます。", keywords=["事業承継"]),
        make_doc("title", "事業承継補助金", "後継者への引継ぎを支援します。"),
    )
    assert ids(index.search("事業承継")) == ["title", "keyword", "body"]
    assert ids(index.search("承")) == ["title", "keyword", "body"]


def test_one_word_in_the_title_outweighs_every_word_in_the_keywords(make_index):
    index = make_index(
        make_doc("keywords", "経営相談", keywords=["事業承継", "融資"]),
        make_doc("title", "事業承継の相談", "運転資金の融資もあります。"),
    )
    assert ids(index.search("事業承継 融資")) == ["title", "keywords"]
    assert index.search("事業承継 融資")[0][1] > index.search("事業承継 融資")[1][1]


def test_blank_query_returns_nothing(index):
    for query in ["", "   ", "\u3000", "・、。"]:
        assert index.search(query) == []
        assert index.ids_matching(query) == set()
        assert index.match(query) is None


def test_results_are_limited_and_ids_matching_returns_all(index):
    assert len(index.search("の", limit=2)) == 2
    assert index.ids_matching("の") == set(ids(index.search("の")))
    assert len(index.ids_matching("の")) > 2


def test_match_reports_per_word_and_field_where_each_word_was_found(make_index):
    index = make_index(make_doc("a", "京都府の補助金", "創業の相談", keywords=["融資"]))
    found = index.match("補助金 融資 創業")
    assert [sorted(name for name, hits in fields.items() if "a" in hits) for fields in found.words] == [
        ["title"], ["keywords"], ["body"]]
    assert found.ids() == {"a"} and found.scores() == {"a": 8 + 3 + 1}


def test_a_word_longer_than_anyone_types_is_not_indexed_and_breaks_nothing(make_index):
    blob = "x" * 5000
    index = make_index(make_doc("a", "添付資料", f"{blob} 創業の相談"))
    assert ids(index.search("創業")) == ["a"]
    assert index.search(blob) == []
