"""What the proposals page shows and what a decision may accept: the pending changes as cards grouped
by service and record (one 決算期, 基本情報, a shareholder …), each with the value stored now — its
source and date — the new value, when it was fetched and the difference, and the conflicts.

Two services may propose different values for one field (freee and マネーフォワード both sending a
2025年3月期 売上高). Both cards show the rival values side by side; `linking.accept` refuses a
decision that accepts two of them (`ConflictingChoice`), and `conflict_messages` words that refusal
for each group it concerns. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from portal import store
from portal.linking.proposals import KEY_FIELD, current_record
from portal.linking.decisions import ConflictingChoice
from portal.models import Business, ProposedChange
from portal.store.sections import SECTIONS

FieldKey = tuple[str, str, str]


@dataclass(frozen=True)
class Rival:
    change_id: int
    service: str
    new: str
    fetched_at: datetime


@dataclass
class Card:
    change: ProposedChange
    group: str
    label: str
    record: str
    current: str
    current_source: str
    current_at: datetime | None
    new: str
    service: str
    difference: str | None
    rivals: list[Rival] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.change.id


@dataclass
class Group:
    id: str
    service: str
    record: str
    cards: list[Card] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(1 for card in self.cards if card.rivals)


def field_key(change: ProposedChange) -> FieldKey:
    return change.section, repr(change.record_key), change.field


def shown(section: str, name: str, value: str | None) -> str:
    """A stored canonical text as マイページ shows it: 「98,000,000円」, 「2025年3月31日」."""
    if value is None:
        return ""
    spec = SECTIONS[section].spec(name)
    try:
        return spec.display(spec.from_text(value))
    except (TypeError, ValueError):
        return value


def record_label(section: str, key: list | None) -> str:
    """The record a change is for, as マイページ names it: 「2025年3月31日決算」, a shareholder's name."""
    spec = SECTIONS[section]
    if not spec.is_list or not key or section == store.AGENCY_SECTION.name:
        return spec.label
    if section in KEY_FIELD:
        text = shown(section, KEY_FIELD[section], str(key[0]))
        return f"{text}決算" if section == "period" else f"{spec.label}：{text}"
    return str(key[0])


def difference(section: str, name: str, old: object, new: object) -> str | None:
    """「+220,000円（+0.06%）」 for numbers; 「新しく登録」 where nothing is stored; None for text."""
    spec = SECTIONS[section].spec(name)
    if old is None:
        return "新しく登録"
    if spec.kind not in ("yen", "count", "months") or not isinstance(old, int) or not isinstance(new, int):
        return None
    delta = new - old
    text = f"{delta:+,}{spec.unit}"
    if old:
        ratio = Decimal(delta * 100) / abs(old)
        text += f"（{ratio:+.2f}%）" if abs(ratio) < 1 else f"（{ratio:+.1f}%）"
    return text


def _group_id(source: str, section: str, key: list | None) -> str:
    part = "-".join(str(k) for k in key[:1]) if key and SECTIONS[section].is_list else ""
    return "-".join(p for p in (source, section, part) if p).replace(" ", "_")


def review(session: Session, business: Business, changes: Iterable[ProposedChange],
           titles: dict[str, str]) -> list[Group]:
    """The pending `changes` of `business` as groups of cards, in the order they were proposed.
    `titles` names each connector (its source) as people know it."""
    changes = list(changes)
    sources = store.sources_of(session, business)
    rivals: dict[FieldKey, list[ProposedChange]] = defaultdict(list)
    for change in changes:
        rivals[field_key(change)].append(change)
    groups: dict[str, Group] = {}
    stored = _stored_records(session, business, {change.section for change in changes})
    for change in changes:
        service = titles.get(change.source, store.source_label(change.source))
        record = _current(session, business, change, stored)
        group_id = _group_id(change.source, change.section, change.record_key)
        group = groups.setdefault(group_id, Group(group_id, service, record_label(change.section, change.record_key)))
        group.cards.append(_card(change, group_id, service, record, sources, rivals[field_key(change)], titles))
    return list(groups.values())


def _stored_records(session: Session, business: Business, sections: set[str]) -> dict[tuple[str, object], object]:
    """The list records the changes may be for, one query per section: (section, key value) → record."""
    found: dict[tuple[str, object], object] = {}
    for section in sorted(sections & set(KEY_FIELD)):
        for record in store.records(session, business, section):
            found[(section, getattr(record, KEY_FIELD[section]))] = record
    if store.AGENCY_SECTION.name in sections:
        found[(store.AGENCY_SECTION.name, None)] = store.agency_link(session, business)
    return found


def _current(session: Session, business: Business, change: ProposedChange,
             stored: dict[tuple[str, object], object]) -> object | None:
    """The stored record a change is for (the business for 基本情報), or None when it is new."""
    if change.section == store.AGENCY_SECTION.name:
        return stored.get((change.section, None))
    if change.section not in KEY_FIELD:
        return current_record(session, business, change.section, change.record_key)
    spec = SECTIONS[change.section].spec(KEY_FIELD[change.section])
    try:
        key = spec.clean(change.record_key[0]) if change.record_key else None
    except ValueError:
        return None
    return stored.get((change.section, key))


def _card(change: ProposedChange, group_id: str, service: str, record: object | None, sources: dict,
          same_field: list[ProposedChange], titles: dict[str, str]) -> Card:
    section = SECTIONS[change.section]
    spec = section.spec(change.field)
    if change.section == store.AGENCY_SECTION.name:
        current_value = str(record.agency) if record is not None else None
        origin = None
        when = record.linked_at if record is not None else None
        current_source = store.source_label(record.source) if record is not None else ""
        old_text = current_value
    else:
        current_value = getattr(record, change.field) if record is not None else None
        record_id = record.id if record is not None and section.is_list else 0
        origin = sources.get((change.section, record_id, change.field)) if current_value is not None else None
        when = origin.updated_at if origin else None
        current_source = store.source_label(origin.source) if origin else ""
        old_text = spec.display(current_value) if current_value is not None else ""
    new_value = spec.from_text(change.new_value) if change.new_value is not None else None
    others = [Rival(other.id, titles.get(other.source, store.source_label(other.source)),
                    shown(change.section, change.field, other.new_value), other.created_at)
              for other in same_field if other.id != change.id and other.new_value != change.new_value]
    return Card(change, group_id, spec.label, record_label(change.section, change.record_key), old_text or "",
                current_source, when, shown(change.section, change.field, change.new_value), service,
                difference(change.section, change.field, current_value, new_value), others)


def conflict_messages(groups: list[Group], refusal: ConflictingChoice) -> dict[str, list[str]]:
    """group id → what was refused in it, in words: one sentence per group naming the fields (with
    both values when there is just one) and the services that were both chosen."""
    cards = {card.id: card for group in groups for card in group.cards}
    clashes: dict[str, list[list[Card]]] = defaultdict(list)
    for changes in refusal.fields:
        chosen = [cards[change.id] for change in changes if change.id in cards]
        for card in chosen:
            clashes[card.group].append(chosen)
    messages: dict[str, list[str]] = {}
    for group_id, found in clashes.items():
        first = found[0]
        if len(found) == 1:
            values = "と".join(f"{card.service}の「{card.new}」" for card in first)
            what = f"{first[0].record}の{first[0].label}に、{values}が選ばれています。"
        else:
            labels = "・".join(dict.fromkeys(chosen[0].label for chosen in found))
            services = "と".join(dict.fromkeys(card.service for chosen in found for card in chosen))
            what = f"{first[0].record}の{labels}（{len(found)}項目）に、{services}の値が両方とも選ばれています。"
        messages[group_id] = [what + "一つの項目に反映できる値は一つです。項目ごとにどれか一つだけを選んでください"
                                     "（「ほかのサービスの値」と表示した項目です）。"]
    return messages


def count_conflicts(groups: list[Group]) -> int:
    """How many fields have values from more than one service."""
    return len({field_key(card.change) for group in groups for card in group.cards if card.rivals})
