"""`portal create-client`: registers an application site, prints the secret once, keeps only its hash,
and refuses bad input with one line and nothing stored."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from portal.db import get_session
from portal.models import OAuthClient


def run(app, *args):
    return app.test_cli_runner().invoke(args=["create-client", *args])


def stored(app) -> list[OAuthClient]:
    with app.app_context():
        return list(get_session().scalars(select(OAuthClient)))


def test_a_confidential_site_gets_an_id_and_a_secret_shown_once_and_stored_hashed(app):
    result = run(app, "--name", "経営力向上計画 申請サイト", "--redirect-uri", "https://shinsei.example.jp/callback",
                 "--scope", "business.profile:read", "--scope", "business.financials:read")
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if line.startswith("client_"))
    [client] = stored(app)
    assert lines["client_id"] == client.client_id
    assert client.secret_hash == hashlib.sha256(lines["client_secret"].encode()).hexdigest()
    assert lines["client_secret"] not in (client.secret_hash, client.client_id)
    assert client.scopes == ["business.profile:read", "business.financials:read"]
    assert client.redirect_uris == ["https://shinsei.example.jp/callback"] and client.active


def test_a_public_site_has_no_secret_and_gets_every_scope_by_default(app):
    result = run(app, "--name", "スマホ申請アプリ", "--redirect-uri", "http://127.0.0.1:8001/callback", "--public")
    assert result.exit_code == 0, result.output
    assert "client_secret" not in result.output
    [client] = stored(app)
    assert client.is_public and len(client.scopes) == 5


def test_bad_input_exits_non_zero_with_one_line_and_stores_nothing(app):
    result = run(app, "--name", "危ない申請サイト", "--redirect-uri", "http://shinsei.example.jp/callback")
    assert result.exit_code == 1
    assert result.output.startswith("エラー: リダイレクトURIはhttpsで入力してください") and result.output.count("\n") == 1
    unknown = run(app, "--name", "x", "--redirect-uri", "https://a.example.jp/cb", "--scope", "business.all")
    assert unknown.exit_code == 2
    assert stored(app) == []
