"""Test data through the same service the importers use, so tags, links and indexes are real."""

from __future__ import annotations

import itertools
from datetime import date

from portal.content.records import CaseRecord, Ref, SupportRecord
from portal.content.services import import_cases, import_supports

_ids = itertools.count(1)


def support_record(title: str, **kwargs) -> SupportRecord:
    tags = {name: [str(v) for v in kwargs.pop(name, [])]
            for name in ("purpose", "stage", "service", "subkind", "industry", "prefecture")}
    return SupportRecord(source="test", source_id=kwargs.pop("source_id", f"s{next(_ids)}"), title=title,
                         tags={k: v for k, v in tags.items() if v}, **kwargs)


def case_record(title: str, supports: list[str] = (), **kwargs) -> CaseRecord:
    tags = {name: [str(v) for v in kwargs.pop(name, [])] for name in ("purpose", "stage", "industry", "prefecture")}
    return CaseRecord(source="test", source_id=kwargs.pop("source_id", f"c{next(_ids)}"), title=title,
                      supports=[Ref(title="", source="test", source_id=s) for s in supports],
                      tags={k: v for k, v in tags.items() if v}, **kwargs)


def add_supports(session, *records: SupportRecord) -> list[int]:
    """Writes the records and commits (the search index follows); returns their ids in order."""
    import_supports(session, list(records))
    session.commit()
    from sqlalchemy import select

    from portal.models import Support

    by_key = {s.source_id: s.id for s in session.scalars(select(Support))}
    return [by_key[r.source_id] for r in records]


def add_cases(session, *records: CaseRecord) -> list[int]:
    import_cases(session, list(records))
    session.commit()
    from sqlalchemy import select

    from portal.models import Case

    by_key = {c.source_id: c.id for c in session.scalars(select(Case))}
    return [by_key[r.source_id] for r in records]


TODAY = date(2026, 11, 27)
