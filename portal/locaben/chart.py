"""The radar chart as data for a server-drawn SVG: six axes ①…⑥, 0–5 points, one line per period.

Only geometry lives here; the template draws it. Periods differ by dash pattern and marker shape as
well as colour (CSS classes `radar__series--N`), so the chart reads without colour, and the table
beside it is its text equivalent. A point that could not be scored (「-」) is left off the scale: no
marker, and the line is broken there rather than drawn to the centre as if it were 0 points. A
period with the same scores as a newer one keeps bigger markers underneath the newer one's smaller
ones, and the legend says they are equal, so neither hides the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portal.locaben.calc import INDICATORS

SIZE = 360
CENTER = SIZE / 2
RADIUS = 120
LEVELS = (1, 2, 3, 4, 5)
#: Per series: stroke-dasharray (SVG attribute) and marker shape.
STYLES = (("", "circle"), ("8 4", "square"), ("2 4", "triangle"))


@dataclass(frozen=True)
class Axis:
    number: str
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Series:
    index: int
    label: str
    points: str
    markers: list[tuple[float, float]]
    dash: str
    marker: str
    segments: list[str] = ()  # when a score is missing: the runs of known points, each an open line
    size: float = 4.0  # marker half-size: newer periods smaller, drawn on top of older ones
    same_as: str = ""  # label of a newer period with exactly the same scores

    @property
    def closed(self) -> bool:
        return not self.segments


def _at(k: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + k * math.pi / 3
    r = RADIUS * value / 5
    return round(CENTER + r * math.cos(angle), 2), round(CENTER + r * math.sin(angle), 2)


def axes() -> list[Axis]:
    out = []
    for k, (_key, name, _view, _unit, _higher) in enumerate(INDICATORS):
        x, y = _at(k, 5)
        lx, ly = _at(k, 6.1)
        anchor = "middle" if abs(lx - CENTER) < 1 else ("start" if lx > CENTER else "end")
        out.append(Axis("①②③④⑤⑥"[k], name, x, y, lx, ly + 4, anchor))
    return out


def rings() -> list[tuple[int, str]]:
    return [(level, " ".join(f"{x},{y}" for x, y in (_at(k, level) for k in range(6)))) for level in LEVELS]


def series(periods: list[tuple[str, list[int | None]]]) -> list[Series]:
    """`periods`: (label, six scores) newest first."""
    out = []
    for index, (label, scores) in enumerate(periods):
        coords = [_at(k, score) if score is not None else None for k, score in enumerate(scores)]
        known = [c for c in coords if c is not None]
        segments: list[str] = []
        if len(known) < len(coords):
            start = next((k for k, c in enumerate(coords) if c is None), 0)
            run: list[tuple[float, float]] = []
            for step in range(1, len(coords) + 1):  # from just after a gap, round the six axes
                point = coords[(start + step) % len(coords)]
                if point is None:
                    if len(run) > 1:
                        segments.append(" ".join(f"{x},{y}" for x, y in run))
                    run = []
                else:
                    run.append(point)
            if len(run) > 1:
                segments.append(" ".join(f"{x},{y}" for x, y in run))
            segments = segments or [""]
        dash, marker = STYLES[index % len(STYLES)]
        same = next((earlier for earlier, earlier_scores in periods[:index] if earlier_scores == scores), "")
        out.append(Series(index, label, " ".join(f"{x},{y}" for x, y in known), known, dash, marker,
                          segments, round(4 + 1.5 * (index % len(STYLES)), 1), same))
    return out


def triangle(x: float, y: float, r: float = 5) -> str:
    return f"{x},{round(y - r, 2)} {round(x + r, 2)},{round(y + r * 0.8, 2)} {round(x - r, 2)},{round(y + r * 0.8, 2)}"
