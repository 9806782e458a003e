"""An `Evaluation` as JSON (contracts.md: POST /api/v1/benchmark), and back.

Saved reports keep exactly this JSON, so a report reads the same in a year even if the thresholds
are updated, and `/api/v1/me/benchmark` returns the same shape as the stateless API.
"""

from __future__ import annotations

from typing import Any

from portal.locaben import baseline
from portal.locaben.calc import INDICATOR_KEYS, Evaluation, PeriodInput


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "size": evaluation.size,
        "industry": {"code": evaluation.industry.code, "name": evaluation.industry.name},
        "periods": [{
            "label": period.label,
            "indicators": {key: {"value": period.indicators[key].value, "score": period.indicators[key].score,
                                 "baseline": period.indicators[key].baseline} for key in INDICATOR_KEYS},
            "total": period.total,
            "rank": period.rank,
        } for period in evaluation.periods],
        "attribution": baseline.attribution(),
    }


def period_json(period: PeriodInput) -> dict[str, Any]:
    return {name: getattr(period, name) for name in PeriodInput.__dataclass_fields__}


def period_from_json(data: dict[str, Any]) -> PeriodInput:
    return PeriodInput(**{k: v for k, v in data.items() if k in PeriodInput.__dataclass_fields__})
