"""The last word of a query being typed matches as a prefix, on every backend, without crossing
word boundaries (京都 must not reach 東京都)."""

from __future__ import annotations

import pytest

from .factories import make_doc


@pytest.fixture
def index(make_index):
    return make_index(
        make_doc("mono", "ものづくり補助金", "設備投資を支援します。"),
        make_doc("tokyo", "東京都の創業助成事業", "東京都内で創業する方が対象です。"),
        make_doc("kyoto", "京都府の事業承継支援", "府内の中小企業向け。"),
        make_doc("it", "IT導入補助金", "ソフトウェアの導入費用を補助。"),
        make_doc("shokei", "事業承継・引継ぎ補助金", "事業を引き継ぐ方へ。"),
    )


def found(index, q: str, prefix: bool = True) -> set[str]:
    match = index.match(q, prefix=prefix)
    return match.ids() if match is not None else set()


@pytest.mark.parametrize("typed", ["もの", "ものづ", "ものづく", "ものづくり"])
def test_monozukuri_typed_letter_by_letter_never_drops_to_nothing(index, typed):
    assert "mono" in found(index, typed)


def test_without_prefix_an_unfinished_word_finds_nothing(index):
    assert found(index, "ものづ", prefix=False) == set()


def test_kyoto_as_a_prefix_still_does_not_reach_tokyo_to(index):
    assert found(index, "京都") == {"kyoto"}
    assert found(index, "京") >= {"kyoto"}  # one character: every word containing it, as before


def test_the_last_unit_of_a_compound_may_be_unfinished(index):
    assert found(index, "事業承") == {"kyoto", "shokei"}
    assert found(index, "設備投") == {"mono"}


def test_only_the_last_word_is_a_prefix(index):
    assert found(index, "補助金 ものづ") == {"mono"}
    assert found(index, "ものづ 補助金") == set()  # an earlier word is taken as finished
