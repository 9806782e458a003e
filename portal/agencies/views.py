"""支援機関を探す: the search page and an agency's page, open to everyone.

Like the navi, the search form is an ordinary GET form, so every search has its own address and
works without JavaScript; htmx re-renders only the `navi_region` block as the user types or ticks
and pushes the canonical address into the address bar.
"""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user

from portal import store, taxonomy
from portal.agencies import services
from portal.agencies.params import AgencyQuery, InvalidParameter, parse_query
from portal.clock import today
from portal.db import get_session
from portal.errors import NotFound
from portal.htmx import render, wants_fragment
from portal.models import AgencyKind, Role, SupportAgency

bp = Blueprint("agencies", __name__, url_prefix="/agencies")


@bp.get("")
def search():
    error = None
    try:
        query = parse_query(request.args)
    except InvalidParameter as exc:
        error, query = exc, AgencyQuery()
    result = services.search(get_session(), query, today())
    response = render("agencies/search.html", block="navi_region", http_status=400 if error else 200, query=query,
                      error=error, result=result, taxonomy=taxonomy, endpoint="agencies.search", today=today(),
                      kinds=AgencyKind)
    if wants_fragment():
        response.headers["HX-Push-Url"] = url_for("agencies.search") + (f"?{query.query_string()}" if query.pairs()
                                                                        else "")
    return response


@bp.get("/<int:agency_id>")
def detail(agency_id: int):
    session = get_session()
    agency = session.get(SupportAgency, agency_id)
    if agency is None:
        raise NotFound("お探しの支援機関は見つかりませんでした。一覧から削除されたか、URLが間違っている可能性があります。")
    business = linked = None
    if current_user.is_authenticated and current_user.role is Role.BUSINESS:
        business = store.business_for_user(session, current_user)
        linked = store.linked_agency(session, business) if business is not None else None
    return render("agencies/detail.html", agency=agency, expired=not agency.is_valid_on(today()), taxonomy=taxonomy,
                  region_names=services.region_names(agency.regions or (), agency.nationwide),
                  business=business, linked=linked)
