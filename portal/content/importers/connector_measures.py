"""Support measures a connector yields (`SupportMeasureRecord`, Jグランツ's open calls) → 支援制度ナビ.

They are public catalogue entries, not a business's data, so they are not proposed changes: a sync
writes them the way `portal import --format jgrants` does. Each record is put back into the shape
of a Jグランツ API item and read by the same parser (`importers.jgrants.parse_item`), so a call
brought by a sync and the same call imported from a file are one measure with the same fields,
found by (source, id); an unchanged call is not touched, so a re-sync changes nothing. A call the
catalogue already has under another id or from another source updates that measure instead of
adding a second (`importers.duplicates`). Only live connections come here: a sandbox never writes
to the catalogue (`portal.linking.proposals.route_records`).

Writing happens in the caller's transaction, through `import_supports`, which records the changes
for the search index there too (see portal/content/indexing.py: in the same transaction on
PostgreSQL, right after the commit with Whoosh; a savepoint rolled back takes its changes with it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from portal.content.importers import jgrants
from portal.content.importers.duplicates import fold_duplicates
from portal.content.importers.fields import check_lengths
from portal.content.indexing import record_changes
from portal.content.records import ImportFormatError, SupportRecord
from portal.content.services import ImportReport, import_supports
from portal.models import Support
from portal.records import SupportMeasureRecord

log = logging.getLogger(__name__)


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
    """Creates or updates the measures in the caller's transaction; the search index follows."""
    parsed, items = support_records(records, source)
    if not parsed:
        return ImportReport()
    if app is not None:
        session.info.setdefault("app", app)  # whose index follows the commit
    if source == jgrants.SOURCE:
        jgrants.keep_detail_fields(session, {"result": items}, parsed)
    parsed, merged = fold_duplicates(session, parsed)
    report = import_supports(session, parsed) if parsed else ImportReport()
    if merged:
        session.flush()
        report.updated.extend(merged)
        record_changes(session, "supports", merged)  # the measures updated in place are re-indexed too
    return report
