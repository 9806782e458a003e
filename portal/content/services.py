"""Writing measures and cases: the one place that does, so that imports are idempotent and the
search index and the navi's catalog follow every change (`record_changes`, in the same transaction).

`import_supports` / `import_cases` run in one transaction: either every record is written or, on
any error, none is. A record whose content is unchanged is not touched, so re-importing the same
file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.content.indexing import record_changes
from portal.content.records import CaseRecord, ImportFormatError, SupportRecord
from portal.content.versions import bump_version, content_version, recent_content_version
from portal.models import Case, CaseTag, Support, SupportTag, case_supports

__all__ = ["ImportReport", "bump_version", "content_version", "import_cases", "import_supports",
           "link_case_supports", "recent_content_version", "resolve_related"]

SUPPORT_FIELDS = [f.name for f in fields(SupportRecord)
                  if f.name not in {"source", "source_id", "related", "tags", "created_at", "updated_at"}]
CASE_FIELDS = [f.name for f in fields(CaseRecord)
               if f.name not in {"source", "source_id", "supports", "tags", "created_at", "updated_at"}]


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    # Per kind, documents the text index lacked before this import (an earlier one was interrupted).
    repaired: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, written: Sequence[tuple[Any, str]]) -> ImportReport:
        """The report of (row, "created" | "updated" | "unchanged") pairs, after a flush."""
        report = cls()
        for row, outcome in written:
            if outcome == "unchanged":
                report.unchanged += 1
            else:
                getattr(report, outcome).append(row.id)
        return report

    @property
    def changed_ids(self) -> list[int]:
        return self.created + self.updated

    def summary(self, what: str) -> str:
        line = (f"{what}: 新規 {len(self.created)} 件、更新 {len(self.updated)} 件、"
                f"変更なし {self.unchanged} 件")
        if self.repaired:
            names = {"supports": "支援制度", "cases": "事例", "articles": "記事"}
            order = [k for k in names if k in self.repaired] + sorted(k for k in self.repaired if k not in names)
            counts = "、".join(f"{names.get(kind, kind)} {self.repaired[kind]:,} 件" for kind in order)
            line = f"検索索引が遅れていたため、先に索引し直しました（{counts}）\n" + line
        return line


def _tag_set(tags: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(kind, str(value)) for kind, values in tags.items() for value in values}


def _apply(row: Any, record: Any, names: Sequence[str], values: dict[str, Any]) -> bool:
    changed = False
    for name in names:
        new = values[name] if name in values else getattr(record, name)
        if getattr(row, name) != new:
            setattr(row, name, new)
            changed = True
    return changed


def _check_unique(records: Sequence[Any]) -> None:
    seen: set[tuple[str, str]] = set()
    for index, record in enumerate(records):
        key = (record.source, record.source_id)
        if key in seen:
            raise ImportFormatError(f"ID {record.source_id} が重複しています", index, "id")
        seen.add(key)


def _write_support(session: Session, record: SupportRecord, existing: Support | None) -> tuple[Support, str]:
    values = {"related_refs": [ref.as_dict() for ref in record.related]}
    names = [*SUPPORT_FIELDS, "related_refs"]
    if existing is None:
        support = Support(source=record.source, source_id=record.source_id)
        _apply(support, record, names, values)
        support.tags = [SupportTag(kind=k, value=v) for k, v in sorted(_tag_set(record.tags))]
        support.created_at = record.created_at or clock.now()
        support.updated_at = record.updated_at or support.created_at
        session.add(support)
        return support, "created"
    from portal.editorial import services as editorial

    if editorial.has_editor_history(session, "support", existing.id):
        # 職員 have edited this measure: the source's update waits for review as a proposed revision.
        return _propose_support(session, existing, record, names, values)
    changed = _apply(existing, record, names, values)
    wanted = _tag_set(record.tags)
    if {(t.kind, t.value) for t in existing.tags} != wanted:
        existing.tags = [SupportTag(kind=k, value=v) for k, v in sorted(wanted)]
        changed = True
    if changed:
        existing.updated_at = record.updated_at or clock.now()
        existing.imported_at = clock.now()
        return existing, "updated"
    return existing, "unchanged"


def _propose_support(session: Session, existing: Support, record: SupportRecord, names, values) -> tuple[Support, str]:
    from portal.editorial import services as editorial
    from portal.editorial.snapshots import support_snapshot

    live = support_snapshot(existing)
    probe = Support(source=existing.source, source_id=existing.source_id)
    _apply(probe, record, names, values)
    probe.tags = [SupportTag(kind=k, value=v) for k, v in sorted(_tag_set(record.tags))]
    proposed = support_snapshot(probe)
    session.expunge(probe) if probe in session else None
    # Only a change at the source is proposed: what it sent last time is the newest revision that
    # came from an import (the baseline taken before the first edit, or an earlier proposal).
    last_import = editorial.latest_from_import(session, "support", existing.id)
    if proposed == live or (last_import is not None and last_import.data == proposed):
        return existing, "unchanged"
    editorial.propose(session, "support", existing, proposed, note=f"{record.source} からの更新（取り込み）")
    return existing, "unchanged"


def import_supports(session: Session, records: Sequence[SupportRecord]) -> ImportReport:
    """Create or update measures by (source, source_id), in the caller's transaction."""
    _check_unique(records)
    by_source: dict[str, dict[str, Support]] = {}
    for source in {r.source for r in records}:
        rows = session.scalars(select(Support).where(Support.source == source))
        by_source[source] = {row.source_id: row for row in rows}
    written: list[tuple[Support, str]] = []
    for record in records:
        written.append(_write_support(session, record, by_source[record.source].get(record.source_id)))
    session.flush()
    report = ImportReport.of(written)
    if report.changed_ids:
        relinked = link_case_supports(session)
        record_changes(session, "supports", report.changed_ids)
        # A case's document names the measures it used: their new titles, or new links, change it.
        record_changes(session, "cases", relinked | cases_using(session, report.changed_ids))
    return report


def _case_refs_values(record: CaseRecord) -> dict[str, Any]:
    return {"support_refs": [ref.as_dict() for ref in record.supports]}


def import_cases(session: Session, records: Sequence[CaseRecord]) -> ImportReport:
    """Create or update cases by (source, source_id), and link them to the measures they name."""
    _check_unique(records)
    existing = {(c.source, c.source_id): c for c in
                session.scalars(select(Case).where(Case.source.in_({r.source for r in records})))}
    names = [*CASE_FIELDS, "support_refs"]
    written: list[tuple[Case, str]] = []
    for record in records:
        case = existing.get((record.source, record.source_id))
        values = _case_refs_values(record)
        wanted = _tag_set(record.tags)
        if case is None:
            case = Case(source=record.source, source_id=record.source_id)
            _apply(case, record, names, values)
            case.tags = [CaseTag(kind=k, value=v) for k, v in sorted(wanted)]
            case.created_at = record.created_at or clock.now()
            case.updated_at = record.updated_at or case.created_at
            session.add(case)
            written.append((case, "created"))
            continue
        changed = _apply(case, record, names, values)
        if {(t.kind, t.value) for t in case.tags} != wanted:
            case.tags = [CaseTag(kind=k, value=v) for k, v in sorted(wanted)]
            changed = True
        if changed:
            case.updated_at = record.updated_at or clock.now()
            case.imported_at = clock.now()
        written.append((case, "updated" if changed else "unchanged"))
    session.flush()
    report = ImportReport.of(written)
    relinked = link_case_supports(session)
    record_changes(session, "cases", set(report.changed_ids) | relinked)
    return report


def _lookup_keys(refs: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(ref["source"], ref["source_id"]) for ref in refs if ref.get("source") and ref.get("source_id")}


def link_case_supports(session: Session) -> set[int]:
    """Points each case at the measures its refs name, whichever was imported first.

    Returns the ids of the cases whose links changed."""
    cases = list(session.scalars(select(Case)))
    wanted_keys = set().union(*(_lookup_keys(c.support_refs) for c in cases)) if cases else set()
    if not wanted_keys:
        return set()
    supports = {(s.source, s.source_id): s for s in session.scalars(
        select(Support).where(Support.source_id.in_({key[1] for key in wanted_keys})))}
    changed = set()
    for case in cases:
        targets = [supports[key] for key in sorted(_lookup_keys(case.support_refs)) if key in supports]
        if {s.id for s in targets} != {s.id for s in case.supports}:
            case.supports = targets
            changed.add(case.id)
    if changed:
        session.flush()
    return changed


def cases_using(session: Session, support_ids: Sequence[int]) -> set[int]:
    if not support_ids:
        return set()
    found: set[int] = set()
    for start in range(0, len(support_ids), 500):
        found.update(session.scalars(select(case_supports.c.case_id).distinct()
                                     .where(case_supports.c.support_id.in_(support_ids[start:start + 500]))))
    return found


def resolve_related(session: Session, refs: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], Support | None]]:
    """Each related ref with the measure it names, when that measure is in the portal."""
    keys = _lookup_keys(refs)
    found: dict[tuple[str, str], Support] = {}
    if keys:
        rows = session.scalars(select(Support).where(Support.source_id.in_({k[1] for k in keys})))
        found = {(s.source, s.source_id): s for s in rows}
    return [(ref, found.get((ref.get("source", ""), ref.get("source_id", "")))) for ref in refs]
