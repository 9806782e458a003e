"""Importers: each source format parsed into `SupportRecord`s / `CaseRecord`s, written through
`portal.content.services` in one transaction, then indexed.

`SUPPORT_FORMATS` / `CASE_FORMATS` name the parser of each `--format` of `portal import`; a parser
takes the parsed JSON and returns records, or raises `ImportFormatError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from typing import Any

from sqlalchemy.orm import Session

from portal.content.importers import demo, jgrants, mirasapo
from portal.content.importers.fields import read_json
from portal.content.importers.transaction import (IndexingError, in_one_transaction, index_changes,
                                                  repair_before_import, write_cases, write_supports)
from portal.content.records import CaseRecord, ImportFormatError, SupportRecord
from portal.content.services import ImportReport

SUPPORT_FORMATS: dict[str, Callable[[Any], list[SupportRecord]]] = {
    "mirasapo": mirasapo.parse_supports,
    "jgrants": jgrants.parse_supports,
    "demo": demo.parse_supports_today,
}
CASE_FORMATS: dict[str, Callable[[Any], list[CaseRecord]]] = {
    "mirasapo": mirasapo.parse_cases,
    "demo": demo.parse_cases,
}
# Steps that need the database before writing: a Jグランツ list keeps what an earlier detail said.
_BEFORE_WRITE: dict[str, Callable[[Session, Any, list[SupportRecord]], None]] = {
    "jgrants": jgrants.keep_detail_fields,
}
KINDS = {"supports": "支援制度", "cases": "事例"}

__all__ = ["CASE_FORMATS", "KINDS", "SUPPORT_FORMATS", "ImportFormatError", "ImportReport", "IndexingError",
           "import_file", "read_json"]


def _parser(kind: str, fmt: str) -> Callable[[Any], list[Any]]:
    formats = {"supports": SUPPORT_FORMATS, "cases": CASE_FORMATS}.get(kind)
    if formats is None:
        raise ImportFormatError(f"取り込む種類 {kind!r} はありません（{', '.join(KINDS)} のいずれか）")
    if fmt not in formats:
        raise ImportFormatError(f"{KINDS[kind]}の形式 {fmt!r} には対応していません（{', '.join(formats)} のいずれか）")
    return formats[fmt]


def import_file(session: Session, kind: str, path: str | PathLike[str], fmt: str) -> ImportReport:
    """Reads, parses and writes a file of measures or cases in one transaction, then indexes the
    changes. Raises `ImportFormatError` (nothing written) or `IndexingError` (before writing when
    the index could not be repaired first, else after the commit). `report.repaired` counts, per
    kind, the documents an earlier import had left out of the index."""
    parse = _parser(kind, fmt)
    data = read_json(path)
    repaired = {result.kind: result.written for result in repair_before_import(session) if result.written}

    def work() -> ImportReport:
        records = parse(data)
        if kind == "cases":
            return write_cases(session, records)
        if fmt in _BEFORE_WRITE:
            _BEFORE_WRITE[fmt](session, data, records)
        return write_supports(session, records)

    report = in_one_transaction(session, work)
    report.repaired = repaired
    if kind == "cases":
        index_changes(session, cases=report)
    else:
        index_changes(session, supports=report)
    return report
