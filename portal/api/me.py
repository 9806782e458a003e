"""The once-only API: GET /api/v1/me/business, /financials and /benchmark for application sites.

A site reads with an access token from the portal's authorization server. The business is the one
the consent was given for — never one named in the request — and only the sections the consent
still allows are returned. Every value comes with its source and the time it was set. Every read is
logged for マイページ. Refusals are JSON `{"error", "reason"}` (401 without a usable token, 403 for a
section not consented to). Requests are rate limited per application site.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, jsonify, request
from flask_limiter.util import get_remote_address

from portal import store
from portal.db import get_session
from portal.extensions import csrf, limiter
from portal.models import Business
from portal.oauth import services
from portal.oauth.scopes import split_scope
from portal.oauth.server import Token, find_access_token, require_oauth
from portal.store.reads import RecordView

bp = Blueprint("api_me", __name__, url_prefix="/api/v1/me")
csrf.exempt(bp)

PROFILE, FINANCIALS, BENCHMARK = "business.profile:read", "business.financials:read", "business.benchmark:read"
OFFICERS, OFFICES = "business.officers:read", "business.offices:read"
REASONS = {
    "missing_authorization": "アクセストークンがありません。Authorization: Bearer でアクセストークンを送ってください。",
    "invalid_token": "アクセストークンが無効です（期限切れ、取り消し済み、または利用者が許可を解除しました）。",
    "insufficient_scope": "この情報を読み取る許可を利用者から得ていません。",
    "not_member": "この利用者は、もうこの事業者のデータを共有していません。",
    "rate_limited": "短い時間にリクエストが多すぎます。しばらく待ってから、もう一度お試しください。",
}


def _rate_key() -> str:
    """Per application site when the token is known; otherwise per address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token = find_access_token(header[7:].strip())
        if token is not None:
            return f"oauth-client:{token.row.client_id}"
    return get_remote_address()


def _rate_limit() -> str:
    return current_app.config["OAUTH_API_RATE_LIMIT"]


limiter.limit(_rate_limit, key_func=_rate_key)(bp)


class Refused(Exception):
    def __init__(self, status: int, error: str, reason: str, scope: str | None = None) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason, self.scope = status, error, reason, scope


@bp.errorhandler(Refused)
def refused(error: Refused):
    response = jsonify({"error": error.error, "reason": error.reason})
    challenge = f'Bearer error="{error.error}"' if error.error != "missing_authorization" else "Bearer"
    if error.scope:
        challenge += f', scope="{error.scope}"'
    response.headers["WWW-Authenticate"] = challenge
    return response, error.status


@bp.errorhandler(429)
def too_many(_error):
    return jsonify({"error": "rate_limited", "reason": REASONS["rate_limited"]}), 429


def authorized(*scopes: str) -> tuple[Token, Business, list[str]]:
    """The token, its business and which of `scopes` it may read; `Refused` otherwise."""
    try:
        token: Token = require_oauth.acquire_token(list(scopes))
    except OAuth2Error as error:
        if error.error == "insufficient_scope":
            raise Refused(403, "insufficient_scope", REASONS["insufficient_scope"], " ".join(scopes)) from None
        if error.error == "missing_authorization":
            raise Refused(401, "missing_authorization", REASONS["missing_authorization"]) from None
        raise Refused(401, "invalid_token", REASONS["invalid_token"]) from None
    session = get_session()
    user = token.get_user()
    business = store.business_for_user(session, user) if user is not None else None
    if business is None or business.id != token.row.business_id:
        raise Refused(403, "not_member", REASONS["not_member"])
    granted = set(split_scope(token.get_scope()))
    return token, business, [s for s in scopes if s in granted]


def _json_value(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_json(view: RecordView) -> dict:
    """Each field of a record: its value, how マイページ shows it, where it came from and when."""
    fields = {shown.spec.name: {"label": shown.spec.label, "value": _json_value(shown.value), "text": shown.text,
                                "source": shown.source, "source_label": shown.source_label or None,
                                "updated_at": shown.updated_at.isoformat() if shown.updated_at else None}
              for shown in view.values}
    return {"id": view.id, "label": view.label, "fields": fields} if view.section.is_list else fields


def _logged(token: Token, business: Business, sections: list[str], body: dict) -> Response:
    session = get_session()
    services.log_access(session, token.row.client_id, token.consent.id, token.row.user_id, business.id,
                        request.path, sections)
    session.commit()
    response = jsonify({**body, "sections": sections})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/business")
def business():
    token, business, granted = authorized(PROFILE, OFFICERS, OFFICES)
    # Only the lists this read may return are loaded (each is a query): never 決算期 or 株主 here.
    lists = [section for scope, section in ((OFFICERS, "officer"), (OFFICES, "office")) if scope in granted]
    data = store.business_data(get_session(), business, lists=lists)
    body: dict = {}
    if PROFILE in granted:
        body["business"] = record_json(data.basic)
    if OFFICERS in granted:
        body["officers"] = [record_json(view) for view in data.officers]
    if OFFICES in granted:
        body["offices"] = [record_json(view) for view in data.offices]
    return _logged(token, business, granted, body)


@bp.get("/financials")
def financials():
    token, business, granted = authorized(FINANCIALS)
    data = store.business_data(get_session(), business, lists=("period",))
    return _logged(token, business, granted, {"periods": [record_json(view) for view in data.periods]})


def latest_benchmark(session, business: Business) -> dict | None:
    """The latest ロカベン report of the business as the benchmark feature shapes it, or None."""
    from portal.locaben.reports import latest_report_payload

    return latest_report_payload(session, business)


@bp.get("/benchmark")
def benchmark():
    token, business, granted = authorized(BENCHMARK)
    return _logged(token, business, granted, {"report": latest_benchmark(get_session(), business)})
