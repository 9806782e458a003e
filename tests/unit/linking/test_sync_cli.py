"""`portal sync`: one Japanese line per due connection, exit 0 even when a connector fails."""

from __future__ import annotations

from sqlalchemy import select

from portal.linking import link, pending_changes
from portal.models import Connection, ConnectionState
from portal.plugins import connectors
from portal.sdk import Connector, UpstreamError
from tests.business_factories import make_account, make_business


class Down(Connector):
    name = "down"
    title = "停止中のサービス"
    reads = ("基本情報",)

    def fetch(self, context):
        raise UpstreamError()


def test_sync_runs_due_connections_and_reports_each(app, session):
    connectors(app).add(Down, "tests")
    business = make_business(session, make_account(session), corporate_number="7123456789012",
                             name="株式会社みなと製作所")
    link(session, business, "gbizinfo", "sandbox", {"X-hojinInfo-api-token": "t"})
    link(session, business, "down", "sandbox", {})
    session.commit()

    result = app.test_cli_runner().invoke(args=["sync", "--inline"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "株式会社みなと製作所：gBizINFO（法人基本情報） … 成功（1件取得）",
        f"株式会社みなと製作所：停止中のサービス … エラー（{UpstreamError.default_message}）",
        "2件の連携を取得しました（エラー1件）。",
    ]
    session.expire_all()
    states = {c.connector: c.state for c in session.scalars(select(Connection))}
    assert states == {"gbizinfo": ConnectionState.LINKED, "down": ConnectionState.ERROR}
    assert len(pending_changes(session, business)) > 0

    again = app.test_cli_runner().invoke(args=["sync", "--inline"])
    assert again.exit_code == 0 and again.output.strip() == "取得が必要な連携はありません。"
