"""おすすめ pages and fragments, and the マイページ page where a business chooses its interests.

Pages that show recommendations carry a placeholder that htmx replaces on load with a fragment from
here (`hx-trigger="load"`), so a slow recommendation never delays the page; without JavaScript the
placeholder is a plain link to the full page. Every list is for the person asking (their account,
or their visitor id when not logged in) — no URL names another person.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from portal import store, taxonomy
from portal.clock import today
from portal.content.status import status_of
from portal.db import get_session
from portal.events.recorder import record, visitor_id
from portal.htmx import render, wants_fragment
from portal.recommend import interests as interest_service
from portal.recommend import services
from portal.recommend.items import METHOD_LABELS, TYPE_WORDS

bp = Blueprint("recommend", __name__)

PLACES = ("top", "mypage", "page", "support", "case")
DETAIL = {"support": ("navi.support_detail", "support_id"), "case": ("navi.case_detail", "case_id")}
PANEL_SIZE = {"top": 6, "mypage": 6, "page": 12}


def _helpers() -> dict:
    return {"status_of": status_of, "today": today(), "method_labels": METHOD_LABELS, "type_words": TYPE_WORDS,
            "taxonomy": taxonomy}


def _personal(limit: int) -> services.Personal:
    user = current_user if current_user.is_authenticated else None
    return services.personal(get_session(), user, visitor_id(create=False), today(), limit)


@bp.get("/recommend/")
def index():
    result = _personal(PANEL_SIZE["page"])
    if wants_fragment():
        return render("recommend/index.html", block="panel", place="page", result=result, **_helpers())
    from portal.articles.services import suggestions

    titles = {r.item[1]: r.row.title for r in result.items if r.item[0] == "support" and r.row is not None}
    weak = [(w.key, w.name) for w in result.advice.weak] if result.advice is not None else []
    return render("recommend/index.html", place="page", result=result, articles=suggestions(get_session(), titles, weak),
                  **_helpers())


@bp.get("/recommend/panel")
def panel():
    """The fragment that replaces a page's placeholder; a direct visit gets the full page instead."""
    place = request.args.get("place", "top")
    if place not in PANEL_SIZE:
        abort(404)
    if not wants_fragment():
        return redirect(url_for("recommend.index"))
    return render("recommend/_panel.html", place=place, result=_personal(PANEL_SIZE[place]), **_helpers())


@bp.get("/recommend/similar/<item_type>/<int:item_id>")
def similar(item_type: str, item_id: int):
    """"この事例を見た人はこんな事例も見ています": the fragment for htmx, a full page without JavaScript."""
    if item_type not in DETAIL:
        abort(404)
    items = services.similar_to(get_session(), (item_type, item_id), today())
    return render("recommend/similar.html", block="panel", place=item_type, items=items, item_type=item_type,
                  item_id=item_id, **_helpers())


@bp.get("/recommend/go/<item_type>/<int:item_id>")
def go(item_type: str, item_id: int):
    """Counts a click on a recommendation, then opens the item's page."""
    if item_type not in DETAIL:
        abort(404)
    method = request.args.get("m", "")
    place = request.args.get("p", "")
    record("rec_click", item_type, item_id, {"method": method if method in METHOD_LABELS else "other",
                                             "place": place if place in PLACES else "other"})
    endpoint, arg = DETAIL[item_type]
    return redirect(url_for(endpoint, **{arg: item_id}), code=303)


@bp.route("/mypage/interests", methods=["GET", "POST"])
@login_required
def interests():
    session = get_session()
    business = store.business_for_user(session, current_user)
    if business is None:
        flash("関心を選ぶ前に、マイページで事業データを登録してください。", "info")
        return redirect(url_for("mypage.index"))
    error, notice = None, None
    current = interest_service.interests_of(session, business)
    chosen = {"purpose": {str(v) for v in current.purposes}, "stage": {str(v) for v in current.stages}}
    if request.method == "POST":
        chosen = {kind: set(request.form.getlist(kind)) for kind in ("purpose", "stage")}
        try:
            interest_service.replace_interests(session, business, chosen["purpose"], chosen["stage"])
        except interest_service.InvalidInterest as exc:
            session.rollback()
            error = exc
        else:
            session.commit()
            if not wants_fragment():
                flash("関心を保存しました。おすすめに反映されます。", "success")
                return redirect(url_for("mypage.index", _anchor="recommend-mypage"), code=303)
            notice = "関心を保存しました。おすすめに反映されます。"
    return render("mypage/interests.html", block="form", http_status=422 if error else 200, chosen=chosen,
                  error=error, notice=notice, stage_groups=_stage_groups(), taxonomy=taxonomy)


def _stage_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for stage_id, (name, group) in taxonomy.STAGES.items():
        groups.setdefault(group or "その他", []).append((stage_id, name))
    return list(groups.items())
