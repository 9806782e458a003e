"""The `portal` command (also `flask --app wsgi …`): the commands of contracts.md."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from portal.db import get_session, upgrade_database

def fail(message: str) -> None:
    """Exit non-zero with a one-line reason, as contracts.md asks of every command."""
    click.echo(f"エラー: {message}", err=True)
    sys.exit(1)


@click.group("db", cls=AppGroup, help="データベースの操作")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="マイグレーションを最新まで適用します。")
def db_upgrade() -> None:
    upgrade_database(current_app._get_current_object())
    click.echo("データベースを最新の状態にしました。")


@db_group.command("revision", help="モデルとの差分から新しいマイグレーションを作ります（開発者向け）。")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    from alembic import command

    from portal.db import alembic_config, get_db

    db = get_db()
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


@click.command("seed", help="デモデータを読み込みます（何度実行しても重複しません）。")
@with_appcontext
def seed() -> None:
    from portal.seed import seed_demo

    report = seed_demo(get_session())
    for line in report:
        click.echo(line)


@click.command("create-user", help="アカウントを作成します（例：--role staff）。")
@click.option("--email", required=True, help="メールアドレス")
@click.option("--password", prompt="パスワード", hide_input=True, confirmation_prompt=True,
              help="パスワード（省略すると入力を求めます）")
@click.option("--role", type=click.Choice(["business", "supporter", "staff"]), default="business",
              show_default=True, help="business=事業者, supporter=支援者, staff=職員")
@click.option("--name", default="", help="表示名")
@with_appcontext
def create_user_command(email: str, password: str, role: str, name: str) -> None:
    from portal.accounts.services import AccountError, create_user
    from portal.models import Role

    session = get_session()
    try:
        user = create_user(session, email, password, Role(role), display_name=name, confirmed=True)
    except AccountError as error:
        session.rollback()
        fail(error.message)
    session.commit()
    click.echo(f"{user.role.label}のアカウントを作成しました: {user.email}")


def register_commands(app: Flask) -> None:
    from portal.content.cli import import_group, reindex_command
    from portal.linking.cli import sync_command
    from portal.plugins_cli import add_plugin_commands, plugins_command

    for command in (db_group, seed, create_user_command, import_group, reindex_command, plugins_command, sync_command):
        app.cli.add_command(command)
    from portal.oauth.cli import create_client_command

    app.cli.add_command(create_client_command)
    from portal.notify.cli import notify_command

    app.cli.add_command(notify_command)
    from portal.recommend.cli import recommend_group

    app.cli.add_command(recommend_group)
    from portal.agencies.cli import import_agencies_command

    import_group.add_command(import_agencies_command)  # `portal import agencies FILE`
    from portal.jobs.cli import jobs_group
    from portal.jobs.worker import worker_command

    app.cli.add_command(worker_command)  # `portal worker`: runs the queued jobs (and the scheduler)
    app.cli.add_command(jobs_group)  # `portal jobs status|sweep`
    from portal.editorial.cli import staff_group

    app.cli.add_command(staff_group)  # `portal staff role EMAIL editor|publisher`
    add_plugin_commands(app)


def main() -> None:
    from portal.app import create_app
    from portal.config import ConfigError

    try:
        FlaskGroup(create_app=create_app, add_default_commands=True,
                   help="中小企業支援ポータルの管理コマンド").main(prog_name="portal", standalone_mode=True)
    except ConfigError as error:  # e.g. no SECRET_KEY outside development: one line saying what to set
        fail(str(error))
