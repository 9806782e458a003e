"""`portal create-client`: register an application site for the once-only API from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import get_session
from portal.oauth.scopes import ALL_SCOPES


@click.command("create-client", help="ワンスオンリーAPIを使う申請サイトを登録します。")
@click.option("--name", required=True, help="申請サイトの名前（同意画面に表示）")
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True, help="リダイレクトURI（複数可）")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(ALL_SCOPES),
              help="読み取りを認めるスコープ（複数可。省略するとすべて）")
@click.option("--public", is_flag=True, help="シークレットを持たない公開クライアント（PKCEのみ）")
@click.option("--description", default="", help="同意画面に表示する説明")
@click.option("--start-url", default="", help="支援制度のページから申請を始めるときに開くURL")
@click.option("--support-id", "support_ids", multiple=True, type=int, help="この申請サイトで申請できる支援制度のID")
@with_appcontext
def create_client_command(name: str, redirect_uris: tuple[str, ...], scopes: tuple[str, ...], public: bool,
                          description: str, start_url: str, support_ids: tuple[int, ...]) -> None:
    from portal.cli import fail
    from portal.oauth.clients import ClientValues, InvalidClient, register_client

    session = get_session()
    values = ClientValues(name=name, redirect_uris=list(redirect_uris), scopes=list(scopes or ALL_SCOPES),
                          public=public, description=description, start_url=start_url, support_ids=list(support_ids))
    try:
        client, secret = register_client(session, values)
    except InvalidClient as error:
        session.rollback()
        fail("、".join(error.errors.values()))
    session.commit()
    click.echo(f"申請サイトを登録しました: {client.name}")
    click.echo(f"client_id: {client.client_id}")
    if secret:
        click.echo(f"client_secret: {secret}")
        click.echo("クライアントシークレットはこの一度しか表示しません。安全な場所に保管してください。")
    else:
        click.echo("公開クライアントです（シークレットなし、PKCE S256 必須）。")
