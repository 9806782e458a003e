"""Saved 経営カルテ reports: saving, listing and opening a business's reports, sharing one with the
business's linked 支援機関 and withdrawing it, and what the once-only API returns as the latest.

Every read is scoped: a business reaches only its own reports, and a 支援者 only reports shared with
an agency they work for by a business that is still linked to that agency. Anything else is
`NotFound`, never a hint that the report exists. Services flush; the views commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, store
from portal.errors import Conflict, NotFound
from portal.locaben import calc
from portal.locaben.serialize import evaluation_json
from portal.models import Business, BusinessAgencyLink, User
from portal.models.benchmark import BenchmarkReport

NOT_FOUND = "その経営カルテは見つかりません。"


def save_report(session: Session, business: Business, user: User | None, inputs: dict[str, Any],
                evaluation: calc.Evaluation, sheets: dict[str, str]) -> BenchmarkReport:
    newest = evaluation.periods[0].label
    report = BenchmarkReport(business_id=business.id, created_by_id=user.id if user else None,
                             created_at=clock.now(), title=f"{newest}期までの経営カルテ",
                             industry_code=evaluation.industry.code, size=evaluation.size, inputs=inputs,
                             results=evaluation_json(evaluation), sheets=dict(sheets))
    session.add(report)
    session.flush()
    return report


def reports_of(session: Session, business: Business) -> list[BenchmarkReport]:
    """Newest first."""
    return list(session.scalars(select(BenchmarkReport).where(BenchmarkReport.business_id == business.id)
                                .order_by(BenchmarkReport.created_at.desc(), BenchmarkReport.id.desc())))


def get_report(session: Session, business: Business, report_id: int) -> BenchmarkReport:
    report = session.scalar(select(BenchmarkReport).where(BenchmarkReport.id == report_id,
                                                          BenchmarkReport.business_id == business.id))
    if report is None:
        raise NotFound(NOT_FOUND)
    return report


def share_report(session: Session, business: Business, report_id: int) -> BenchmarkReport:
    """Shares the report with the business's linked agency (Conflict when there is none)."""
    report = get_report(session, business, report_id)
    agency = store.linked_agency(session, business)
    if agency is None:
        raise Conflict("連携している支援機関がありません。マイページで支援機関を登録してから共有してください。")
    report.shared_agency_id, report.shared_at = agency.id, clock.now()
    session.flush()
    return report


def withdraw_report(session: Session, business: Business, report_id: int) -> BenchmarkReport:
    report = get_report(session, business, report_id)
    report.shared_agency_id, report.shared_at = None, None
    session.flush()
    return report


def _shared_query(session: Session, user: User):
    agency_ids = [agency.id for agency in store.agencies_of_user(session, user)]
    return (select(BenchmarkReport, Business)
            .join(Business, Business.id == BenchmarkReport.business_id)
            .join(BusinessAgencyLink, (BusinessAgencyLink.business_id == BenchmarkReport.business_id)
                  & (BusinessAgencyLink.agency_id == BenchmarkReport.shared_agency_id))
            .where(BenchmarkReport.shared_agency_id.in_(agency_ids)))


def shared_with(session: Session, user: User) -> list[tuple[BenchmarkReport, Business]]:
    """Reports shared with the agencies `user` works for, by businesses still linked to them."""
    rows = session.execute(_shared_query(session, user).order_by(BenchmarkReport.shared_at.desc()))
    return [(report, business) for report, business in rows]


def shared_report(session: Session, user: User, report_id: int) -> tuple[BenchmarkReport, Business]:
    row = session.execute(_shared_query(session, user).where(BenchmarkReport.id == report_id)).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row[0], row[1]


def report_payload(report: BenchmarkReport) -> dict[str, Any]:
    """A report as the once-only API returns it: the calculation's JSON plus the date and title."""
    return {**report.results, "id": report.id, "title": report.title,
            "created_at": report.created_at.isoformat(), "date": report.created_at.date().isoformat()}


def latest_report_payload(session: Session, business: Business) -> dict[str, Any] | None:
    """The latest saved report of `business` for GET /api/v1/me/benchmark, or None when there is none.

    Keys: `size`, `industry` {code, name}, `periods` [{label, indicators {key: {value, score,
    baseline}}, total, rank}] (as POST /api/v1/benchmark), `attribution`, `id`, `title`,
    `created_at` (ISO datetime, UTC) and `date` (ISO date).
    """
    report = session.scalar(select(BenchmarkReport).where(BenchmarkReport.business_id == business.id)
                            .order_by(BenchmarkReport.created_at.desc(), BenchmarkReport.id.desc()).limit(1))
    return report_payload(report) if report is not None else None
