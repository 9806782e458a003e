"""`portal sync`: runs the syncs that are due, one Japanese line per connection (`--inline`), or
queues the look for them (the worker's scheduler does that every hour anyway, slot sync).

A connection is due when it is 連携中 or エラー and its last sync is older than
`SYNC_INTERVAL_HOURS` (default 24). Each sync is committed on its own, so one connector's failure
(recorded on its connection) never undoes another's proposals; the command exits 0 even then —
failing connectors are the users' business, shown on マイページ, not the operator's cron job's.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import clock
from portal.db import get_session
from portal.jobs.cli import inline_option, queue_job
from portal.linking.services import (
    DEFAULT_SYNC_INTERVAL_HOURS,
    due_connections,
    run_sync,
)
from portal.models import Business, SyncOutcome
from portal.plugins import connectors


@click.command("sync", help="期限が来た外部サービス連携のデータ取得を実行します。")
@inline_option
@with_appcontext
def sync_command(inline: bool) -> None:
    if not inline:
        queue_job("linking.sync_due", "期限が来た連携の取得")
        return
    app = current_app._get_current_object()
    session = get_session()
    interval = float(app.config.get("SYNC_INTERVAL_HOURS", DEFAULT_SYNC_INTERVAL_HOURS))
    due = due_connections(session, clock.now(), interval)
    if not due:
        click.echo("取得が必要な連携はありません。")
        return
    failed = 0
    for connection in due:
        business = session.get(Business, connection.business_id)
        info = connectors(app).get(connection.connector)
        title = info.connector.title if info else connection.connector
        run = run_sync(session, app, connection, clock.today())
        session.commit()
        if run.outcome is SyncOutcome.OK:
            click.echo(f"{business.name}：{title} … 成功（{run.records}件取得）")
        else:
            failed += 1
            click.echo(f"{business.name}：{title} … エラー（{run.error}）")
    click.echo(f"{len(due)}件の連携を取得しました（エラー{failed}件）。")
