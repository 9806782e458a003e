"""`portal jobs status` and `portal jobs sweep`, and the one rule every job-backed command follows:
queue the work for a worker, or with `--inline` do it here and now (cron users, scripts, tests)."""

from __future__ import annotations

import json
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.db import get_session
from portal.jobs import ledger, sweeper
from portal.jobs.health import queue_health
from portal.jobs.queue import inline
from portal.models import Job

INLINE_HELP = "キューに入れず、このコマンドの中で実行します（cron から使うとき、ワーカーがいないとき）"


def inline_option(command: Callable) -> Callable:
    return click.option("--inline", is_flag=True, help=INLINE_HELP)(command)


def queue_job(name: str, what: str, **payload) -> None:
    """Queues the job `name` for a worker and says so."""
    session = get_session()
    job_id = ledger.enqueue(session, name, **payload)
    session.commit()
    click.echo(f"{what}をキューに入れました（ジョブ {job_id}）。ワーカー（portal worker）が実行します。")


@click.group("jobs", cls=AppGroup, help="バックグラウンドのジョブ（キュー）の状態と整理")
def jobs_group() -> None:
    pass


@jobs_group.command("status", help="待っているジョブ、失敗したジョブ、ワーカーの様子を表示します。")
@click.option("--json", "as_json", is_flag=True, help="JSON で出力します")
def status_command(as_json: bool) -> None:
    ok, details = queue_health(current_app._get_current_object())
    by_state = dict(get_session().execute(select(Job.state, func.count(Job.id)).group_by(Job.state)).all())
    if as_json:
        click.echo(json.dumps({"ok": ok, **details, "jobs": by_state}, ensure_ascii=False))
        return
    click.echo(f"キュー: {details['backend']}　状態: {'正常' if ok else '要確認'}")
    counts = "、".join(f"{state} {count}件" for state, count in sorted(by_state.items()))
    click.echo(f"ジョブ: {counts or 'なし'}")
    if details.get("oldest_waiting_seconds") is not None:
        click.echo(f"いちばん古い待ちジョブ: {details['oldest_waiting_seconds']:.0f}秒前から")
    seen = details.get("worker_last_seen_seconds")
    click.echo(f"ワーカー: {'最後の応答 %.0f秒前' % seen if seen is not None else '記録なし'}")
    for problem in details.get("problems", []):
        click.echo(f"問題: {problem}")


@jobs_group.command("sweep", help="止まったワーカーが残したジョブと、キューから失われたジョブを入れ直します。")
@click.option("--inline", "run_here", is_flag=True,
              help="期限の来た待ちジョブをすべて、このコマンドの中で実行します（ワーカーを動かさないとき）")
def sweep_command(run_here: bool) -> None:
    app = current_app._get_current_object()
    if run_here:
        with inline():
            swept = sweeper.sweep_and_dispatch(app, requeue_after=0)
    else:
        swept = sweeper.sweep_and_dispatch(app)
    click.echo(f"止まったワーカーのジョブ {len(swept.released)}件、再投入 {len(swept.requeued)}件、"
               f"打ち切り {len(swept.given_up)}件")

