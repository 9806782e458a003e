"""One import = one transaction, then the search index.

`in_one_transaction` runs the parse-and-write step and commits; on any error it rolls back and
raises `ImportFormatError`, so nothing of a bad file is ever written. The writes log what changed
(and, on PostgreSQL, index it in the same transaction); after the commit `index_changes` brings
every kind's index up to the database — what this import changed and whatever an earlier, killed
one left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy.orm import Session

from portal.content.importers.fields import check_lengths
from portal.content.indexing import CatchUp, catch_up_all
from portal.content.records import CaseRecord, ImportFormatError, SupportRecord
from portal.content.services import ImportReport, import_cases, import_supports
from portal.models import Case, Support

T = TypeVar("T")


class IndexingError(Exception):
    """The data was committed, but the search index could not follow; `portal reindex` repairs it."""


def _reason(error: BaseException) -> str:
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return first_line if len(first_line) <= 200 else first_line[:200] + "…"


def in_one_transaction(session: Session, work: Callable[[], T]) -> T:
    try:
        result = work()
        session.commit()
    except ImportFormatError:
        session.rollback()
        raise
    except Exception as error:  # any failure must leave the database as it was
        session.rollback()
        raise ImportFormatError(f"取り込めませんでした（{_reason(error)}）。何も書き込んでいません") from error
    return result


def write_supports(session: Session, records: Sequence[SupportRecord]) -> ImportReport:
    check_lengths(records, Support)
    return import_supports(session, records)


def write_cases(session: Session, records: Sequence[CaseRecord]) -> ImportReport:
    check_lengths(records, Case)
    return import_cases(session, records)


def index_changes(session: Session, supports: ImportReport | None = None,
                  cases: ImportReport | None = None) -> list[CatchUp]:
    """After the commit: every kind's index caught up (the reports are what the caller wrote; the
    change log already names them). Raises `IndexingError` when an index cannot follow."""
    try:
        return catch_up_all(session)
    except Exception as error:
        raise IndexingError(f"データは取り込みましたが、検索インデックスを更新できませんでした（{_reason(error)}）。"
                            "次の取り込み・portal seed・portal reindex のどれかで追いつきます") from error


def repair_before_import(session: Session) -> list[CatchUp]:
    """Before writing: whatever an earlier, interrupted import left out of the index, indexed now,
    so that an import never reports 「変更なし」 over an index that lags behind."""
    try:
        return catch_up_all(session)
    except Exception as error:
        raise IndexingError(f"検索インデックスを最新にできなかったため、取り込みを中止しました（{_reason(error)}）。"
                            "何も書き込んでいません") from error
