"""One linked service's page on マイページ: its state, mode and consent date, how many values of
マイページ came from it and wait for a decision, and its sync history — every run with its time,
mode, outcome, how many records it read, how many changes it proposed and, when it failed, the
Japanese error — newest first, a page of them at a time. A service never linked is shown as such,
with the way to link it. Like every マイページ page it finds the business through the user.
"""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import func, select

from portal import linking
from portal.db import get_session
from portal.htmx import render
from portal.models import ConnectionState, Decision, ProposedChange, SyncRun, ValueSource
from portal.mypage.consent import MODE_LABELS, available_modes
from portal.mypage.regions import bp, current_business
from portal.plugins import connectors

RUNS_PAGE_SIZE = 30


def sync_runs(session, connection, limit: int, offset: int = 0) -> list[SyncRun]:
    return list(session.scalars(select(SyncRun).where(SyncRun.connection_id == connection.id)
                                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(limit).offset(offset)))


@bp.get("/links/<name>")
def connection_page(name: str):
    session = get_session()
    business = current_business(session)
    info = connectors().get(name)
    if info is None:
        abort(404)
    connection = linking.get_connection(session, business, name)
    page = max(request.args.get("page", 1, type=int), 1)
    runs, total, pending = [], 0, 0
    if connection is not None:
        runs = sync_runs(session, connection, RUNS_PAGE_SIZE + 1, (page - 1) * RUNS_PAGE_SIZE)
        total = session.scalar(select(func.count(SyncRun.id)).where(SyncRun.connection_id == connection.id)) or 0
        pending = session.scalar(select(func.count(ProposedChange.id)).where(
            ProposedChange.connection_id == connection.id, ProposedChange.decision == Decision.PENDING)) or 0
    values = session.scalar(select(func.count()).select_from(ValueSource).where(
        ValueSource.business_id == business.id, ValueSource.source == name)) or 0
    return render("mypage/linking/connection.html", info=info, connection=connection, runs=runs[:RUNS_PAGE_SIZE],
                  has_next=len(runs) > RUNS_PAGE_SIZE, page=page, total=total, pending=pending, values=values,
                  mode_labels=MODE_LABELS, linkable=bool(available_modes(info)),
                  linked=connection is not None and connection.state is not ConnectionState.UNLINKED)
