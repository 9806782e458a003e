"""類似ユーザー: item-to-item collaborative filtering, in plain Python.

Two items are similar when the same people showed interest in both: the cosine of their user sets,
|U_i ∩ U_j| / sqrt(|U_i| · |U_j|), which does not let a popular item look similar to everything.
A pair is kept only when at least `min_users` different people share it — fewer would say what one
person looked at — and each item keeps its `neighbours` most similar items. Each person counts with
their `max_items` most recent items, which bounds the pair count of heavy users.

A person's list sums the similarities of their recent items (the newest weigh a little more); an
item page lists the item's neighbours. With nothing to go on (a new item, a new person), the list
falls back to what is popular, within the item's or the person's 目的 when those are known.

Pairs are counted by `Counter.update` over `itertools.combinations`, which run in C: about a second
for half a million events (see `make bench`).
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, combinations

from portal.recommend.items import Item

DEFAULT_MIN_USERS = 3
DEFAULT_NEIGHBOURS = 40
DEFAULT_MAX_ITEMS = 50
RECENCY = 0.9  # weight of the k-th most recent item: RECENCY ** k


@dataclass(frozen=True)
class Scored:
    item: Item
    score: float
    because: Item | None = None  # the person's own item that contributed most (personal lists)
    together: int = 0  # how many people showed interest in both (item pages)


class ItemSimilarity:
    """The fitted model: neighbours per item and distinct-user popularity."""

    def __init__(self, items: list[Item], neighbours: dict[int, list[tuple[int, float, int]]],
                 popularity: list[int], purposes: Mapping[Item, frozenset[int]] | None = None,
                 users: int = 0, interactions: int = 0, seconds: float = 0.0) -> None:
        self.items = items
        self.index = {item: i for i, item in enumerate(items)}
        self.neighbours = neighbours
        self.popularity = popularity
        self.by_popularity = sorted(range(len(items)), key=lambda i: (-popularity[i], items[i]))
        self.purposes = dict(purposes or {})
        self.users = users
        self.interactions = interactions
        self.seconds = seconds

    # --- fitting ---------------------------------------------------------------------------

    @classmethod
    def fit(cls, interactions: Iterable[tuple[Hashable, Item]], *, min_users: int = DEFAULT_MIN_USERS,
            neighbours: int = DEFAULT_NEIGHBOURS, max_items: int = DEFAULT_MAX_ITEMS,
            purposes: Mapping[Item, frozenset[int]] | None = None) -> ItemSimilarity:
        """`interactions` are (person, item) pairs in time order, oldest first."""
        started = time.perf_counter()
        index: dict[Item, int] = {}
        per_user: dict[Hashable, dict[int, None]] = defaultdict(dict)
        count = 0
        for user, item in interactions:
            count += 1
            i = index.setdefault(item, len(index))
            seen = per_user[user]
            seen.pop(i, None)  # re-inserting moves it to the end: the most recent last
            seen[i] = None
        items = list(index)
        baskets = [sorted(list(seen)[-max_items:]) for seen in per_user.values()]
        popularity = [0] * len(items)
        for basket in baskets:
            for i in basket:
                popularity[i] += 1
        pairs: Counter[tuple[int, int]] = Counter()
        pairs.update(chain.from_iterable(combinations(b, 2) for b in baskets if len(b) > 1))
        lists: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
        sqrt = math.sqrt
        for (a, b), together in pairs.items():
            if together >= min_users:
                similarity = together / sqrt(popularity[a] * popularity[b])
                lists[a].append((b, similarity, together))
                lists[b].append((a, similarity, together))
        kept = {i: heapq.nlargest(neighbours, found, key=lambda n: (n[1], -n[0])) for i, found in lists.items()}
        return cls(items, kept, popularity, purposes, users=len(per_user), interactions=count,
                   seconds=time.perf_counter() - started)

    # --- answering -------------------------------------------------------------------------

    def similar(self, item: Item, limit: int = 10, item_type: str | None = None,
                exclude: set[Item] = frozenset()) -> list[Scored]:
        """The items most similar to `item` (only of `item_type` when given)."""
        i = self.index.get(item)
        out: list[Scored] = []
        for j, similarity, together in self.neighbours.get(i, ()) if i is not None else ():
            other = self.items[j]
            if other in exclude or (item_type and other[0] != item_type):
                continue
            out.append(Scored(other, similarity, together=together))
            if len(out) >= limit:
                break
        return out

    def recommend(self, history: list[Item], limit: int = 10, item_type: str | None = None,
                  exclude: set[Item] = frozenset()) -> list[Scored]:
        """Items for a person whose recent items are `history` (newest first); never one of them."""
        scores: dict[int, float] = defaultdict(float)
        best: dict[int, tuple[float, int]] = {}
        own = set()
        for rank, item in enumerate(history):
            i = self.index.get(item)
            if i is None:
                continue
            own.add(i)
            weight = RECENCY ** rank
            for j, similarity, _together in self.neighbours.get(i, ()):
                contribution = similarity * weight
                scores[j] += contribution
                if contribution > best.get(j, (0.0, 0))[0]:
                    best[j] = (contribution, i)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], self.items[kv[0]]))
        out: list[Scored] = []
        for j, score in ranked:
            item = self.items[j]
            if j in own or item in exclude or (item_type and item[0] != item_type):
                continue
            out.append(Scored(item, score, because=self.items[best[j][1]]))
            if len(out) >= limit:
                break
        return out

    def popular(self, limit: int = 10, item_type: str | None = None, purposes: Iterable[int] = (),
                exclude: set[Item] = frozenset()) -> list[Scored]:
        """The items most people showed interest in — within `purposes` (目的 ids) when given."""
        wanted = set(purposes)
        out: list[Scored] = []
        for i in self.by_popularity:
            item = self.items[i]
            if item in exclude or (item_type and item[0] != item_type):
                continue
            if wanted and not wanted & self.purposes.get(item, frozenset()):
                continue
            out.append(Scored(item, float(self.popularity[i]), together=self.popularity[i]))
            if len(out) >= limit:
                break
        return out

    def users_of(self, item: Item) -> int:
        i = self.index.get(item)
        return self.popularity[i] if i is not None else 0


EMPTY = ItemSimilarity([], {}, [])
