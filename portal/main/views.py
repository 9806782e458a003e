"""The top page: a search box, the ways in (目的から探す), calls closing soon and new cases."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, url_for
from flask_login import current_user

from portal import eligibility, taxonomy
from portal.clock import today
from portal.content.status import status_of
from portal.db import get_session
from portal.htmx import render
from portal.navi import services
from portal.navi.params import NaviQuery

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    """A liveness probe for load balancers — and the benchmark's ceiling for requests per second."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/")
def index():
    session = get_session()
    day = today()
    # A logged-in business sees only the calls it is not ruled out of (portal.eligibility).
    facts = eligibility.facts_for_user(session, current_user)
    closing_query = NaviQuery(kind="supports", open=True, eligible=facts is not None, sort="deadline", per_page=5)
    closing = services.search(session, closing_query, day, facts)
    cases = services.search(session, NaviQuery(kind="cases", per_page=3), day)
    return render("main/index.html", closing=closing.items, closing_query=closing_query,
                  closing_url=url_for("navi.support_search") + "?" + replace(closing_query, per_page=20).query_string(),
                  cases=cases.items,
                  taxonomy=taxonomy, status_of=status_of, today=day)
