"""The once-only store: 事業データ registered once and re-used everywhere (product.md feature 5).

This package is the only code that writes the business tables, and the way every other feature
reads them. Writes flush but never commit: the caller commits once per use case. Each value keeps
its source (`MANUAL` or a connector's name) and time, and each change is kept in the history.

    business = create_business(session, user, "corporation", "4000012090001", "株式会社サンプル")
    update_fields(session, business, "basic", None, {"capital": "10,000,000"}, MANUAL, user)
    period = add_period(session, business, {"period_end": "2024-03-31", "months": 12}, "freee")
    session.commit()
"""

from __future__ import annotations

from portal.models import Business, FinancialPeriod, Office, Officer, Shareholder, User
from portal.store.agencies import (AGENCY_SECTION, add_agency_member, check_agency_values, agencies_of_user, agency_link, agency_links,
                                   agency_values, businesses_of_agency, find_agency, link_agency, linked_agency,
                                   normalize_certification_number, unlink_agency, upsert_agency)
from portal.store.applications import applications_of, remove_applications, save_applications
from portal.store.businesses import (add_member, business_for_user, create_business, delete_business, members,
                                     membership, require_business)
from portal.store.errors import AlreadyRegistered, InvalidValues, StoreError
from portal.store.history import (MANUAL, HistoryLine, count_history, history, register_source_label, source_label,
                                  sources_of)
from portal.store.reads import (BusinessData, RecordView, Shown, business_data, form_values, get_record, records,
                                view_of)
from portal.store.removal import (Removal, register_unlinked_label, remove_source_values, restored_source,
                                  unlinked_source)
from portal.store.sections import SECTIONS, Caution, Section
from portal.store.values import FieldProblem, FieldSpec
from portal.store.writes import Change, add_record, clean_values, remove_record, update_fields


def add_period(session, business: Business, values: dict, source: str = MANUAL,
               user: User | None = None) -> FinancialPeriod:
    return add_record(session, business, "period", values, source, user)


def update_period(session, business: Business, period_id: int, values: dict, source: str = MANUAL,
                  user: User | None = None) -> list[Change]:
    return update_fields(session, business, "period", period_id, values, source, user)


def remove_period(session, business: Business, period_id: int, user: User | None = None) -> None:
    remove_record(session, business, "period", period_id, user)


def add_shareholder(session, business: Business, values: dict, source: str = MANUAL,
                    user: User | None = None) -> Shareholder:
    return add_record(session, business, "shareholder", values, source, user)


def add_officer(session, business: Business, values: dict, source: str = MANUAL, user: User | None = None) -> Officer:
    return add_record(session, business, "officer", values, source, user)


def add_office(session, business: Business, values: dict, source: str = MANUAL, user: User | None = None) -> Office:
    return add_record(session, business, "office", values, source, user)


def remove_shareholder(session, business: Business, record_id: int, user: User | None = None) -> None:
    remove_record(session, business, "shareholder", record_id, user)


def remove_officer(session, business: Business, record_id: int, user: User | None = None) -> None:
    remove_record(session, business, "officer", record_id, user)


def remove_office(session, business: Business, record_id: int, user: User | None = None) -> None:
    remove_record(session, business, "office", record_id, user)


__all__ = [
    "MANUAL", "SECTIONS", "AlreadyRegistered", "BusinessData", "Change", "FieldProblem", "FieldSpec", "HistoryLine",
    "InvalidValues", "RecordView", "Removal", "Section", "Shown", "StoreError", "add_member", "add_office",
    "add_officer", "add_period", "add_record", "add_shareholder", "business_data", "business_for_user",
    "clean_values", "count_history", "create_business", "form_values", "get_record", "history", "members",
    "membership", "records", "register_source_label", "register_unlinked_label", "remove_office", "remove_officer",
    "remove_period", "remove_record", "remove_shareholder", "remove_source_values", "require_business",
    "source_label", "sources_of", "unlinked_source", "update_fields", "update_period", "view_of",
]
__all__ += ["AGENCY_SECTION", "add_agency_member", "check_agency_values", "agencies_of_user", "agency_link", "agency_links", "agency_values",
            "applications_of", "businesses_of_agency", "find_agency", "link_agency", "linked_agency",
            "normalize_certification_number", "remove_applications", "save_applications", "unlink_agency",
            "upsert_agency"]
__all__ += ["Caution", "restored_source"]
__all__ += ["delete_business"]
