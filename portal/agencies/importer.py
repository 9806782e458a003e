"""`portal import agencies FILE`: the published list of 認定支援機関 into the directory.

The file is the list the 認定支援機関 connector reads (a CSV with a header row; columns found by
their header, see `connectors.agency.connector`). Every row is checked before anything is kept: a
bad row stops the import with a Japanese reason that names its line, and the caller rolls back, so
the directory is either wholly updated or left as it was. Rows go through `store.upsert_agency`,
which touches an agency only when something differs — importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from connectors.agency.connector import (
    COLUMNS,
    REQUIRED,
    normalize_number,
    parse_date,
    split,
)
from portal import store
from portal.records import SupportAgencyRecord
from portal.store.errors import InvalidValues

FIELD_LABELS = {name: headers[0] for name, headers in COLUMNS.items()}


class AgencyImportError(Exception):
    """The file cannot be imported; the message is one Japanese line naming the line when there is one."""


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    updated: int = 0

    def summary(self, name: str) -> str:
        unchanged = self.rows - self.added - self.updated
        return (f"{name} から認定支援機関を取り込みました: {self.rows} 件（追加 {self.added} 件、更新 {self.updated} 件、"
                f"変更なし {unchanged} 件）")


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AgencyImportError("文字コードが読めません。UTF-8 か Shift_JIS の CSV ファイルにしてください。")


def read_records(content: bytes) -> list[tuple[int, SupportAgencyRecord]]:
    """Every non-empty row as (line number, record); `AgencyImportError` at the first bad row."""
    try:
        rows = list(csv.reader(io.StringIO(_decode(content), newline="")))
    except csv.Error as error:
        raise AgencyImportError(f"CSV として読めません（{error}）。") from None
    if not rows:
        raise AgencyImportError("ファイルが空です。1行目に見出し（認定番号、機関名 など）が必要です。")
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in rows[0]]
    positions = {name: next((header.index(h) for h in headers if h in header), None) for name, headers in COLUMNS.items()}
    missing = [FIELD_LABELS[name] for name in REQUIRED if positions[name] is None]
    if missing:
        raise AgencyImportError(f"1行目の見出しに「{'」「'.join(missing)}」の列がありません。")
    records = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {name: row[index].strip() if index is not None and index < len(row) else ""
                 for name, index in positions.items()}
        if any(cells.values()):
            records.append((line, _record(cells, line)))
    return records


def _record(cells: dict[str, str], line: int) -> SupportAgencyRecord:
    for name in REQUIRED:
        if not cells[name]:
            raise AgencyImportError(f"{line}行目: {FIELD_LABELS[name]}が空です。")
    dates = {}
    for name in ("certified_on", "valid_until"):
        try:
            dates[name] = parse_date(cells[name])
        except ValueError:
            raise AgencyImportError(f"{line}行目: {FIELD_LABELS[name]}「{cells[name]}」を日付として読めません"
                                    "（例: 2024-03-31、2024年3月31日、令和6年3月31日）。") from None
    return SupportAgencyRecord(
        certification_number=normalize_number(cells["certification_number"]), name=" ".join(cells["name"].split()),
        kind=cells["kind"] or None, certified_on=dates["certified_on"], valid_until=dates["valid_until"],
        prefecture=cells["prefecture"] or None, address=cells["address"] or None, phone=cells["phone"] or None,
        url=cells["url"] or None, specialties=split(cells["specialties"]), regions=split(cells["regions"]))


def import_agencies(session: Session, content: bytes) -> ImportReport:
    """Upserts every row; raises `AgencyImportError` (the caller rolls back) at the first bad one."""
    report = ImportReport()
    seen: dict[str, int] = {}
    for line, record in read_records(content):
        values = store.agency_values(record)
        number = str(values["certification_number"])
        if number in seen:
            raise AgencyImportError(f"{line}行目: 認定番号 {number} が{seen[number]}行目と重複しています。")
        seen[number] = line
        existed = store.find_agency(session, number) is not None
        try:
            _agency, changed = store.upsert_agency(session, values)
        except InvalidValues as error:
            field, message = next(iter(error.errors.items()))
            raise AgencyImportError(f"{line}行目: {FIELD_LABELS.get(field, field)}が{message}") from None
        report.rows += 1
        if changed:
            report.added += not existed
            report.updated += existed
    return report
