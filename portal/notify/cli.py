"""`portal notify`: send what is due. The worker's scheduler runs it every hour (slot notify); the
command queues a run, or with `--inline` (cron, a systemd timer) does it here and prints the report."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal import jobs
from portal.db import get_session
from portal.jobs.cli import inline_option, queue_job


@click.command("notify", help="期限の来た通知（受信箱・プッシュ通知・まとめメール）を送ります。何度実行しても重複しません。")
@inline_option
@with_appcontext
def notify_command(inline: bool) -> None:
    from portal.notify.run import run_notify

    if not inline:
        queue_job("notify.run", "通知の送信")
        return
    with jobs.inline():  # the pushes and mails it queues are sent here too
        report = run_notify(get_session())
    for line in report.lines():
        click.echo(line)
