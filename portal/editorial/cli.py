"""`portal staff role EMAIL editor|publisher`: a 職員's editorial role."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.accounts.services import find_user, record_event
from portal.db import get_session


@click.group("staff", cls=AppGroup, help="職員の設定")
def staff_group() -> None:
    pass


@staff_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["editor", "publisher"]))
def role_command(email: str, role: str) -> None:
    """職員の役割を設定します：editor（編集者：編集と確認依頼）、publisher（公開者：承認と公開）。"""
    session = get_session()
    user = find_user(session, email)
    if user is None or not user.is_staff:
        raise click.ClickException(f"{email} は職員のアカウントではありません。")
    user.editor_role = role
    record_event(session, "editorial.role", user, detail=f"{email} → {role}")
    session.commit()
    click.echo(f"{email} を{'公開者' if role == 'publisher' else '編集者'}にしました。")
