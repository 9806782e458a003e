"""POST /api/v1/benchmark: the stateless ロカベン calculation (contracts.md).

The route joins the public API blueprint (`portal.api.views.bp`), so it shares its CSRF exemption,
its rate limit, CORS and JSON errors; `portal.app.configure_blueprints` imports this module before
registering that blueprint. Bad input answers 400 `{"error", "field"}` naming the first wrong field,
e.g. `periods[1].sales`. The request is held to exactly what its OpenAPI schema says
(`portal.locaben.openapi`): no unknown fields (a misspelt `sale` would otherwise be silently
ignored), labels as `2024-03`, and every period given with at least one figure.
"""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify, request

from portal.api.views import bp
from portal.errors import DomainError
from portal.locaben import calc
from portal.locaben.inputs import PERIOD_FIELDS, InvalidInput, json_number, read_capital, read_periods
from portal.locaben.serialize import evaluation_json

REQUEST_FIELDS = ("industry", "capital", "periods")
PERIOD_KEYS = ("label", *(spec.name for spec in PERIOD_FIELDS))
LABEL = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _refuse_unknown(data: dict, known: tuple[str, ...], prefix: str) -> None:
    for key in data:
        if key not in known:
            name = str(key)[:40]
            raise DomainError(f"この項目は使えません: {name}（使える項目：{', '.join(known)}）", f"{prefix}{name}")


def _check_period(i: int, item: Any) -> None:
    if not isinstance(item, dict):
        raise DomainError("各期は JSON オブジェクトで指定してください。", f"periods[{i}]")
    _refuse_unknown(item, PERIOD_KEYS, f"periods[{i}].")
    label = item.get("label")
    if label not in (None, "") and not (isinstance(label, str) and LABEL.fullmatch(label)):
        raise DomainError("決算年月は「2024-03」の形で指定してください。", f"periods[{i}].label")
    if all(item.get(spec.name) is None for spec in PERIOD_FIELDS):
        raise DomainError("この期の数字がありません。新しい期から順に、少なくとも1つの数字を指定してください。",
                          f"periods[{i}].sales")


def _industry(raw: Any) -> calc.baseline.Industry:
    try:
        if isinstance(raw, str):
            return calc.resolve_industry(raw)
        if isinstance(raw, dict) and isinstance(raw.get("jsic"), str):
            return calc.resolve_industry(jsic=raw["jsic"])
    except calc.UnknownIndustry:
        field = "industry.jsic" if isinstance(raw, dict) else "industry"
        raise DomainError("業種コードが見つかりません。ロカベン業種（例：0301）か日本標準産業分類の細分類（例：0971）"
                          "を指定してください。", field) from None
    raise DomainError("industry にはロカベン業種コードの文字列か {\"jsic\": \"細分類コード\"} を指定してください。",
                      "industry")


def parse_request(body: Any) -> tuple[calc.baseline.Industry, float, list[calc.PeriodInput]]:
    if not isinstance(body, dict):
        raise DomainError("JSON オブジェクトを送ってください。", "body")
    _refuse_unknown(body, REQUEST_FIELDS, "")
    if isinstance(body.get("industry"), dict):
        _refuse_unknown(body["industry"], ("jsic",), "industry.")
    industry = _industry(body.get("industry"))
    try:
        capital = read_capital(body.get("capital"), json_number)
        raw_periods = body.get("periods")
        if not isinstance(raw_periods, list) or not 1 <= len(raw_periods) <= calc.MAX_PERIODS:
            raise DomainError("periods には1〜3期分の決算を新しい順に指定してください。", "periods")
        for i, item in enumerate(raw_periods):
            _check_period(i, item)
        periods = read_periods(raw_periods, json_number, lambda i, name: f"periods[{i}].{name}")
    except InvalidInput as error:
        field, message = error.first
        raise DomainError(message, field) from None
    return industry, capital, periods


@bp.post("/benchmark")
def benchmark():
    industry, capital, periods = parse_request(request.get_json(silent=True))
    return jsonify(evaluation_json(calc.evaluate(industry, capital, periods)))
