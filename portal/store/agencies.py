"""The 認定支援機関 a business works with, the agency directory, and the 支援者 who work for an agency.

The link is part of the business's 事業データ: linking and unlinking go to the history like any other
value (section 「支援機関」), so 変更履歴 shows when and from which source a business chose its
agency. The directory itself is public reference data keyed by the 認定番号; `upsert_agency` keeps
one row per number and touches it only when something differs, so re-reading the list changes
nothing. Like the rest of the store, nothing here commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.errors import Forbidden
from portal.models import (
    AgencyKind,
    AgencyMember,
    Business,
    BusinessAgencyLink,
    Role,
    SupportAgency,
    User,
)
from portal.records import SupportAgencyRecord
from portal.store.errors import InvalidValues
from portal.store.history import MANUAL, record_change
from portal.store.sections import SECTIONS, Section
from portal.store.values import FieldSpec
from portal.taxonomy import PREFECTURES, REGIONS, prefecture_code

AGENCY_FIELD = FieldSpec("agency", "連携する支援機関", max_length=300)
#: The link as a store section: proposed changes and 変更履歴 name it the way they name every value.
AGENCY_SECTION = Section("agency", "支援機関", BusinessAgencyLink, (AGENCY_FIELD,), lambda _link: "支援機関")
SECTIONS.setdefault(AGENCY_SECTION.name, AGENCY_SECTION)

NATIONWIDE = "全国"
DIRECTORY_FIELDS = ("name", "kind", "certified_on", "valid_until", "prefecture", "address", "phone", "url",
                    "specialties", "regions", "nationwide")
_LIMITS = {"certification_number": 30, "name": 200, "address": 300, "phone": 30, "url": 500}


def normalize_certification_number(text: str | None) -> str:
    """「１０６３ １３０００６１０」 → 「106313000610」: what people type, in the one form the list uses."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


# --- the directory --------------------------------------------------------------------------------

def agency_values(record: SupportAgencyRecord) -> dict[str, object]:
    """A published entry as directory values: kind and prefecture as the portal's codes, the address
    after its prefecture, regions as prefecture codes (a region such as 関東 as its prefectures)."""
    prefecture = prefecture_code(record.prefecture) if record.prefecture else None
    address = (record.address or "").strip()
    for code, name in PREFECTURES.items():
        if address.startswith(name):
            prefecture = prefecture or code
            address = address[len(name):].strip()
            break
    regions: list[str] = []
    for name in record.regions:
        codes = REGIONS.get(name) or ((prefecture_code(name),) if prefecture_code(name) else ())
        regions += [code for code in codes if code not in regions]
    return {
        "certification_number": normalize_certification_number(record.certification_number),
        "name": " ".join(record.name.split()), "kind": AgencyKind.from_label(record.kind),
        "certified_on": record.certified_on, "valid_until": record.valid_until, "prefecture": prefecture,
        "address": address or None, "phone": record.phone, "url": record.url,
        "specialties": [s.strip() for s in record.specialties if s.strip()], "regions": sorted(regions),
        "nationwide": NATIONWIDE in record.regions,
    }


def check_agency_values(values: Mapping[str, object]) -> None:
    """`InvalidValues` when the directory could not keep these values (a connector's entry is then left out)."""
    errors = {}
    if not values.get("certification_number"):
        errors["certification_number"] = "認定番号がありません。"
    if not values.get("name"):
        errors["name"] = "機関名がありません。"
    for name, limit in _LIMITS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors.setdefault(name, f"{limit}文字を超えています。")
    if errors:
        raise InvalidValues(errors)


def find_agency(session: Session, certification_number: str) -> SupportAgency | None:
    number = normalize_certification_number(certification_number)
    return session.scalar(select(SupportAgency).where(SupportAgency.certification_number == number))


def upsert_agency(session: Session, values: Mapping[str, object]) -> tuple[SupportAgency, bool]:
    """The directory row for `values["certification_number"]`, created or brought up to date; and
    whether anything was written. `InvalidValues` (nothing written) when a value cannot be kept."""
    values = {**values, "certification_number": normalize_certification_number(str(values.get(
        "certification_number") or ""))}
    check_agency_values(values)
    agency = find_agency(session, values["certification_number"])
    if agency is None:
        agency = SupportAgency(certification_number=values["certification_number"], specialties=[], regions=[],
                               nationwide=False)
        session.add(agency)
    changed = agency.id is None
    for name in DIRECTORY_FIELDS:
        if name in values and getattr(agency, name) != values[name]:
            setattr(agency, name, values[name])
            changed = True
    if changed:
        agency.updated_at = clock.now()
        session.flush()
    return agency, changed


# --- a business's agency --------------------------------------------------------------------------

def agency_link(session: Session, business: Business) -> BusinessAgencyLink | None:
    """The link with its agency, source and date (None when the business has not chosen one)."""
    return session.scalar(select(BusinessAgencyLink).where(BusinessAgencyLink.business_id == business.id))


def linked_agency(session: Session, business: Business) -> SupportAgency | None:
    link = agency_link(session, business)
    return link.agency if link is not None else None


def _history(session: Session, business: Business, old: SupportAgency | None, new: SupportAgency | None,
             source: str, user: User | None, at: datetime) -> None:
    record_change(session, business, AGENCY_SECTION.name, 0, AGENCY_SECTION.label, AGENCY_FIELD,
                  str(old) if old else None, str(new) if new else None, source, user, at)
    business.updated_at = at


def link_agency(session: Session, business: Business, agency: SupportAgency, source: str = MANUAL,
                user: User | None = None) -> BusinessAgencyLink:
    """Makes `agency` the business's agency (replacing another); linking the same one again changes nothing."""
    link = agency_link(session, business)
    if link is not None and link.agency_id == agency.id:
        return link
    now, previous = clock.now(), link.agency if link is not None else None
    if link is None:
        link = BusinessAgencyLink(business_id=business.id)
        session.add(link)
    link.agency, link.agency_id, link.source, link.linked_at = agency, agency.id, source, now
    _history(session, business, previous, agency, source, user, now)
    session.flush()
    return link


def unlink_agency(session: Session, business: Business, user: User | None = None, *,
                  only_source: str | None = None, source: str = MANUAL) -> bool:
    """Removes the business's link; with `only_source`, only a link that came from that source (so
    unlinking a connector with 「削除」 leaves an agency chosen by hand). `source` is what the history
    names as the cause. Returns whether a link was removed."""
    link = agency_link(session, business)
    if link is None or (only_source is not None and link.source != only_source):
        return False
    _history(session, business, link.agency, None, source, user, clock.now())
    session.delete(link)
    session.flush()
    return True


# --- 支援者 -----------------------------------------------------------------------------------------

def add_agency_member(session: Session, agency: SupportAgency, user: User) -> AgencyMember:
    """Lets a 支援者 account act for `agency`; a user works for one agency (adding again is a no-op)."""
    if user.role is not Role.SUPPORTER:
        raise Forbidden("支援機関に所属できるのは支援者のアカウントです。")
    member = session.scalar(select(AgencyMember).where(AgencyMember.user_id == user.id))
    if member is None:
        member = AgencyMember(agency_id=agency.id, user_id=user.id)
        session.add(member)
    elif member.agency_id != agency.id:
        raise Forbidden("このアカウントは既に別の支援機関に所属しています。")
    session.flush()
    return member


def agencies_of_user(session: Session, user: User) -> list[SupportAgency]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(session.scalars(select(SupportAgency).join(AgencyMember, AgencyMember.agency_id == SupportAgency.id)
                                .where(AgencyMember.user_id == user.id).order_by(SupportAgency.id)))


def agency_links(session: Session, agency: SupportAgency) -> list[tuple[Business, BusinessAgencyLink]]:
    """The businesses linked to `agency` with their links, the most recently linked first."""
    rows = session.execute(select(Business, BusinessAgencyLink)
                           .join(BusinessAgencyLink, BusinessAgencyLink.business_id == Business.id)
                           .where(BusinessAgencyLink.agency_id == agency.id)
                           .order_by(BusinessAgencyLink.linked_at.desc(), Business.id))
    return [(business, link) for business, link in rows]


def businesses_of_agency(session: Session, agency: SupportAgency) -> list[Business]:
    return [business for business, _link in agency_links(session, agency)]
