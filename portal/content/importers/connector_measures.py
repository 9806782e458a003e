"""Support measures a connector yields (`SupportMeasureRecord`, Jグランツ's open calls) → 支援制度ナビ.

They are public catalogue entries, not a business's data, so they are not proposed changes: a sync
writes them the way `portal import --format jgrants` does. Each record is put back into the shape
of a Jグランツ API item and read by the same parser (`importers.jgrants.parse_item`), so a call
brought by a sync and the same call imported from a file are one measure with the same fields,
found by (source, id); an unchanged call is not touched, so a re-sync changes nothing. A call the
catalogue already has under another id or from another source updates that measure instead of
adding a second (`importers.duplicates`). Only live connections come here: a sandbox never writes
to the catalogue (`portal.linking.proposals.route_records`).

Writing happens in the caller's transaction. The search index may only follow committed rows, so
the changed ids are noted on the session and indexed right after its commit (from a fresh session,
which sees exactly what was committed: an id rolled back since is simply dropped from the index).
An app context is pushed only when there is none: pushing one inside a request would, on its
teardown, close the request's own scoped session.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.content.importers import jgrants
from portal.content.importers.duplicates import fold_duplicates
from portal.content.importers.fields import check_lengths
from portal.content.records import ImportFormatError, SupportRecord
from portal.content.services import ImportReport, bump_version, import_supports
from portal.models import Support
from portal.records import SupportMeasureRecord

log = logging.getLogger(__name__)

_PENDING = "portal_pending_support_index"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _joined(values: Sequence[str]) -> str | None:
    return " / ".join(values) or None


def api_item(record: SupportMeasureRecord) -> dict[str, Any]:
    """The record as a Jグランツ API item. Detail-only fields are left out when the record does not
    know them, so the importer keeps what an earlier detail import said (`keep_detail_fields`)."""
    item = {
        "id": record.external_id, "name": record.management_number, "title": record.title,
        "target_area_search": _joined(record.target_areas), "target_number_of_employees": record.target_employees,
        "subsidy_max_limit": record.max_amount, "acceptance_start_datetime": _iso(record.acceptance_start),
        "acceptance_end_datetime": _iso(record.acceptance_end),
    }
    detail = {
        "subsidy_catch_phrase": record.catch_phrase, "detail": record.detail_html,
        "use_purpose": _joined(record.use_purposes), "industry": _joined(record.industries),
        "subsidy_rate": record.subsidy_rate, "front_subsidy_detail_page_url": record.url,
    }
    return {**item, **{key: value for key, value in detail.items() if value is not None}}


def support_records(records: Sequence[SupportMeasureRecord], source: str) -> tuple[list[SupportRecord], list[dict]]:
    """The records the importer would write, and their API items; one it cannot read is left out
    (and logged), so that one odd call does not keep the others from the navi."""
    parsed: list[SupportRecord] = []
    items: list[dict] = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        item = api_item(record)
        try:
            support = jgrants.parse_item(item, index)
            check_lengths([support], Support)
        except ImportFormatError as error:
            log.warning("measure %s from %s left out: %s", record.external_id, source, error)
            continue
        if support.source_id in seen:
            continue
        seen.add(support.source_id)
        parsed.append(support if source == jgrants.SOURCE else replace(support, source=source))
        items.append(item)
    return parsed, items


def import_measure_records(session: Session, records: Sequence[SupportMeasureRecord], source: str,
                           app: Flask | None = None) -> ImportReport:
    """Creates or updates the measures in the caller's transaction; indexes them after its commit."""
    parsed, items = support_records(records, source)
    if not parsed:
        return ImportReport()
    if source == jgrants.SOURCE:
        jgrants.keep_detail_fields(session, {"result": items}, parsed)
    parsed, merged = fold_duplicates(session, parsed)
    report = import_supports(session, parsed) if parsed else ImportReport()
    if merged:
        report.updated.extend(merged)
        bump_version(session, "supports")
    if report.changed_ids:
        index_after_commit(session, report.changed_ids, app)
    return report


def index_after_commit(session: Session, support_ids: Sequence[int], app: Flask | None = None) -> None:
    pending: set[int] = session.info.setdefault(_PENDING, set())
    pending.update(support_ids)
    target = app or session.info.get("app") or current_app._get_current_object()
    if not event.contains(session, "after_commit", _index_pending):
        session.info["portal_index_app"] = target
        event.listen(session, "after_commit", _index_pending)


def _index_pending(session: Session) -> None:
    from portal.content.importers.transaction import IndexingError, index_changes

    if session.in_nested_transaction():  # a SAVEPOINT released: the rows are not committed yet
        return
    ids = sorted(session.info.pop(_PENDING, set()))
    app = session.info.get("portal_index_app")
    if not ids or app is None:
        return
    try:
        with nullcontext() if has_app_context() else app.app_context(), Session(session.get_bind()) as fresh:
            index_changes(fresh, supports=ImportReport(updated=ids))
    except IndexingError as error:  # the rows are committed; `portal reindex` (or the next seed) repairs the index
        log.error("%s", error)
