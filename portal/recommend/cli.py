"""`portal recommend …`: evaluate the methods on an event log, make a synthetic log, purge old events."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from portal.recommend.collaborative import DEFAULT_MIN_USERS


def _fail(message: str) -> None:
    from portal.cli import fail

    fail(message)


@click.group("recommend", cls=AppGroup, help="おすすめの評価と、閲覧記録の整理")
def recommend_group() -> None:
    pass


@recommend_group.command("evaluate", help="イベントログ（CSV）で、おすすめの各方法を評価します。")
@click.argument("events", type=click.Path(dir_okay=False))
@click.option("--k", "k", type=click.IntRange(1, 1000), default=10, show_default=True, help="上位何件で評価するか")
@click.option("--holdout", type=click.IntRange(1, 100), default=2, show_default=True,
              help="各利用者の最後の何件を伏せて予測するか")
@click.option("--min-users", type=click.IntRange(1, 1000), default=DEFAULT_MIN_USERS, show_default=True,
              help="二つの項目を共に見た人が何人以上なら似ているとみなすか")
@click.option("--json", "as_json", is_flag=True, help="結果を JSON で出力します")
def evaluate_command(events: str, k: int, holdout: int, min_users: int, as_json: bool) -> None:
    from portal.recommend.evaluation import (
        EvaluationError,
        evaluate,
        format_report,
        read_events,
    )

    try:
        rows = read_events(events)
    except OSError as error:
        _fail(f"ファイルを読めません: {error.strerror or error}")
    except EvaluationError as error:
        _fail(str(error))
    if not rows:
        _fail("イベントが1件もありません。")
    report = evaluate(rows, k=k, holdout=holdout, min_users=min_users)
    if report.evaluated_users == 0:
        _fail(f"評価できる利用者がいません（{holdout + 1}件以上の項目を見た利用者が必要です）。")
    click.echo(json.dumps(report.as_json(), ensure_ascii=False) if as_json else format_report(report))


@recommend_group.command("synth", help="構造のある架空のイベントログ（CSV）を作ります（評価・ベンチマーク用）。")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@click.option("--users", type=click.IntRange(1, 10_000_000), default=50_000, show_default=True)
@click.option("--mean-events", type=click.FloatRange(2, 1000), default=11.0, show_default=True,
              help="一人あたりの平均イベント数")
@click.option("--seed", type=int, default=7, show_default=True)
def synth_command(output: str, users: int, mean_events: float, seed: int) -> None:
    from portal.recommend.synth import generate, write_csv

    rows = write_csv(output, generate(users, mean_events, seed=seed))
    click.echo(f"{rows:,} 件のイベントを {output} に書き出しました（利用者 {users:,} 人）。")


@recommend_group.command("purge", help="保存期間（EVENT_RETENTION_DAYS）を過ぎた閲覧記録を削除します。")
@click.option("--days", type=click.IntRange(1, 36500), default=None, help="保存日数（省略時は設定値）")
@click.option("--inline", is_flag=True, help="キューに入れず、このコマンドの中で実行します（cron から使うとき）")
def purge_command(days: int | None, inline: bool) -> None:
    from portal.db import get_session
    from portal.events.services import purge_expired
    from portal.jobs.cli import queue_job

    if not inline:
        queue_job("events.purge", "古い閲覧記録の削除", days=days)
        return
    days = days or int(current_app.config["EVENT_RETENTION_DAYS"])
    session = get_session()
    removed = purge_expired(session, days)
    session.commit()
    click.echo(f"{days}日より古い閲覧記録を {removed:,} 件削除しました。")
