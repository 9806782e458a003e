"""A synthetic event log with structure, for the evaluation, `make bench` and the demo data.

Items belong to one or two of ten topics (like the ten 目的). Each person cares about one or two
topics: most of their events fall on items of those topics, chosen with a Zipf-like popularity
within the topic; the rest fall anywhere, chosen by overall popularity. A person's number of events
is drawn from an exponential distribution (many light users, a few heavy ones). Collaborative
filtering should find the topics; popularity alone cannot.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from portal.recommend.items import Item

TOPICS = 10
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SynthEvent:
    user: str
    item: Item
    event: str
    at: datetime


def make_items(supports: int, cases: int, rng: random.Random) -> dict[Item, tuple[int, ...]]:
    """Items numbered from 1 with their topics (one, sometimes two)."""
    items: dict[Item, tuple[int, ...]] = {}
    for item_type, count in (("support", supports), ("case", cases)):
        for number in range(1, count + 1):
            first = rng.randrange(TOPICS)
            topics = (first,) if rng.random() < 0.8 else (first, rng.randrange(TOPICS))
            items[(item_type, number)] = tuple(sorted(set(topics)))
    return items


class _Picker:
    """Draws from a list with Zipf-like weights 1 / rank (the list's order is its popularity)."""

    def __init__(self, population: list[Item], rng: random.Random) -> None:
        self.population = population
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(population))))
        self.rng = rng

    def pick(self) -> Item:
        return self.rng.choices(self.population, cum_weights=self.cumulative)[0]


def generate(users: int, mean_events: float = 10.0, items: dict[Item, tuple[int, ...]] | None = None,
             focus: float = 0.85, seed: int = 7) -> Iterator[SynthEvent]:
    """Yields events person by person, each person's in time order."""
    rng = random.Random(seed)
    items = items if items is not None else make_items(max(20, users // 50), max(20, users // 25), rng)
    order = list(items)
    rng.shuffle(order)
    by_topic: dict[int, list[Item]] = {}
    for item in order:
        for topic in items[item]:
            by_topic.setdefault(topic, []).append(item)
    pickers = {topic: _Picker(found, rng) for topic, found in by_topic.items()}
    anything = _Picker(order, rng)
    topics = sorted(pickers)
    for number in range(1, users + 1):
        user = f"u{number}"
        liked = rng.sample(topics, 2 if rng.random() < 0.3 and len(topics) > 1 else 1)
        count = min(200, 2 + int(rng.expovariate(1.0 / max(mean_events - 2, 0.1))))
        at = START + timedelta(minutes=rng.randrange(0, 300 * 24 * 60))
        for _ in range(count):
            item = pickers[rng.choice(liked)].pick() if rng.random() < focus else anything.pick()
            roll = rng.random()
            event = "save" if roll < 0.08 else "apply_click" if roll < 0.11 and item[0] == "support" else "view"
            yield SynthEvent(user, item, event, at)
            at += timedelta(minutes=rng.randrange(1, 60 * 24))


def write_csv(path: str | Path, events: Iterator[SynthEvent]) -> int:
    """Writes the log in the evaluation's format; returns the number of rows."""
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("user_id", "item_type", "item_id", "event", "timestamp"))
        for e in events:
            writer.writerow((e.user, e.item[0], e.item[1], e.event, e.at.isoformat()))
            rows += 1
    return rows
