"""Offline evaluation of the recommendation methods on an event log (`portal recommend evaluate`).

The log is a CSV with the columns `user_id,item_type,item_id,event,timestamp` (`item_type` support
or case; `event` view, save or apply_click). For every person with more than `holdout` distinct
items, the last `holdout` items they discovered (by the time of their first event on each) are held
out; the model is fitted on every other event, and each method's top-k for that person is compared
with what was held out: precision@k = hits / k, recall@k = hits / held out, nDCG@k = DCG / ideal DCG
with DCG = Σ 1 / log2(rank + 1) over the hits. The figures are means over the evaluated people.

A bare log knows nothing of profiles, interests or ロカベン reports, so the profile and ロカベン
methods cannot be measured from it: they are reported as not evaluated, and the blend is evaluated
exactly as the portal computes it for a person without a profile or a report (類似ユーザー, filled up
with popular items). The popularity baseline recommends the items most people showed interest in.
"""

from __future__ import annotations

import csv
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from portal.recommend.blend import blend
from portal.recommend.collaborative import DEFAULT_MIN_USERS, ItemSimilarity, Scored
from portal.recommend.items import Item, Recommendation

COLUMNS = ("user_id", "item_type", "item_id", "event", "timestamp")
ITEM_TYPES = {"support", "case"}
EVENTS = {"view", "save", "apply_click"}
NOT_EVALUATED = {
    "profile": ("プロフィール・関心", "イベントログには事業者のプロフィールや関心が含まれないため評価できません"),
    "locaben": ("ロカベン", "イベントログにはロカベンの結果が含まれないため評価できません"),
}


class EvaluationError(ValueError):
    """The log cannot be read; the message names the line."""


@dataclass(frozen=True)
class Metrics:
    precision: float
    recall: float
    ndcg: float


@dataclass
class Report:
    k: int
    holdout: int
    users: int
    evaluated_users: int
    items: int
    events: int
    build_seconds: float
    request_ms_p50: float
    request_ms_p95: float
    methods: dict[str, Metrics]

    def as_json(self) -> dict[str, dict[str, float]]:
        return {name: {key: round(value, 6) for key, value in asdict(m).items()} for name, m in self.methods.items()}


def read_events(path: str | Path) -> list[tuple[str, Item, datetime]]:
    """(user, item, time) per row, in time order (rows with the same time keep the file's order)."""
    rows: list[tuple[datetime, int, str, Item]] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EvaluationError(f"列が足りません: {', '.join(missing)}（必要な列: {','.join(COLUMNS)}）")
        for number, row in enumerate(reader, start=2):
            item_type, event = row["item_type"].strip(), row["event"].strip()
            if item_type not in ITEM_TYPES:
                raise EvaluationError(f"{number}行目: item_type は support か case です: {item_type}")
            if event not in EVENTS:
                raise EvaluationError(f"{number}行目: event は view, save, apply_click のいずれかです: {event}")
            try:
                item_id = int(row["item_id"])
                at = datetime.fromisoformat(row["timestamp"].strip())
            except (TypeError, ValueError):
                raise EvaluationError(f"{number}行目: item_id は整数、timestamp は ISO 8601 の日時です") from None
            user = row["user_id"].strip()
            if not user:
                raise EvaluationError(f"{number}行目: user_id が空です")
            rows.append((at, number, user, (item_type, item_id)))
    if rows and len({r[0].tzinfo is None for r in rows}) > 1:
        raise EvaluationError("timestamp にタイムゾーン付きと無しが混在しています")
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(user, item, at) for at, _n, user, item in rows]


@dataclass
class Split:
    train: list[tuple[str, Item]]
    held_out: dict[str, list[Item]]
    history: dict[str, list[Item]]  # training items per evaluated person, newest first


def split(events: Iterable[tuple[str, Item, datetime]], holdout: int) -> Split:
    events = list(events)
    discovered: dict[str, dict[Item, None]] = defaultdict(dict)
    for user, item, _at in events:
        discovered[user].setdefault(item, None)
    held_out = {user: list(items)[-holdout:] for user, items in discovered.items() if len(items) > holdout}
    hidden = {user: set(items) for user, items in held_out.items()}
    train = [(user, item) for user, item, _at in events if item not in hidden.get(user, ())]
    history: dict[str, dict[Item, None]] = defaultdict(dict)
    for user, item in reversed(train):
        if user in held_out:
            history[user].setdefault(item, None)
    return Split(train, held_out, {user: list(items) for user, items in history.items()})


def score(recommended: list[Item], relevant: list[Item], k: int) -> Metrics:
    wanted = set(relevant)
    gains = [1.0 / math.log2(rank + 1) for rank, item in enumerate(recommended[:k], start=1) if item in wanted]
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(wanted)) + 1))
    return Metrics(len(gains) / k, len(gains) / len(wanted), sum(gains) / ideal if ideal else 0.0)


def _as_recs(found: list[Scored], method: str) -> list[Recommendation]:
    return [Recommendation(s.item, s.score, method) for s in found]


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def evaluate(events: Iterable[tuple[str, Item, datetime]], k: int = 10, holdout: int = 2,
             min_users: int = DEFAULT_MIN_USERS) -> Report:
    events = list(events)
    data = split(events, holdout)
    model = ItemSimilarity.fit(data.train, min_users=min_users)
    totals: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name in ("similar_users", "blend", "popularity")}
    timings: list[float] = []
    for user, relevant in data.held_out.items():
        seen = set(data.history.get(user, ()))
        started = time.perf_counter()
        similar = model.recommend(data.history.get(user, []), k, exclude=seen)
        popular = model.popular(k, exclude=seen)
        mixed = blend({"similar_users": _as_recs(similar, "similar_users")}, k,
                      fallback=_as_recs(popular, "popularity"))
        timings.append((time.perf_counter() - started) * 1000)
        for name, found in (("similar_users", [s.item for s in similar]), ("blend", [r.item for r in mixed]),
                            ("popularity", [s.item for s in popular])):
            metrics = score(found, relevant, k)
            totals[name][0] += metrics.precision
            totals[name][1] += metrics.recall
            totals[name][2] += metrics.ndcg
    n = len(data.held_out) or 1
    methods = {name: Metrics(p / n, r / n, g / n) for name, (p, r, g) in totals.items()}
    return Report(k=k, holdout=holdout, users=len({u for u, _i, _a in events}), evaluated_users=len(data.held_out),
                  items=len(model.items), events=len(events), build_seconds=model.seconds,
                  request_ms_p50=_percentile(timings, 50), request_ms_p95=_percentile(timings, 95), methods=methods)


def format_report(report: Report) -> str:
    names = {"similar_users": "類似ユーザー（協調フィルタリング）", "blend": "ブレンド", "popularity": "人気順（ベースライン）"}
    lines = [
        f"イベント {report.events:,} 件・利用者 {report.users:,} 人・項目 {report.items:,} 件",
        f"評価した利用者 {report.evaluated_users:,} 人（各人の最後の {report.holdout} 件を伏せて予測）",
        (f"モデルの構築 {report.build_seconds:.2f} 秒、おすすめ1回あたり p50 {report.request_ms_p50:.2f} ms・"
         f"p95 {report.request_ms_p95:.2f} ms"),
        "",
        f"{'method':<14} {'precision@' + str(report.k):>13} {'recall@' + str(report.k):>10} {'nDCG@' + str(report.k):>8}",
    ]
    for key, metrics in report.methods.items():
        lines.append(f"{key:<14} {metrics.precision:>13.4f} {metrics.recall:>10.4f} {metrics.ndcg:>8.4f}  {names[key]}")
    lines.append("")
    for label, why in NOT_EVALUATED.values():
        lines.append(f"{label}: {why}。")
    return "\n".join(lines)
