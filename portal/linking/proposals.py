"""Records a connector yielded → proposed changes (old → new per field) → the once-only store.

A record is mapped onto a store section (`SECTION_OF`) and its fields onto the store's: the same
names where the store has the field, an address split into 都道府県 and the rest, a JSIC code
turned into the 大分類 letter; fields the store has no place for (従業員数 of 基本情報, 期首日,
事業概要) and records of sections it does not keep (支援制度, 申請履歴) are left out. A value is
cleaned as the store would clean it and proposed only when it differs from what is stored; a value
the store would refuse is left out too (and logged), so one odd figure does not lose the rest.

A `SupportAgencyRecord` becomes one proposed change of the section 支援機関 — 「連携する支援機関:
（未登録） → 機関名（認定番号）」 — whose record key carries the published entry, so that accepting it
adds the agency to the directory and links the business through the store. Records that are not
the business's own data go straight where they belong (`route_records`): support measures into
支援制度ナビ through the content importer, 申請履歴 into the store; `forget_routed` removes what a
connector brought that way when it is unlinked with 「削除」.

A sandbox (お試し) connection never changes what other people see: its support measures are not
written to 支援制度ナビ and its agency entries neither add to nor refresh the public directory — an
お試し link can only be to an agency the directory already lists (the demo agencies). Its 申請履歴
are the business's own and are kept like a live connection's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock, store
from portal.content.importers.connector_measures import import_measure_records
from portal.models import (
    AgencyKind,
    Business,
    Connection,
    Decision,
    ProposedChange,
    User,
)
from portal.records import (
    ApplicationRecord,
    Record,
    Section,
    SupportAgencyRecord,
    SupportMeasureRecord,
)
from portal.sdk import ConnectorError
from portal.store.sections import SECTIONS
from portal.store.values import FieldProblem
from portal.taxonomy import PREFECTURES, industry_letter

log = logging.getLogger(__name__)

SECTION_OF: dict[Section, str] = {Section.PROFILE: "basic", Section.FINANCIALS: "period",
                                  Section.SHAREHOLDERS: "shareholder", Section.OFFICERS: "officer",
                                  Section.OFFICES: "office"}
KEY_FIELD: dict[str, str] = {"period": "period_end", "shareholder": "name", "officer": "name", "office": "name"}


@dataclass(frozen=True)
class Proposal:
    section: str
    record_key: list[Any]
    field: str
    old_value: str | None
    new_value: str | None


def split_address(text: str) -> tuple[str | None, str]:
    """「東京都千代田区丸の内…」→ ("13", "千代田区丸の内…"); no prefecture found → (None, text)."""
    for code, name in PREFECTURES.items():
        if text.startswith(name):
            return code, text[len(name):].strip()
    return None, text


def store_values(record: Record) -> tuple[str, list[Any], dict[str, object]] | None:
    """(store section, record key as JSON, values by store field), or None for a section not kept."""
    section = SECTION_OF.get(record.section)
    if section is None:
        return None
    names = {spec.name for spec in SECTIONS[section].fields}
    values: dict[str, object] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if value is None:
            continue
        if f.name == "address" and isinstance(value, str):
            prefecture, rest = split_address(value)
            if prefecture:
                values["prefecture"] = prefecture
            values["address"] = rest
        elif f.name == "industry_code" and isinstance(value, str):
            if letter := industry_letter(value):
                values["industry"] = letter
        elif f.name in names:
            values[f.name] = value
    key = [part.isoformat() if isinstance(part, date) else part for part in record.key]
    return section, key, values


def current_record(session: Session, business: Business, section: str, key: list[Any]) -> object | None:
    """The stored record a key names: the business for 基本情報, None for a list record not there yet."""
    spec = SECTIONS[section]
    if not spec.is_list:
        return business
    key_spec = spec.spec(KEY_FIELD[section])
    column = getattr(spec.model, key_spec.name)
    return session.scalar(select(spec.model).where(spec.model.business_id == business.id,
                                                   column == key_spec.clean(key[0])))


def proposals_for(session: Session, business: Business, records: Iterable[Record],
                  sandbox: bool = False) -> list[Proposal]:
    found: dict[tuple[str, str, str], Proposal] = {}
    for record in records:
        if isinstance(record, SupportAgencyRecord):
            if (proposal := agency_proposal(session, business, record, sandbox)) is not None:
                found[(proposal.section, "", proposal.field)] = proposal  # one agency per business: the last wins
            continue
        mapped = store_values(record)
        if mapped is None:
            continue
        section, key, values = mapped
        spec = SECTIONS[section]
        current = current_record(session, business, section, key)
        for name, raw in values.items():
            if spec.is_list and name == KEY_FIELD[section]:
                continue  # the key is what finds (or names) the record, not a change
            field = spec.spec(name)
            try:
                new = field.clean(raw)
            except FieldProblem as problem:
                log.warning("connector value for %s.%s refused: %s", section, name, problem.message)
                continue
            old = getattr(current, name) if current is not None else None
            if new is not None and new != old:
                found[(section, repr(key), name)] = Proposal(section, key, name, field.to_text(old), field.to_text(new))
    return list(found.values())


def save_proposals(session: Session, connection: Connection, proposals: list[Proposal]) -> int:
    """Makes the connection's pending changes exactly `proposals`: re-proposing the same value keeps
    the row, a value that no longer differs drops it. Returns how many rows were added or changed."""
    pending = {(p.section, repr(p.record_key), p.field): p for p in session.scalars(
        select(ProposedChange).where(ProposedChange.connection_id == connection.id,
                                     ProposedChange.decision == Decision.PENDING))}
    written = 0
    for proposal in proposals:
        row = pending.pop((proposal.section, repr(proposal.record_key), proposal.field), None)
        if row is not None and (row.old_value, row.new_value) == (proposal.old_value, proposal.new_value):
            continue
        if row is None:
            row = ProposedChange(connection_id=connection.id, business_id=connection.business_id,
                                 section=proposal.section, record_key=proposal.record_key, field=proposal.field,
                                 source=connection.connector, decision=Decision.PENDING)
            session.add(row)
        row.old_value, row.new_value, row.created_at = proposal.old_value, proposal.new_value, clock.now()
        written += 1
    for stale in pending.values():
        session.delete(stale)
    session.flush()
    return written


def apply_changes(session: Session, business: Business, user: User | None,
                  changes: list[ProposedChange]) -> None:
    """Writes accepted changes through the store, one write per record, with the connector as source."""
    groups: dict[tuple[str, str, str], list[ProposedChange]] = {}
    for change in changes:
        groups.setdefault((change.source, change.section, repr(change.record_key)), []).append(change)
    for (source, section, _), group in groups.items():
        if section == store.AGENCY_SECTION.name:
            store.link_agency(session, business, _agency_for(session, group[0]), source, user)
            continue
        spec = SECTIONS[section]
        key = group[0].record_key
        values = {c.field: spec.spec(c.field).from_text(c.new_value) for c in group}
        current = current_record(session, business, section, key)
        if not spec.is_list:
            store.update_fields(session, business, section, None, values, source, user)
        elif current is not None:
            store.update_fields(session, business, section, current.id, values, source, user)
        else:
            store.add_record(session, business, section, {KEY_FIELD[section]: key[0], **values}, source, user)


# --- 支援機関 ---------------------------------------------------------------------------------------

_DATES = ("certified_on", "valid_until")


def agency_key(values: dict[str, object]) -> list[Any]:
    """[認定番号, the directory values as JSON]: what accepting the change needs, kept with the change."""
    entry = {name: value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, AgencyKind)
             else value for name, value in values.items()}
    return [values["certification_number"], entry]


def agency_from_key(key: list[Any]) -> dict[str, object]:
    values = dict(key[1])
    for name in _DATES:
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    values["kind"] = AgencyKind(values["kind"])
    return values


def _agency_for(session: Session, change: ProposedChange):
    """The directory entry an accepted agency change links to: the published entry written to the
    directory for a live link; for a sandbox one, only the entry the directory already has."""
    connection = session.get(Connection, change.connection_id)
    values = agency_from_key(change.record_key)
    if connection is not None and connection.mode == "sandbox":
        agency = store.find_agency(session, values["certification_number"])
        if agency is None:
            raise store.InvalidValues({"agency": "お試しで連携できるのは、支援機関の一覧にある機関だけです。"})
        return agency
    return store.upsert_agency(session, values)[0]


def agency_proposal(session: Session, business: Business, record: SupportAgencyRecord,
                    sandbox: bool = False) -> Proposal | None:
    """「連携する支援機関: now → 機関名（認定番号）」, or None when the business is linked to it already
    (or the entry is one the directory could not keep). In the sandbox an agency the directory does
    not list cannot be linked (it would have to be added to the public directory): ConnectorError."""
    values = store.agency_values(record)
    try:
        store.check_agency_values(values)
    except store.InvalidValues as problem:
        log.warning("agency %s refused: %s", values.get("certification_number"), problem.errors)
        return None
    if sandbox and store.find_agency(session, values["certification_number"]) is None:
        raise ConnectorError(f"お試しの認定番号 {values['certification_number']}（{values['name']}）は、"
                             "このポータルの支援機関の一覧にないため、お試しでは連携できません。"
                             "「支援機関を探す」に載っている機関の認定番号を入力してください。")
    current = store.linked_agency(session, business)
    if current is not None and current.certification_number == values["certification_number"]:
        return None
    new = f"{values['name']}（{values['certification_number']}）"
    return Proposal(store.AGENCY_SECTION.name, agency_key(values), "agency", str(current) if current else None, new)


# --- records that are not proposed changes ----------------------------------------------------------

def route_records(session: Session, app: Flask, connection: Connection, business: Business,
                  records: Iterable[Record]) -> None:
    """Writes the records that go elsewhere than proposed changes, all or nothing (a savepoint):
    support measures into 支援制度ナビ, 申請履歴 into the store, and fresher directory entries of
    agencies already known (public data, not the business's). A sandbox connection writes only its
    申請履歴: the navi and the directory are what everyone sees. A re-run with the same records
    changes nothing."""
    records = list(records)
    public = connection.mode != "sandbox"
    measures = [r for r in records if isinstance(r, SupportMeasureRecord)] if public else []
    applications = [r for r in records if isinstance(r, ApplicationRecord)]
    agencies = [r for r in records if isinstance(r, SupportAgencyRecord)] if public else []
    if not (measures or applications or agencies):
        return
    with session.begin_nested():
        if measures:
            import_measure_records(session, measures, connection.connector, app)
        if applications:
            store.save_applications(session, business, applications, connection.connector)
        for record in agencies:
            values = store.agency_values(record)
            if store.find_agency(session, values["certification_number"]) is not None:
                try:
                    store.upsert_agency(session, values)
                except store.InvalidValues as problem:
                    log.warning("agency %s not refreshed: %s", values["certification_number"], problem.errors)


def forget_routed(session: Session, business: Business, source: str, user: User | None = None) -> None:
    """Unlinking `source` with 「削除」: its 申請履歴 go, and the agency link goes if `source` made it.
    Measures stay: they are the public catalogue, not the business's data."""
    store.remove_applications(session, business, source)
    store.unlink_agency(session, business, user, only_source=source, source=store.unlinked_source(source))
