"""GET /api/v1/supports, /supports/{id}, /cases, /cases/{id} and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for
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


# --- 経営お役立ちコンテンツ --------------------------------------------------------------------

def _article_json(article, day, detail: bool = False) -> dict:
    from portal.content.markup import render_markdown
    from portal.content.status import status_of

    data = {"id": article.id, "title": article.title, "summary": article.summary, "category": article.category,
            "category_label": article.category_label,
            "url": url_for("articles.detail", article_id=article.id, _external=True),
            "published_at": article.published_at.isoformat(), "updated_at": article.updated_at.isoformat()}
    if detail:
        data["body_html"] = str(render_markdown(article.body))
        data["supports"] = [{"id": s.id, "title": s.title, "status": status_of(s, day).api_code,
                             "url": url_for("navi.support_detail", support_id=s.id, _external=True)}
                            for s in article.supports]
    return data


@bp.get("/articles")
def articles():
    from portal.articles import services as article_services
    from portal.navi.params import InvalidParameter

    q = request.args.get("q", "")
    if len(q) > 200:
        raise InvalidParameter("q は200文字以内で指定してください。", "q")
    raw_category = request.args.get("category") or None
    category = article_services.parse_category(raw_category)
    if raw_category and category is None:
        raise InvalidParameter("category の値が正しくありません。", "category")
    from portal.bounds import parse_int

    page = parse_int(request.args.get("page") or "1", 1, 1000)
    if page is None:
        raise InvalidParameter("page は1から1000までの整数で指定してください。", "page")
    results = article_services.search(get_session(), q, category, page)
    day = today()
    return jsonify({"total": results.total, "page": page, "per_page": article_services.PAGE_SIZE,
                    "items": [_article_json(a, day) for a in results.items]})


@bp.get("/articles/<int:article_id>")
def article(article_id: int):
    from portal.models import Article

    item = get_session().get(Article, article_id)
    if item is None or not item.is_published:
        raise NotFound("指定された記事は見つかりません。", "id")
    return jsonify(_article_json(item, today(), detail=True))
