"""`portal import supports|cases FILE --format …` and `portal reindex`.

A bad file ends with 「エラー: <reason>」 on one line and exit status 1, and leaves the database as
it was (the import is one transaction).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from portal.cli import fail
from portal.content.importers import (CASE_FORMATS, KINDS, SUPPORT_FORMATS, ImportFormatError, IndexingError,
                                      import_file)
from portal.db import get_session

import_group = AppGroup("import", help="支援制度・事例のファイルを取り込みます（何度取り込んでも重複しません）。")


def _run_import(kind: str, file: Path, fmt: str) -> None:
    session = get_session()
    try:
        report = import_file(session, kind, file, fmt)
    except (ImportFormatError, IndexingError) as error:
        fail(" ".join(str(error).split()))
    click.echo(report.summary(f"{file.name} の{KINDS[kind]}"))


@import_group.command("supports", help="支援制度のファイルを取り込みます。")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", default="mirasapo", show_default=True, metavar="|".join(SUPPORT_FORMATS),
              help="ファイルの形式: " + ", ".join(SUPPORT_FORMATS))
def import_supports_command(file: Path, fmt: str) -> None:
    _run_import("supports", file, fmt)


@import_group.command("cases", help="事例のファイルを取り込み、使った支援制度と結び付けます。")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", default="mirasapo", show_default=True, metavar="|".join(CASE_FORMATS),
              help="ファイルの形式: " + ", ".join(CASE_FORMATS))
def import_cases_command(file: Path, fmt: str) -> None:
    _run_import("cases", file, fmt)


@click.command("reindex", help="検索インデックスを作り直します。")
@with_appcontext
def reindex_command() -> None:
    from portal.content.indexing import reindex

    try:
        counts = reindex(get_session())
    except Exception as error:  # the contract: one line, exit 1, whatever went wrong
        fail(f"検索インデックスを作り直せませんでした（{' '.join(str(error).split()) or type(error).__name__}）")
    click.echo(f"検索インデックスを作り直しました: 支援制度 {counts['supports']} 件、事例 {counts['cases']} 件、記事 {counts.get('articles', 0)} 件")
