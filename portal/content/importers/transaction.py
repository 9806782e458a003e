"""One import = one transaction, then the search index.

`in_one_transaction` runs the parse-and-write step and commits; on any error it rolls back and
raises `ImportFormatError`, so nothing of a bad file is ever written. Only after the commit does
`index_changes` update the search index with the ids that changed — including the cases whose
linked measures changed, because a case's search document names those measures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.content.importers.fields import check_lengths
from portal.content.indexing import index_cases, index_supports
from portal.content.records import CaseRecord, ImportFormatError, SupportRecord
from portal.content.services import ImportReport, import_cases, import_supports
from portal.models import Case, Support, case_supports

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


def _cases_using(session: Session, support_ids: Sequence[int]) -> list[int]:
    if not support_ids:
        return []
    return list(session.scalars(select(case_supports.c.case_id).distinct()
                                .where(case_supports.c.support_id.in_(support_ids))))


def index_changes(session: Session, supports: ImportReport | None = None,
                  cases: ImportReport | None = None) -> None:
    """After the commit: index what changed. Raises `IndexingError` when the index fails."""
    try:
        support_ids = supports.changed_ids if supports else []
        case_ids = set(cases.changed_ids if cases else []) | set(_cases_using(session, support_ids))
        index_supports(session, support_ids)
        index_cases(session, case_ids)
    except Exception as error:
        raise IndexingError(f"データは取り込みましたが、検索インデックスを更新できませんでした（{_reason(error)}）。"
                            "portal reindex を実行してください") from error
