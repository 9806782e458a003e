"""The OpenAPI description of POST /api/v1/benchmark, merged into /api/v1/openapi.json by
`portal.api.openapi`. Field lists, bounds and industry codes come from the calculation itself, so
they cannot drift, and the request schema says exactly what `portal.locaben.api` accepts: a request
it describes reaches the calculation, one it does not is answered 400 (the fuzz test in
tests/web/test_openapi_fuzz.py holds both to it)."""

from __future__ import annotations

from typing import Any

from portal.locaben import baseline
from portal.locaben.calc import INDICATORS, MAX_PERIODS
from portal.locaben.inputs import MAX_AMOUNT, PERIOD_FIELDS

_NUMBER_OR_NULL = {"type": ["number", "null"]}
LABEL_PATTERN = r"^([0-9]{4}-(0[1-9]|1[0-2]))?$"


def _amount(spec) -> dict[str, Any]:
    return {"minimum": -MAX_AMOUNT if spec.signed else 0, "maximum": MAX_AMOUNT}


def _period_schema(newest: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"label": {"type": ["string", "null"], "pattern": LABEL_PATTERN,
                                            "description": "決算年月（例：2024-03）。空でもよい"}}
    for spec in PERIOD_FIELDS:
        text = f"{spec.label}（{spec.unit}）" + (f"。{spec.hint}" if spec.hint else "")
        properties[spec.name] = {**_NUMBER_OR_NULL, "description": text, **_amount(spec)}
    schema: dict[str, Any] = {
        "type": "object", "properties": properties, "additionalProperties": False,
        # An all-blank period is refused: periods are given newest first without gaps.
        "anyOf": [{"required": [spec.name], "properties": {spec.name: {"type": "number"}}} for spec in PERIOD_FIELDS],
        "description": "1期分の決算（千円）。null の項目は、それを使う指標を null にする。少なくとも1つは数値で指定する。"}
    if newest:
        employees = next(spec for spec in PERIOD_FIELDS if spec.name == "employees")
        schema["required"] = ["employees"]
        schema["properties"] = {**properties, "employees": {"type": "number", **_amount(employees),
                                                            "description": "従業員数（正社員、人）。最新期は事業規模の判定に必須"}}
        schema["description"] = "最新期の決算（千円）。employees（従業員数）は必須。"
    return schema


def industry_schema() -> dict[str, Any]:
    jsic = sorted(code for code, item in baseline.jsic_industries().items() if baseline.industry(item.locaben or ""))
    return {"oneOf": [
        {"type": "string", "enum": sorted(baseline.industries()), "description": "ロカベン業種（小分類）コード。例：0301"},
        {"type": "object", "required": ["jsic"], "additionalProperties": False, "properties": {
            "jsic": {"type": "string", "enum": jsic,
                     "description": "日本標準産業分類（第13回改定）の細分類コード。例：0971"}}}]}


def _indicator_schema() -> dict[str, Any]:
    return {"type": "object", "required": ["value", "score", "baseline"], "properties": {
        "value": {**_NUMBER_OR_NULL, "description": "指標の値（比率は小数、例：0.05 = 5%）。計算できないとき null"},
        "score": {"type": ["integer", "null"], "minimum": 1, "maximum": 5, "description": "評価点（1〜5）"},
        "baseline": {"type": "number", "description": "業種基準値（中央値）"}}}


SCHEMAS: dict[str, Any] = {
    "BenchmarkRequest": {"type": "object", "required": ["industry", "capital", "periods"],
                         "additionalProperties": False, "properties": {
        "industry": industry_schema(),
        "capital": {"type": "number", "minimum": 0, "maximum": MAX_AMOUNT, "description": "資本金（千円）。個人事業主は 0"},
        "periods": {"type": "array", "minItems": 1, "maxItems": MAX_PERIODS, "prefixItems": [_period_schema(True)],
                    "items": _period_schema(False), "description": "決算期。新しい順（最新期・前期・前々期）"}}},
    "BenchmarkResult": {"type": "object", "required": ["size", "industry", "periods"], "properties": {
        "size": {"type": "string", "enum": ["中規模事業者", "小規模事業者"]},
        "industry": {"type": "object", "required": ["code", "name"],
                     "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
        "periods": {"type": "array", "items": {"type": "object", "required": ["label", "indicators", "total", "rank"],
                                               "properties": {
            "label": {"type": "string"},
            "indicators": {"type": "object", "required": [key for key, *_ in INDICATORS],
                           "properties": {key: {**_indicator_schema(), "description": f"{name}（{view}）"}
                                          for key, name, view, _unit, _higher in INDICATORS}},
            "total": {"type": ["integer", "null"], "description": "総合評価点（評価できた指標の合計、最大30）"},
            "rank": {"type": ["string", "null"], "enum": ["A", "B", "C", "D", None]}}}},
        "attribution": {"type": "string", "description": "基準値の出典"}}},
}

PATH: dict[str, Any] = {"post": {
    "operationId": "calculateBenchmark",
    "summary": "ローカルベンチマーク（ロカベン）の計算",
    "description": "経済産業省のロカベンシートと同じ計算で、6つの財務指標・評価点・総合評価点・ランクを返す。"
                   "状態を持たない（保存しない）。金額は千円単位。誤った入力は 400 で field に項目名"
                   "（例：periods[1].sales）。",
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/BenchmarkRequest"}}}},
    "responses": {
        "200": {"description": "計算結果", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/BenchmarkResult"}}}},
        "400": {"description": "不正な入力（field に項目名）", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}}}}
