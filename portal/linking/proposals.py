"""Records a connector yielded → proposed changes (old → new per field) → the once-only store.

A record is mapped onto a store section (`SECTION_OF`) and its fields onto the store's: the same
names where the store has the field, an address split into 都道府県 and the rest, a JSIC code
turned into the 大分類 letter; fields the store has no place for (従業員数 of 基本情報, 期首日,
事業概要) and records of sections it does not keep (支援制度, 申請履歴) are left out. A value is
cleaned as the store would clean it and proposed only when it differs from what is stored; a value
the store would refuse is left out too (and logged), so one odd figure does not lose the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import store
from portal.models import Business, Connection, Decision, ProposedChange, User
from portal.models.base import utcnow
from portal.records import Record, Section
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


def proposals_for(session: Session, business: Business, records: Iterable[Record]) -> list[Proposal]:
    found: dict[tuple[str, str, str], Proposal] = {}
    for record in records:
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
        row.old_value, row.new_value, row.created_at = proposal.old_value, proposal.new_value, utcnow()
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
