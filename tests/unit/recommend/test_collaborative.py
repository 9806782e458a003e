"""類似ユーザー: cosine over the sets of people, the privacy threshold, personal lists, cold starts."""

from __future__ import annotations

import math

import pytest

from portal.recommend.blend import blend
from portal.recommend.collaborative import ItemSimilarity
from portal.recommend.items import Recommendation

S1, S2, S3, S4, C1 = ("support", 1), ("support", 2), ("support", 3), ("support", 4), ("case", 1)


def fit(baskets: dict[str, list], **options) -> ItemSimilarity:
    return ItemSimilarity.fit([(user, item) for user, items in baskets.items() for item in items], **options)


def test_similarity_is_the_cosine_of_the_sets_of_people():
    model = fit({"a": [S1, S2], "b": [S1, S2], "c": [S1], "d": [S2, S3]}, min_users=1)
    found = {s.item: s for s in model.similar(S1)}
    # S1 seen by a, b, c; S2 by a, b, d: two shared people out of √(3·3).
    assert found[S2].score == pytest.approx(2 / math.sqrt(9)) and found[S2].together == 2
    assert S3 not in found
    assert model.similar(S3)[0].score == pytest.approx(1 / math.sqrt(1 * 3))


def test_pairs_shared_by_fewer_people_than_the_threshold_are_never_shown():
    baskets = {"a": [S1, S2], "b": [S1, S2], "c": [S1, S3]}
    model = fit(baskets, min_users=2)
    assert [s.item for s in model.similar(S1)] == [S2]
    assert model.similar(S3) == []  # only one person looked at S1 and S3 together


def test_a_personal_list_never_contains_what_the_person_saw_and_names_the_item_it_came_from():
    model = fit({"a": [S1, S2, S3], "b": [S1, S2, S3], "c": [S4, C1], "d": [S4, C1]}, min_users=2)
    found = model.recommend([S1], limit=5)
    assert [s.item for s in found] == [S2, S3] or [s.item for s in found] == [S3, S2]
    assert all(s.because == S1 for s in found)
    assert S1 not in [s.item for s in model.recommend([S1, S2], limit=5)]


def test_recent_items_weigh_more():
    model = fit({"a": [S1, S3], "b": [S1, S3], "c": [S2, S4], "d": [S2, S4]}, min_users=2)
    assert [s.item for s in model.recommend([S2, S1], limit=2)] == [S4, S3]
    assert [s.item for s in model.recommend([S1, S2], limit=2)] == [S3, S4]


def test_type_filter_and_exclusions():
    model = fit({"a": [S1, C1, S2], "b": [S1, C1, S2]}, min_users=2)
    assert [s.item for s in model.similar(S1, item_type="case")] == [C1]
    assert [s.item for s in model.recommend([S1], item_type="support", exclude={S2})] == []


def test_cold_start_falls_back_to_popularity_within_the_purposes():
    purposes = {S1: frozenset({1}), S2: frozenset({2}), S3: frozenset({2}), S4: frozenset({1, 2})}
    model = fit({"a": [S2], "b": [S2], "c": [S2], "d": [S3], "e": [S1, S4], "f": [S4]}, purposes=purposes)
    assert [s.item for s in model.popular(limit=2)] == [S2, S4]
    assert [s.item for s in model.popular(limit=5, purposes=[1])] == [S4, S1]
    assert model.popular(limit=5, purposes=[1])[0].together == 2
    assert model.similar(("support", 99)) == []  # an item nobody has looked at yet


def test_blend_merges_the_methods_keeps_every_reason_and_fills_with_popular_items():
    profile = [Recommendation(S1, 3, "profile", ["目的が合う"]), Recommendation(S2, 2, "profile", ["地域が合う"])]
    similar = [Recommendation(S3, 0.9, "similar_users", ["似た人が見た"]),
               Recommendation(S1, 0.5, "similar_users", ["似た人も見た"])]
    popular = [Recommendation(S1, 9, "popularity", ["人気"]), Recommendation(S4, 8, "popularity", ["人気"])]
    merged = blend({"profile": profile, "similar_users": similar}, limit=4, fallback=popular)
    assert [r.item for r in merged] == [S1, S3, S2, S4]
    assert merged[0].reasons == ["目的が合う", "似た人も見た"] and merged[0].methods == ["profile", "similar_users"]
    assert merged[3].methods == ["popularity"]
    assert len(blend({"profile": profile, "similar_users": similar}, limit=2, fallback=popular)) == 2
