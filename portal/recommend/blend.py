"""The blend: one list from several methods, each item once, every reason kept.

Scores of different methods are not comparable (a cosine, a count of matching interests, a
benchmark gap), so the blend uses their ranks: reciprocal rank fusion, Σ weight / (K + rank). An
item several methods found rises; the top of each method stays near the top. Popular items only
fill the places the methods left empty, below everything they found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from portal.recommend.items import Item, Recommendation

RRF_K = 10
WEIGHTS = {"profile": 1.0, "locaben": 1.0, "similar_users": 1.0}


def blend(lists: Mapping[str, Sequence[Recommendation]], limit: int,
          fallback: Sequence[Recommendation] = (), weights: Mapping[str, float] = WEIGHTS) -> list[Recommendation]:
    merged: dict[Item, Recommendation] = {}
    for method, found in lists.items():
        weight = weights.get(method, 1.0)
        for rank, rec in enumerate(found, start=1):
            share = weight / (RRF_K + rank)
            current = merged.get(rec.item)
            if current is None:
                merged[rec.item] = Recommendation(rec.item, share, "blend", list(rec.reasons), [method],
                                                  row=rec.row, simulation=rec.simulation)
                continue
            current.score += share
            current.methods.append(method)
            current.reasons += [r for r in rec.reasons if r not in current.reasons]
            current.row = current.row or rec.row
            current.simulation = current.simulation or rec.simulation
    ranked = sorted(merged.values(), key=lambda r: -r.score)[:limit]
    for rec in fallback:
        if len(ranked) >= limit:
            break
        if rec.item not in merged:
            merged[rec.item] = rec
            ranked.append(Recommendation(rec.item, 0.0, "blend", list(rec.reasons), [rec.method], row=rec.row))
    return ranked
