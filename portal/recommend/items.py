"""What a recommendation is: an item (a measure or a case), a score, the methods that found it and
their reasons in Japanese."""

from __future__ import annotations

from dataclasses import dataclass, field

#: ("support", 12) or ("case", 5) — the same pair the event log keeps.
Item = tuple[str, int]

METHOD_LABELS = {
    "profile": "プロフィール・関心から",
    "similar_users": "似た使い方の人から",
    "locaben": "ロカベンの結果から",
    "popularity": "よく見られているもの",
}
TYPE_WORDS = {"support": "制度", "case": "事例"}


@dataclass
class Recommendation:
    item: Item
    score: float
    method: str
    reasons: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    # Filled in by the service that loads the rows for display: the Support or Case itself.
    row: object = None
    # ロカベン only: what the indicator and the score would become (see portal.recommend.locaben).
    simulation: object = None

    def __post_init__(self) -> None:
        if not self.methods:
            self.methods = [self.method]

    @property
    def item_type(self) -> str:
        return self.item[0]

    @property
    def item_id(self) -> int:
        return self.item[1]
