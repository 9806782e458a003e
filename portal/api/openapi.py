"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json.

Written as data next to the code it describes; a test checks that every route of the API
blueprint is described and that the parameters match what the parser accepts, and the fuzz test
(tests/web/test_openapi_fuzz.py, schemathesis) that every request it describes is accepted, every
other one refused with 4xx, and every answer matches its schema. Bounds are the parser's own
(`portal.navi.params`, `portal.bounds`). A parameter given empty (`prefecture=`, as the navi's forms
send "all") is the same as leaving it out, and the schemas say so.
"""

from __future__ import annotations

from typing import Any

from portal import taxonomy
from portal.bounds import MAX_ID, MAX_PAGE
from portal.locaben import openapi as locaben_openapi
from portal.navi.params import MAX_CAPITAL, MAX_EMPLOYEES, MAX_PER_PAGE, MAX_Q

EMPTY = {"type": "string", "maxLength": 0, "description": "空は指定なしと同じ"}


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], ""]}
    return {"oneOf": [schema, EMPTY]}


def _array(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": description, "schema": {"type": "array", "items": _or_empty(items)}}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": _or_empty(schema)}


def _count(low: int, high: int, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, **extra}


COMMON = [
    {"name": "q", "in": "query", "required": False, "description": "フリーテキスト（日本語の部分一致。スペース区切りはAND）",
     "schema": {"type": "string", "maxLength": MAX_Q, "pattern": "^[^\\u0000]*$"}},
    _array("purpose", _count(1, 10), "目的（お困りごと）ID。複数指定はOR"),
    _array("industry", {"type": "string", "enum": list(taxonomy.INDUSTRIES)},
           "業種（日本標準産業分類の大分類）。支援制度では業種の限定がない制度も含む"),
    _param("prefecture", {"type": "string", "pattern": "^(0?[1-9]|[1-3][0-9]|4[0-7])$"},
           "都道府県（JISコード。1桁は0を補う）。支援制度では全国対象の制度も含む"),
    _param("page", _count(1, MAX_PAGE, default=1), "ページ番号"),
    _param("per_page", _count(1, MAX_PER_PAGE, default=20), "1ページの件数"),
]

SUPPORT_PARAMS = [
    *COMMON,
    _array("stage", _count(1, 17), "事業ステージID。複数指定はOR"),
    _array("service", _count(1, 5), "支援の種類ID。複数指定はOR"),
    _param("open", {"type": "string", "enum": ["0", "1"]}, "1 = 今申し込める制度（公募中・常時受付）のみ"),
    _param("employees", _count(0, MAX_EMPLOYEES), "従業員数。上限がこれより小さい制度を除く（本ポータルの拡張）"),
    _param("capital", _count(0, MAX_CAPITAL), "資本金（円）。上限がこれより小さい制度を除く（本ポータルの拡張）"),
    _param("sort", {"type": "string", "enum": ["relevance", "deadline", "updated"]},
           "並び順。既定は q があれば relevance、なければ updated"),
]

CASE_PARAMS = [
    *COMMON,
    _array("support", _count(1, MAX_ID), "活用した支援制度のID。複数指定はOR"),
    _param("sort", {"type": "string", "enum": ["relevance", "updated"]}, "並び順"),
]

FACET_VALUE = {"type": "object", "required": ["id", "name", "count"], "properties": {
    "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]}, "name": {"type": "string"},
    "count": {"type": "integer", "minimum": 0}}}

ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"}, "field": {"type": "string"}}}

SUPPORT_SUMMARY = {"type": "object", "required": ["id", "title", "summary", "url", "status", "deadline", "purposes",
                                                   "prefectures", "authorities"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "status": {"type": "string", "enum": ["open", "always", "closed", "unknown"]},
    "deadline": {"type": ["string", "null"], "format": "date"},
    "purposes": {"type": "array", "items": {"type": "integer"}},
    "prefectures": {"type": "array", "items": {"type": "string"}},
    "authorities": {"type": "array", "items": {"type": "string"}}}}

CASE_SUMMARY = {"type": "object", "required": ["id", "title", "summary", "url"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "url": {"type": "string", "format": "uri"}, "year": {"type": ["integer", "null"]},
    "company": {"type": "string"}, "industry": {"type": ["string", "null"]},
    "prefecture": {"type": ["string", "null"]}, "purposes": {"type": "array", "items": {"type": "integer"}},
    "support_ids": {"type": "array", "items": {"type": "integer"}}}}


def _listing(item_ref: str, facets: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": ["total", "page", "per_page", "items", "facets"], "properties": {
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "items": {"type": "array", "items": {"$ref": item_ref}},
        "facets": {"type": "object", "required": facets,
                   "properties": {f: {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}
                                  for f in facets}}}}


def _ok(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


BAD_REQUEST = _ok("#/components/schemas/Error", "不正なパラメータ（field に項目名）")
NOT_FOUND = _ok("#/components/schemas/Error", "見つからない")
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


# --- the once-only API (OAuth 2.0, portal/api/me.py) ---------------------------------------------

ONCE_ONLY_SCOPES = {
    "business.profile:read": "基本情報", "business.financials:read": "事業財務情報（決算期ごと）",
    "business.benchmark:read": "ローカルベンチマークの最新の結果", "business.officers:read": "役員",
    "business.offices:read": "事業所"}
SECURITY_SCHEMES = {"oauth2": {"type": "oauth2", "description": "認可コード + PKCE (S256必須)。"
                                                                "メタデータ: /.well-known/oauth-authorization-server",
                               "flows": {"authorizationCode": {"authorizationUrl": "/oauth/authorize",
                                                               "tokenUrl": "/oauth/token", "refreshUrl": "/oauth/token",
                                                               "scopes": ONCE_ONLY_SCOPES}}}}
SOURCED_VALUE = {"type": "object", "required": ["label", "value", "text", "source", "updated_at"], "properties": {
    "label": {"type": "string"}, "value": {}, "text": {"type": "string", "description": "マイページでの表示"},
    "source": {"type": ["string", "null"], "description": "manual（手入力）または連携サービス名"},
    "source_label": {"type": ["string", "null"]},
    "updated_at": {"type": ["string", "null"], "format": "date-time"}}}
SOURCED_RECORD = {"type": "object", "required": ["id", "label", "fields"], "properties": {
    "id": {"type": "integer"}, "label": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/SourcedValue"}}}}
ONCE_ONLY_ERROR = {"type": "object", "required": ["error", "reason"], "properties": {
    "error": {"type": "string", "enum": ["missing_authorization", "invalid_token", "insufficient_scope", "not_member",
                                         "rate_limited"]},
    "reason": {"type": "string", "description": "日本語の理由"}}}
_SECTIONS = {"type": "array", "items": {"type": "string"}, "description": "この応答で読み取ったスコープ（アクセス記録に残る）"}
_REFUSALS = {"401": _ok("#/components/schemas/OnceOnlyError", "アクセストークンがない・無効・期限切れ・同意の解除"),
             "403": _ok("#/components/schemas/OnceOnlyError", "同意されていない情報"),
             "429": _ok("#/components/schemas/OnceOnlyError", "申請サイトごとの回数制限")}


def _me(operation: str, summary: str, scopes: list[str], body: dict[str, Any]) -> dict[str, Any]:
    # Only `sections` is always there: each part comes only when the consent still covers it.
    return {"get": {"operationId": operation, "summary": summary, "security": [{"oauth2": scopes}],
                    "responses": {"200": {"description": summary, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["sections"], "properties": {
                            "sections": _SECTIONS, **body}}}}}, **_REFUSALS}}}


ME_PATHS = {
    "/me/business": _me("getMyBusiness", "同意した事業者の基本情報（役員・事業所は同意があるときだけ）",
                        ["business.profile:read"], {
                            "business": {"type": "object",
                                         "additionalProperties": {"$ref": "#/components/schemas/SourcedValue"}},
                            "officers": {"type": "array", "items": {"$ref": "#/components/schemas/SourcedRecord"}},
                            "offices": {"type": "array", "items": {"$ref": "#/components/schemas/SourcedRecord"}}}),
    "/me/financials": _me("getMyFinancials", "事業財務情報（決算期ごと、新しい順）", ["business.financials:read"],
                          {"periods": {"type": "array", "items": {"$ref": "#/components/schemas/SourcedRecord"}}}),
    "/me/benchmark": _me("getMyBenchmark", "最新のローカルベンチマークの結果（まだなければ null）",
                         ["business.benchmark:read"], {"report": {"type": ["object", "null"]}}),
}
ME_SCHEMAS = {"SourcedValue": SOURCED_VALUE, "SourcedRecord": SOURCED_RECORD, "OnceOnlyError": ONCE_ONLY_ERROR}


ARTICLE_CATEGORIES = ["basics", "finance", "succession", "dx", "people", "tax", "sales", "disaster"]
ARTICLE_PARAMS = [
    _param("q", {"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"}, "キーワード（支援制度ナビと同じ日本語の検索）"),
    _param("category", {"type": "string", "enum": ARTICLE_CATEGORIES}, "カテゴリ"),
    _param("page", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}, "ページ（1ページ20件）"),
]
ARTICLE_SUMMARY = {"type": "object", "required": ["id", "title", "summary", "category", "category_label", "url",
                                                  "published_at", "updated_at"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "category": {"type": "string", "enum": ARTICLE_CATEGORIES}, "category_label": {"type": "string"},
    "url": {"type": "string", "format": "uri"}, "published_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time", "description": "重要な変更で改まる更新日"}}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "中小企業支援ポータル 公開API", "version": "1.0.0",
                 "description": "支援制度と事例の検索API。ログイン不要・CORS許可。"
                                "同じパラメータの複数の値はOR、異なるパラメータはAND。"
                                "ファセットの件数は、そのファセット自身の条件を除いた現在の検索での件数。"},
        "paths": {
            "/supports": {"get": {"operationId": "listSupports", "summary": "支援制度の検索",
                                  "parameters": SUPPORT_PARAMS,
                                  "responses": {"200": _ok("#/components/schemas/SupportList", "検索結果"),
                                                "400": BAD_REQUEST}}},
            "/supports/{id}": {"get": {"operationId": "getSupport", "summary": "支援制度の詳細（事例のIDつき）",
                                       "parameters": [ID_PARAM],
                                       "responses": {"200": _ok("#/components/schemas/SupportDetail", "支援制度"),
                                                     "404": NOT_FOUND}}},
            "/cases": {"get": {"operationId": "listCases", "summary": "事例の検索", "parameters": CASE_PARAMS,
                               "responses": {"200": _ok("#/components/schemas/CaseList", "検索結果"),
                                             "400": BAD_REQUEST}}},
            "/cases/{id}": {"get": {"operationId": "getCase", "summary": "事例の詳細", "parameters": [ID_PARAM],
                                    "responses": {"200": _ok("#/components/schemas/CaseDetail", "事例"),
                                                  "404": NOT_FOUND}}},
            "/articles": {"get": {"operationId": "listArticles", "summary": "経営お役立ちコンテンツ（記事）の検索",
                                  "parameters": ARTICLE_PARAMS,
                                  "responses": {"200": _ok("#/components/schemas/ArticleList", "検索結果"),
                                                "400": BAD_REQUEST}}},
            "/articles/{id}": {"get": {"operationId": "getArticle", "summary": "記事の詳細（紹介した制度と公募状況つき）",
                                       "parameters": [ID_PARAM],
                                       "responses": {"200": _ok("#/components/schemas/ArticleDetail", "記事"),
                                                     "404": NOT_FOUND}}},
            "/benchmark": locaben_openapi.PATH,
            **ME_PATHS,
            "/openapi.json": {"get": {"operationId": "getOpenApi", "summary": "このAPIの説明",
                                      "responses": {"200": {"description": "OpenAPI 3.1",
                                                            "content": {"application/json": {}}}}}},
        },
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": {
            **ME_SCHEMAS,
            "Error": ERROR,
            **locaben_openapi.SCHEMAS,
            "FacetValue": FACET_VALUE,
            "ArticleSummary": ARTICLE_SUMMARY,
            "ArticleDetail": {"allOf": [{"$ref": "#/components/schemas/ArticleSummary"}, {
                "type": "object", "required": ["body_html", "supports"], "properties": {
                    "body_html": {"type": "string", "description": "サニタイズ済みのHTML"},
                    "supports": {"type": "array", "items": {"type": "object", "required": ["id", "title", "status", "url"],
                                                            "properties": {"id": {"type": "integer"},
                                                                           "title": {"type": "string"},
                                                                           "status": {"type": "string"},
                                                                           "url": {"type": "string", "format": "uri"}}}}}}]},
            "ArticleList": {"type": "object", "required": ["total", "page", "per_page", "items"], "properties": {
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleSummary"}}}},
            "SupportSummary": SUPPORT_SUMMARY,
            "SupportDetail": {"allOf": [{"$ref": "#/components/schemas/SupportSummary"}, {
                "type": "object", "required": ["case_ids", "related"], "properties": {
                    "case_ids": {"type": "array", "items": {"type": "integer"}},
                    "related": {"type": "array", "items": {"type": "object"}},
                    "body": {"type": "string"}, "target": {"type": "string"}, "usage": {"type": "string"},
                    "inquiry": {"type": "string"}, "application_url": {"type": ["string", "null"]},
                    "stages": {"type": "array", "items": {"type": "integer"}},
                    "services": {"type": "array", "items": {"type": "integer"}},
                    "industries": {"type": "array", "items": {"type": "string"}},
                    "conditions": {"type": "object"}}}]},
            "SupportList": _listing("#/components/schemas/SupportSummary",
                                    ["purpose", "stage", "service", "industry", "prefecture"]),
            "CaseSummary": CASE_SUMMARY,
            "CaseDetail": {"allOf": [{"$ref": "#/components/schemas/CaseSummary"}, {
                "type": "object", "properties": {
                    "background": {"type": "string"}, "challenges": {"type": "string"},
                    "results": {"type": "string"}, "supports": {"type": "array", "items": {"type": "object"}}}}]},
            "CaseList": _listing("#/components/schemas/CaseSummary", ["purpose", "industry", "prefecture"]),
        }},
    }
