"""支援制度ナビ and 事例ナビ pages.

The search form is an ordinary GET form, so every result page has its own address and works
without JavaScript; htmx re-renders only the `navi_region` block (filters with counts, results,
pagination) as the user types or ticks, and pushes the canonical address into the address bar.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, selectinload

from portal.clock import today
from portal.content.markup import render_body
from portal.content.services import recent_content_version, resolve_related
from portal.content.status import status_of
from portal.articles.services import articles_about
from portal.db import get_session
from portal.errors import NotFound
from portal.htmx import render, wants_fragment
from portal.models import Case, Support, case_supports
from portal.mylist.services import saved_ids
from portal.navi import services
from portal.navi.cache import region_cache
from portal.navi.params import InvalidParameter, NaviQuery, parse_query
from portal import eligibility, taxonomy

bp = Blueprint("navi", __name__)


def _search_page(kind: str, template: str, endpoint: str):
    session = get_session()
    error = None
    try:
        query = parse_query(request.args, kind)
    except InvalidParameter as exc:
        error = exc
        query = NaviQuery(kind=kind)
    day = today()
    context = {"query": query, "error": error, "taxonomy": taxonomy, "endpoint": endpoint, "today": day,
               "status_of": status_of, "region_html": None}
    cache_key = None
    if error is None and not current_user.is_authenticated:
        version = recent_content_version(session, kind, current_app.config["CONTENT_VERSION_MAX_AGE"])
        cache_key = (kind, query.query_string(), version, day)
        context["region_html"] = region_cache().get(cache_key)
    if context["region_html"] is None:
        context.update(
            result=services.search(session, query, day, eligibility.facts_for_user(session, current_user)),
            saved=saved_ids(session, current_user) if current_user.is_authenticated else set(),
            support_choices=_support_choices(session) if kind == "cases" else [])
        if cache_key is not None and context["result"].cacheable:
            region = render_block(template, "navi_region", **context)
            region_cache().put(cache_key, region)
            context["region_html"] = Markup(region)
    else:
        context["region_html"] = Markup(context["region_html"])
    response = render(template, block="navi_region", http_status=400 if error else 200, **context)
    if wants_fragment():
        response.headers["HX-Push-Url"] = url_for(endpoint) + (f"?{query.query_string()}" if query.pairs() else "")
    return response


def _support_choices(session) -> list[tuple[int, str, int]]:
    """Measures that cases used, most used first: the choices of 事例ナビ's 支援制度 filter."""
    rows = session.execute(
        select(Support.id, Support.title, func.count(case_supports.c.case_id).label("n"))
        .join(case_supports, case_supports.c.support_id == Support.id)
        .group_by(Support.id, Support.title).order_by(func.count(case_supports.c.case_id).desc(), Support.id)
        .limit(60)
    ).all()
    return [(row.id, row.title, row.n) for row in rows]


@bp.get("/supports")
def support_search():
    return _search_page("supports", "navi/supports.html", "navi.support_search")


@bp.get("/supports/<int:support_id>")
def support_detail(support_id: int):
    session = get_session()
    support = session.get(Support, support_id)
    if support is None:
        raise NotFound("お探しの支援制度は見つかりませんでした。削除されたか、URLが間違っている可能性があります。")
    # The page lists these cases by title, company and year: their tags and measures are not loaded.
    cases = list(session.scalars(select(Case).join(case_supports, case_supports.c.case_id == Case.id)
                                 .where(case_supports.c.support_id == support_id).order_by(Case.year.desc(), Case.id)
                                 .options(lazyload(Case.tags), lazyload(Case.supports))))
    saved = saved_ids(session, current_user) if current_user.is_authenticated else set()
    day = today()
    facts = eligibility.facts_for_user(session, current_user)
    fit = eligibility.judge_support(facts, support, day) if facts is not None else None
    return render("navi/support.html", support=support, status=status_of(support, day),
                  related=resolve_related(session, support.related_refs), cases=cases,
                  render_body=render_body, taxonomy=taxonomy, saved=saved, fit=fit,
                  articles=articles_about(session, support_id))


@bp.get("/cases")
def case_search():
    return _search_page("cases", "navi/cases.html", "navi.case_search")


@bp.get("/cases/<int:case_id>")
def case_detail(case_id: int):
    session = get_session()
    # The measures it used are shown with their status, which needs no tags.
    case = session.get(Case, case_id, options=[selectinload(Case.supports).lazyload(Support.tags)])
    if case is None:
        raise NotFound("お探しの事例は見つかりませんでした。削除されたか、URLが間違っている可能性があります。")
    saved = saved_ids(session, current_user) if current_user.is_authenticated else set()
    return render("navi/case.html", case=case, render_body=render_body, taxonomy=taxonomy,
                  status_of=status_of, today=today(), saved=saved)
