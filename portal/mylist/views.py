"""マイリスト pages and the save toggle (htmx fragment, or a redirect without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from portal import eligibility
from portal.bounds import parse_id
from portal.clock import today
from portal.db import get_session
from portal.htmx import is_safe_next, redirect_after_post, render, wants_fragment
from portal.mylist import services

bp = Blueprint("mylist", __name__, url_prefix="/mylist")


def _item_id() -> int:
    item_id = parse_id(request.form.get("id", ""))
    if item_id is None:
        raise services.MylistError("保存する項目の指定が正しくありません。", "id")
    return item_id


@bp.get("/")
@login_required
def index():
    session = get_session()
    day = today()
    supports = services.saved_supports(session, current_user, day)
    fits = eligibility.judge_ids(session, eligibility.facts_for_user(session, current_user),
                                 [item.support.id for item in supports], day)
    return render("mylist/index.html", supports=supports, fits=fits,
                  cases=services.saved_cases(session, current_user),
                  searches=services.saved_searches(session, current_user))


@bp.post("/toggle")
@login_required
def toggle():
    kind = request.form.get("kind", "")
    item_id = _item_id()
    want = {"1": True, "0": False}.get(request.form.get("want", ""))  # absent (an old page): flip
    saved = services.toggle_saved(get_session(), current_user, kind, item_id, want)
    if wants_fragment():
        return render("mylist/_save_button.html", kind=kind, item_id=item_id, is_saved=saved,
                      next_url=request.form.get("next", ""), announce=True)
    flash("マイリストに保存しました。" if saved else "マイリストから外しました。", "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("mylist.index"), code=303)


@bp.get("/searches/new")
@login_required
def new_search():
    kind = request.args.get("kind", "support")
    return render("mylist/save_search.html", kind=kind if kind in services.KINDS else "support",
                  name="", query=request.args.get("query", ""), error=None)


@bp.post("/searches")
@login_required
def save_search():
    kind = request.form.get("kind", "support")
    name = request.form.get("name", "")
    query = request.form.get("query", "")
    try:
        services.save_search(get_session(), current_user, kind, name, query)
    except services.MylistError as error:
        return render("mylist/save_search.html", kind=kind, name=name, query=query, error=error, http_status=422)
    flash(f"検索条件「{' '.join(name.split())}」をマイリストに保存しました。", "success")
    back = url_for("navi.support_search" if kind == "support" else "navi.case_search")
    return redirect(f"{back}?{query.lstrip('?')}" if query else back, code=303)


@bp.post("/searches/<int:search_id>/delete")
@login_required
def delete_search(search_id: int):
    services.delete_search(get_session(), current_user, search_id)
    flash("保存した検索条件を削除しました。", "success")
    return redirect_after_post("mylist.index")
