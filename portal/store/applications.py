"""申請履歴: the applications an application site (Jグランツ) reports for a business.

They are the site's own record, so a sync writes them directly rather than proposing them: each is
found by (source, its id at the site), written only when something differs, and never removed by
a sync that does not mention it (Jグランツ's live mode reports none, having no public API). They go
only with 「解除して削除」 of the service that brought them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import clock
from portal.models import ApplicationHistory, Business
from portal.records import ApplicationRecord

FIELDS = ("measure_title", "measure_external_id", "applied_on", "status", "requested_amount", "granted_amount")
_LIMITS = {"external_id": 100, "measure_title": 300, "measure_external_id": 100, "status": 50}


def _fits(record: ApplicationRecord) -> bool:
    return all(len(getattr(record, name) or "") <= limit for name, limit in _LIMITS.items())


def save_applications(session: Session, business: Business, records: Iterable[ApplicationRecord],
                      source: str) -> int:
    """Writes what differs; returns how many rows were added or changed (0 on a re-run)."""
    existing = {row.external_id: row for row in session.scalars(select(ApplicationHistory).where(
        ApplicationHistory.business_id == business.id, ApplicationHistory.source == source))}
    written = 0
    for record in records:
        if not record.external_id or not record.measure_title or not _fits(record):
            continue  # unusable at the site's side; the rest still counts
        row = existing.get(record.external_id)
        if row is None:
            row = ApplicationHistory(business_id=business.id, source=source, external_id=record.external_id)
            session.add(row)
            existing[record.external_id] = row
        changed = row.id is None
        for name in FIELDS:
            if getattr(row, name) != getattr(record, name):
                setattr(row, name, getattr(record, name))
                changed = True
        if changed:
            row.updated_at = clock.now()
            written += 1
    session.flush()
    return written


def applications_of(session: Session, business: Business) -> list[ApplicationHistory]:
    """The business's applications, the latest first (undated ones last)."""
    rows = session.scalars(select(ApplicationHistory).where(ApplicationHistory.business_id == business.id)
                           .order_by(ApplicationHistory.id))
    return sorted(rows, key=lambda row: (row.applied_on is None, -(row.applied_on.toordinal()
                                                                  if row.applied_on else 0)))


def remove_applications(session: Session, business: Business, source: str) -> int:
    result = session.execute(delete(ApplicationHistory).where(ApplicationHistory.business_id == business.id,
                                                              ApplicationHistory.source == source))
    session.flush()
    return result.rowcount or 0
