"""The top page: a search box, the ways in (目的から探す), calls closing soon and new cases."""

from __future__ import annotations

from flask import Blueprint

from portal import taxonomy
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
    closing = services.search(session, NaviQuery(kind="supports", open=True, sort="deadline", per_page=5), day)
    cases = services.search(session, NaviQuery(kind="cases", per_page=3), day)
    return render("main/index.html", closing=closing.items, cases=cases.items, taxonomy=taxonomy,
                  status_of=status_of, today=day)
