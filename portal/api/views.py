"""GET /api/v1/supports, /supports/{id}, /cases, /cases/{id} and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select

from portal.api import serializers
from portal.api.openapi import openapi_document
from portal.clock import today
from portal.content.services import resolve_related
from portal.db import get_session
from portal.errors import NotFound
from portal.extensions import csrf, limiter
from portal.models import Case, Support, case_supports
from portal.navi import services
from portal.navi.params import parse_query

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_api_limit)(bp)


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Origin")
    return response


def _listing(kind: str, to_json):
    query = parse_query(request.args, kind)
    result = services.search(get_session(), query, today())
    return jsonify({
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "items": [to_json(item) for item in result.items],
        "facets": serializers.facets_json(result.facets),
    })


@bp.get("/supports")
def supports():
    day = today()
    return _listing("supports", lambda s: serializers.support_summary(s, day))


@bp.get("/supports/<int:support_id>")
def support(support_id: int):
    session = get_session()
    item = session.get(Support, support_id)
    if item is None:
        raise NotFound("指定された支援制度は見つかりません。", "id")
    case_ids = list(session.scalars(select(case_supports.c.case_id)
                                    .where(case_supports.c.support_id == support_id)
                                    .order_by(case_supports.c.case_id)))
    return jsonify(serializers.support_detail(item, today(), case_ids,
                                              resolve_related(session, item.related_refs)))


@bp.get("/cases")
def cases():
    return _listing("cases", serializers.case_summary)


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    item = get_session().get(Case, case_id)
    if item is None:
        raise NotFound("指定された事例は見つかりません。", "id")
    return jsonify(serializers.case_detail(item))


@bp.get("/openapi.json")
def openapi():
    document = openapi_document()
    document["servers"] = [{"url": request.host_url.rstrip("/") + "/api/v1"}]
    return jsonify(document)
