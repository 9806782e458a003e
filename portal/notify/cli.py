"""`portal notify`: send what is due (run it from cron or a systemd timer, e.g. every hour)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import get_session


@click.command("notify", help="期限の来た通知（受信箱・プッシュ通知・まとめメール）を送ります。何度実行しても重複しません。")
@with_appcontext
def notify_command() -> None:
    from portal.notify.run import run_notify

    report = run_notify(get_session())
    for line in report.lines():
        click.echo(line)
