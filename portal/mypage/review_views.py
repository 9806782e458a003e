"""「変更の確認」: what linked services propose, as cards grouped by service and 決算期 (or 基本情報, a
shareholder …), each showing いまの値 → 新しい値 and the difference, the value's source and date, and
the values other services sent for the same field. Nothing is ticked to begin with.

Each group has 「すべて選ぶ」 and 「すべて外す」. Without JavaScript they are submit buttons: the form
comes back with that group ticked or cleared and nothing decided. With JavaScript
`static/js/proposals.js` does the same in place and keeps the counts on the buttons current.
Accepting two different values for one field is refused (`linking.ConflictingChoice`): the page comes
back (422) with the explanation beside each group concerned and the ticks as they were.
"""

from __future__ import annotations

from flask import abort, flash, request
from flask_login import current_user
from sqlalchemy import select

from portal import linking, store
from portal.db import get_session
from portal.htmx import redirect_after_post, render
from portal.linking import review
from portal.models import Business, ProposedChange
from portal.mypage.regions import bp, current_business
from portal.plugins import connectors


def _titles() -> dict[str, str]:
    return {name: info.connector.title for name, info in connectors().items()}


def _by_service(groups: list[review.Group]) -> list[tuple[str, list[review.Group]]]:
    services: dict[str, list[review.Group]] = {}
    for group in groups:
        services.setdefault(group.service, []).append(group)
    return list(services.items())


def _groups(session, business: Business) -> list[review.Group]:
    return review.review(session, business, linking.pending_changes(session, business), _titles())


def _page(groups: list[review.Group], chosen: set[int], errors: dict[str, list[str]] | None = None,
          status: int = 200):
    errors = errors or {}
    summary: dict[str, str] = {}  # each refusal once, linked to the first group it concerns
    for group_id, messages in errors.items():
        for message in messages:
            summary.setdefault(message, group_id)
    return render("mypage/linking/proposals.html", http_status=status, services=_by_service(groups),
                  chosen=chosen, errors=errors, summary=summary, conflicts=review.count_conflicts(groups),
                  total=sum(len(group.cards) for group in groups))


@bp.get("/links/proposals")
def proposals():
    session = get_session()
    return _page(_groups(session, current_business(session)), set())


def _chosen_ids(business: Business) -> set[int]:
    """The ticked change ids: 400 when one is not a number, 404 when one is not this business's."""
    try:
        ids = {int(value) for value in request.form.getlist("change")}
    except ValueError:
        abort(400)
    if ids:
        owned = set(get_session().scalars(select(ProposedChange.id).where(ProposedChange.id.in_(ids),
                                                                          ProposedChange.business_id == business.id)))
        if owned != ids:
            abort(404)
    return ids


def _toggled(groups: list[review.Group], chosen: set[int]) -> set[int] | None:
    """The ticks after a group's 「すべて選ぶ」/「すべて外す」 button, or None when neither was pressed."""
    for action in ("select", "clear"):
        group_id = request.form.get(action)
        if group_id is None:
            continue
        group = next((g for g in groups if g.id == group_id), None)
        ids = {card.id for card in group.cards} if group else set()
        return chosen | ids if action == "select" else chosen - ids
    return None


@bp.post("/links/proposals")
def decide_proposals():
    session = get_session()
    business = current_business(session)
    chosen = _chosen_ids(business)
    groups = _groups(session, business)
    toggled = _toggled(groups, chosen)
    if toggled is not None:
        return _page(groups, toggled)
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        abort(400)
    if not chosen:
        flash("変更が選ばれていません。反映する（または反映しない）変更にチェックを入れてください。", "error")
        return redirect_after_post("mypage.proposals")
    if decision == "accept":
        try:
            done = linking.accept(session, current_user, sorted(chosen))
        except linking.ConflictingChoice as refusal:
            session.rollback()
            return _page(groups, chosen, review.conflict_messages(groups, refusal), status=422)
        except store.InvalidValues:
            session.rollback()
            flash("マイページの値と合わないため、選んだ変更を反映できませんでした。変更は未確認のまま残っています。", "error")
            return redirect_after_post("mypage.proposals")
        session.commit()
        flash(f"{len(done)}件の変更をマイページに反映しました。", "success")
    else:
        done = linking.reject(session, current_user, sorted(chosen))
        session.commit()
        flash(f"{len(done)}件の変更を反映しないことにしました。", "success")
    return redirect_after_post("mypage.proposals")
