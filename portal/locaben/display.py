"""Results as people read them: each value with its unit, points and 業種基準値, per period.

Works on the calculation's JSON (`serialize.evaluation_json`), so the live screen, saved reports,
the print view and the Excel export all show the same text. Ratios are shown as %, to one decimal
like the official sheet; 労働生産性 in whole 千円.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.locaben import chart
from portal.locaben.calc import CAVEAT, INDICATORS, RATIO_KEYS
from portal.locaben.inputs import PERIOD_NAMES

DASH = "-"


def value_text(key: str, value: float | None) -> str:
    if value is None:
        return DASH
    if key in RATIO_KEYS:
        return f"{value * 100:,.1f}%"
    if key == "labor_productivity":
        return f"{value:,.0f}千円"
    unit = next(item[3] for item in INDICATORS if item[0] == key)
    return f"{value:,.1f}{unit}"


@dataclass(frozen=True)
class Cell:
    value: str
    score: str
    baseline: str


@dataclass(frozen=True)
class Row:
    number: str
    key: str
    name: str
    view: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    labels: list[str]
    rows: list[Row]
    totals: list[str]
    ranks: list[str]
    size: str
    industry: str
    attribution: str
    caveat: str = CAVEAT

    @property
    def summary(self) -> str:
        """One sentence for screen readers after a recalculation."""
        parts = [f"{label}：{total}点（{rank}）" for label, total, rank in zip(self.labels, self.totals, self.ranks)]
        return "総合評価点　" + "、".join(parts)


def table(results: dict[str, Any]) -> Table:
    periods = results["periods"]
    rows = []
    for k, (key, name, view, _unit, _higher) in enumerate(INDICATORS):
        cells = [Cell(value_text(key, p["indicators"][key]["value"]),
                      DASH if p["indicators"][key]["score"] is None else str(p["indicators"][key]["score"]),
                      value_text(key, p["indicators"][key]["baseline"])) for p in periods]
        rows.append(Row("①②③④⑤⑥"[k], key, name, view, cells))
    labels = [p["label"] or PERIOD_NAMES[i] for i, p in enumerate(periods)]
    return Table(labels, rows, [DASH if p["total"] is None else str(p["total"]) for p in periods],
                 [p["rank"] or DASH for p in periods], results["size"],
                 f'{results["industry"]["code"]} {results["industry"]["name"]}', results.get("attribution", ""))


def radar(results: dict[str, Any]) -> dict[str, Any]:
    periods = results["periods"]
    scores = [(p["label"] or PERIOD_NAMES[i], [p["indicators"][key]["score"] for key, *_ in INDICATORS])
              for i, p in enumerate(periods)]
    return {"size": chart.SIZE, "center": chart.CENTER, "axes": chart.axes(), "rings": chart.rings(),
            "series": chart.series(scores), "triangle": chart.triangle}


#: Points (1–5) at or below which an indicator counts as weak: where 「専門家に相談する」 is offered.
WEAK_SCORE = 2


def weak_indicators(results: dict[str, Any]) -> list[tuple[str, int]]:
    """The indicators of the 最新期 scored WEAK_SCORE or less, as (name, points)."""
    periods = results.get("periods") or []
    if not periods:
        return []
    latest = periods[0]["indicators"]
    return [(name, latest[key]["score"]) for key, name, _view, _unit, _higher in INDICATORS
            if key in latest and latest[key]["score"] is not None and latest[key]["score"] <= WEAK_SCORE]
