"""ロカベン: weak indicators of the latest benchmark report point to measures that address them.

An indicator scoring 1 or 2 points (of 5) is weak. Each indicator has a remedy: the kinds of
measures that address it (catalog tags such as 目的「資金繰り」 or 支援の種類「信用保証」, and words
that mark a measure as addressing it directly, such as 資本性) and a simple simulation — a stated
assumption, what the indicator would become under it, and the points and 総合評価点 that would follow,
scored with the same cut-offs as the report (`portal.locaben.baseline`, `portal.locaben.calc`).

The method reads the report as the once-only API returns it (`latest_report_payload`): a plain dict
with `industry.code`, `size` and the newest period's `indicators` {key: {value, score, baseline}}
and `total`, so `advise_from` can be given any such dict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.locaben import baseline, calc
from portal.locaben.reports import latest_report_payload
from portal.models import Business, Support
from portal.navi.bits import positions_of
from portal.navi.catalog import get_catalog
from portal.recommend.items import Recommendation
from portal.recommend.profile import BusinessProfile, eligible_mask, excluded

WEAK_SCORE = 2
MAX_WEAK = 3
NAMES = {key: name for key, name, _view, _unit, _higher in calc.INDICATORS}
UNITS = {key: unit for key, _name, _view, unit, _higher in calc.INDICATORS}
HIGHER_IS_BETTER = {key: higher for key, _name, _view, _unit, higher in calc.INDICATORS}


@dataclass(frozen=True)
class Remedy:
    problem: str
    measures: str
    tags: tuple[tuple[str, str], ...]
    words: tuple[str, ...]
    assumption: str
    simulate: Callable[[float], float | None]


REMEDIES: dict[str, Remedy] = {
    "equity_ratio": Remedy(
        "自己資本比率が低め", "資本性ローン（劣後ローン）や信用保証など、自己資本を厚くし借入れを支える制度",
        (("subkind", "1"), ("subkind", "5"), ("subkind", "2")), ("資本性", "劣後", "保証", "出資"),
        "総資産の1割にあたる資本性ローンを借り入れ、金融機関の見方にならって自己資本とみなした場合",
        lambda v: (v + 0.1) / 1.1),
    "working_capital_months": Remedy(
        "営業運転資本回転期間が長め（売上が現金になるまで時間がかかる）", "運転資金の融資や保証など、資金繰りを支える制度",
        (("purpose", "4"), ("subkind", "2"), ("subkind", "5")), ("運転資金", "資金繰り", "売掛", "セーフティネット"),
        "売掛金の早い回収や在庫の圧縮で、運転資本を売上高の1か月分減らした場合",
        lambda v: v - 1.0),
    "ebitda_debt_ratio": Remedy(
        "EBITDA有利子負債倍率が高め（借入金が稼ぐ力に比べて多い）", "借換えや経営改善計画の策定支援など、借入金の負担を軽くする制度",
        (("purpose", "4"), ("stage", "14"), ("subkind", "18")), ("経営改善", "借換", "再生", "条件変更"),
        "経営の改善で、営業利益と減価償却費の合計（EBITDA）が2割増えた場合",
        lambda v: v / 1.2 if v > 0 else None),
    "operating_margin": Remedy(
        "営業利益率が低め", "IT化や販路開拓で、稼ぐ力を高める制度",
        (("purpose", "3"), ("purpose", "1"), ("stage", "6")), ("生産性", "IT", "デジタル", "販路"),
        "ITの活用などで費用を抑え、営業利益が売上高の1%分増えた場合",
        lambda v: v + 0.01),
    "labor_productivity": Remedy(
        "労働生産性が低め", "設備投資やIT化で、一人あたりの稼ぐ力を高める制度",
        (("purpose", "2"), ("purpose", "3"), ("stage", "7")), ("省力化", "生産性", "設備", "IT"),
        "省力化の設備やITの導入で、同じ人数のまま営業利益が1割増えた場合",
        lambda v: v + abs(v) * 0.1),
    "sales_growth": Remedy(
        "売上増加率が低め", "販路開拓や海外展開で、売上を伸ばす制度",
        (("purpose", "1"), ("stage", "9"), ("stage", "10")), ("販路", "海外", "展示会", "持続化"),
        "販路開拓で売上高が5%増えた場合",
        lambda v: (1 + v) * 1.05 - 1),
}


def format_value(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    unit = UNITS[key]
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "千円":
        return f"{value:,.0f}千円"
    return f"{value:.1f}{unit}"


@dataclass(frozen=True)
class Simulation:
    key: str
    assumption: str
    before: float
    after: float
    score_before: int
    score_after: int
    total_before: int | None
    total_after: int | None

    @property
    def text(self) -> str:
        name = NAMES[self.key]
        line = (f"{self.assumption}、{name}は {format_value(self.key, self.before)} → "
                f"{format_value(self.key, self.after)}、点数は {self.score_before}点 → {self.score_after}点")
        if self.total_before is not None:
            line += f"（総合評価点 {self.total_before}点 → {self.total_after}点）"
        return line + "になります。"


@dataclass(frozen=True)
class WeakIndicator:
    key: str
    value: float | None
    score: int
    baseline: float | None
    simulation: Simulation | None

    @property
    def name(self) -> str:
        return NAMES[self.key]

    @property
    def reason(self) -> str:
        remedy = REMEDIES[self.key]
        standard = f"、業種の基準値 {format_value(self.key, self.baseline)}" if self.baseline is not None else ""
        return (f"ロカベンの{self.name}が {format_value(self.key, self.value)}（{self.score}点{standard}）で、"
                f"{remedy.problem}です。{remedy.measures}です。")


@dataclass
class Advice:
    label: str
    weak: list[WeakIndicator]
    recommendations: list[Recommendation] = field(default_factory=list)


def _score(key: str, value: float, industry_code: str, size: str) -> int | None:
    try:
        cut = baseline.cutoffs(industry_code, size, key)
    except KeyError:
        return None
    return (calc.score_higher if HIGHER_IS_BETTER[key] else calc.score_lower)(value, cut)


def simulate(key: str, value: float | None, score: int, total: int | None, industry_code: str,
             size: str) -> Simulation | None:
    """What `key` and the total would become under the remedy's assumption (None if it cannot say)."""
    if value is None:
        return None
    after = REMEDIES[key].simulate(value)
    new_score = _score(key, after, industry_code, size) if after is not None else None
    if after is None or new_score is None:
        return None
    new_total = None if total is None else total - score + new_score
    return Simulation(key, REMEDIES[key].assumption, value, after, score, new_score, total, new_total)


def weak_indicators(payload: dict[str, Any]) -> tuple[str, list[WeakIndicator]]:
    """The newest period's weak indicators, weakest first, each with its simulation."""
    periods = payload.get("periods") or []
    if not periods:
        return "", []
    newest = periods[0]
    industry_code = (payload.get("industry") or {}).get("code", "")
    size = payload.get("size", "")
    found = []
    for order, key in enumerate(calc.INDICATOR_KEYS):
        figures = (newest.get("indicators") or {}).get(key) or {}
        score = figures.get("score")
        if score is None or score > WEAK_SCORE:
            continue
        value = figures.get("value")
        found.append((score, order, WeakIndicator(key, value, score, figures.get("baseline"),
                                                  simulate(key, value, score, newest.get("total"), industry_code, size))))
    found.sort(key=lambda item: (item[0], item[1]))
    return newest.get("label", ""), [weak for _s, _o, weak in found[:MAX_WEAK]]


def _addresses(support: Support, key: str) -> int:
    """How directly a measure addresses a weak indicator: matching tags, plus 2 for a telling word."""
    remedy = REMEDIES[key]
    tags = sum(1 for kind, value in remedy.tags if value in support.tag_values(kind))
    text = f"{support.title} {support.summary}"
    return tags + (2 if any(word in text for word in remedy.words) else 0)


def advise_from(session: Session, payload: dict[str, Any], person: BusinessProfile | None, day: date,
                limit: int = 10, exclude: set = frozenset()) -> Advice | None:
    label, weak = weak_indicators(payload)
    if not weak:
        return None
    catalog = get_catalog(session, "supports")
    eligible = eligible_mask(catalog, person, day)
    scores: dict[int, float] = {}
    for rank, indicator in enumerate(weak):
        for kind, value in REMEDIES[indicator.key].tags:
            for position in positions_of(catalog.mask(kind, value) & eligible):
                scores[position] = scores.get(position, 0.0) + 1.0 / (rank + 1)
    ordered = sorted(scores, key=lambda p: (-scores[p], catalog.rank_by_updated[p]))
    wanted = [catalog.ids[p] for p in ordered if ("support", catalog.ids[p]) not in exclude][:limit * 4]
    rows = list(session.scalars(select(Support).where(Support.id.in_(wanted)))) if wanted else []
    found = []
    for support in rows:
        if person is not None and excluded(person, support, day):
            continue
        matched = [(w, _addresses(support, w.key)) for w in weak]
        matched = [(w, strength) for w, strength in matched if strength > 0]
        if not matched:
            continue
        strength = sum(s / (rank + 1) for rank, (_w, s) in enumerate(matched))
        reasons = [w.reason for w, _s in matched]
        simulation = next((w.simulation for w, _s in matched if w.simulation is not None), None)
        found.append(Recommendation(("support", support.id), strength, "locaben", reasons, row=support,
                                    simulation=simulation))
    found.sort(key=lambda r: (-r.score, catalog.rank_by_updated[catalog.position[r.item_id]]))
    return Advice(label, weak, found[:limit])


def advise(session: Session, business: Business, person: BusinessProfile | None, day: date, limit: int = 10,
           exclude: set = frozenset()) -> Advice | None:
    """Advice from the business's latest saved ロカベン report; None without a report or weak indicators."""
    payload = latest_report_payload(session, business)
    return advise_from(session, payload, person, day, limit, exclude) if payload else None
