"""`portal import agencies FILE`, added to the `portal import` group of the content CLI."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.agencies.importer import AgencyImportError, import_agencies
from portal.cli import fail
from portal.db import get_session


@click.command("agencies", help="認定支援機関の一覧（中小企業庁が公表するCSV）を取り込みます（何度取り込んでも重複しません）。")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_agencies_command(file: Path) -> None:
    session = get_session()
    try:
        report = import_agencies(session, file.read_bytes())
    except AgencyImportError as error:
        session.rollback()
        fail(" ".join(str(error).split()))
    session.commit()
    click.echo(report.summary(file.name))
