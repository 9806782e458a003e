"""Normalisation and word segmentation, identical for documents and queries."""

from __future__ import annotations

import pickle

import pytest

from portal.search import normalize
from portal.search.analysis import PairAnalyzer, WordAnalyzer, runs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＩＴ導入", "it導入"),
        ("ｶﾀｶﾅ", "かたかな"),
        ("コンピューター", "こんぴゅーた"),
        ("サーバー", "さーば"),
        ("3ヶ月", "3か月"),
        ("３カ月", "3か月"),
        ("モノづくり", "ものづくり"),
    ],
)
def test_normalize_folds_width_kana_case_and_spelling_variants(raw, expected):
    assert normalize(raw) == expected


def test_words_follow_the_japanese_word_boundaries():
    assert runs("東京都と京都府") == [("東京", "都", "と", "京都", "府")]
    assert runs("小規模事業者持続化補助金") == [("小", "規模", "事業", "者", "持続", "化", "補助", "金")]


def test_punctuation_and_spaces_cut_runs():
    assert runs("補助金、融資　相談 IT") == [("補助", "金"), ("融資",), ("相談",), ("it",)]


def test_analyzers_emit_words_and_neighbouring_pairs():
    assert [t.text for t in WordAnalyzer()("持続化補助金")] == ["持続", "化", "補助", "金"]
    assert [t.text for t in PairAnalyzer()("持続化補助金。資金")] == ["持続化", "化補助", "補助金"]


def test_analyzers_pickle_without_the_tagger():
    for analyzer in (WordAnalyzer(), PairAnalyzer()):
        restored = pickle.loads(pickle.dumps(analyzer))
        assert restored == analyzer
        assert [t.text for t in restored("京都府")] == [t.text for t in analyzer("京都府")]
