"""What a query finds: Japanese partial words, boundaries, variants, ranking."""

from __future__ import annotations

import pytest

from .factories import ids, index_with, make_doc


@pytest.fixture
def index(tmp_path):
    return index_with(
        tmp_path,
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


def test_words_separated_by_half_or_full_width_spaces_are_anded(index):
    assert ids(index.search("京都 専門家")) == ["kyotoshi"]
    assert ids(index.search("京都　専門家")) == ["kyotoshi"]
    assert index.search("京都 補助金") == []


def test_no_phrase_across_punctuation(index):
    assert index.search("商業サービス") == []
    assert ids(index.search("商業・サービス")) == ["kaigai"]


def test_a_body_matches_a_query_of_several_words_when_it_has_all_of_them(tmp_path):
    index = index_with(tmp_path, make_doc("b", "相談窓口", "商業・サービス業の方へ。"))
    assert ids(index.search("商業サービス")) == ["b"]  # the body keeps words, not their order
    assert index.search("工業サービス") == []


def test_keywords_are_searched_but_do_not_run_into_each_other(tmp_path):
    index = index_with(tmp_path, make_doc("k", "案内", keywords=["東京", "都市"]))
    assert ids(index.search("都市")) == ["k"]
    assert index.search("京都") == []


def test_title_match_outranks_body_and_keyword_match(tmp_path):
    index = index_with(
        tmp_path,
        make_doc("body", "経営相談", "事業承継の相談に応じます。事業承継計画の作成も。"),
        make_doc("keyword", "経営相談", "相談に応じます。", keywords=["事業承継"]),
        make_doc("title", "事業承継補助金", "後継者への引継ぎを支援します。"),
    )
    assert ids(index.search("事業承継")) == ["title", "keyword", "body"]
    assert ids(index.search("承")) == ["title", "keyword", "body"]


def test_blank_query_returns_nothing(index):
    for query in ["", "   ", "\u3000", "・、。"]:
        assert index.search(query) == []
        assert index.ids_matching(query) == set()


def test_results_are_limited_and_ids_matching_returns_all(index):
    assert len(index.search("の", limit=2)) == 2
    assert index.ids_matching("の") == set(ids(index.search("の")))
    assert len(index.ids_matching("の")) > 2
