"""Deciding on proposed changes: accept (through the store) or reject the ones the person chose.

Ids of another business, or of changes already decided, are simply not found: a decision only ever
touches the logged-in user's own business. Two different values chosen for one field are refused
as a whole (`ConflictingChoice`), so that which one wins is the person's choice, never the order the
store happens to write them in. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.linking.proposals import apply_changes
from portal.linking.services import LinkingError, _decide
from portal.models import Business, Decision, ProposedChange, User
from portal.store import business_for_user


class ConflictingChoice(LinkingError):
    """A decision accepted two different values for one field; `fields` holds each such set of changes."""

    def __init__(self, fields: list[list[ProposedChange]]) -> None:
        super().__init__("一つの項目に、違う値が二つ以上選ばれています。どれか一つだけを選んでください。")
        self.fields = fields


def _owned_pending(session: Session, user: User, change_ids: Iterable[int]) -> tuple[Business, list[ProposedChange]]:
    business = business_for_user(session, user)
    ids = list(change_ids)
    if business is None or not ids:
        return business, []
    return business, list(session.scalars(select(ProposedChange).where(
        ProposedChange.id.in_(ids), ProposedChange.business_id == business.id,
        ProposedChange.decision == Decision.PENDING).order_by(ProposedChange.id)))


def conflicting(changes: Iterable[ProposedChange]) -> list[list[ProposedChange]]:
    """The changes that would write different values into one field, per field."""
    by_field: dict[tuple[str, str, str], list[ProposedChange]] = {}
    for change in changes:
        by_field.setdefault((change.section, repr(change.record_key), change.field), []).append(change)
    return [group for group in by_field.values() if len({c.new_value for c in group}) > 1]


def accept(session: Session, user: User, change_ids: Iterable[int]) -> list[ProposedChange]:
    """Writes the user's business's pending changes among `change_ids` through the store; ids of
    another business or already decided are ignored. Two different values for one field are refused
    (`ConflictingChoice`, nothing written): which one wins is the person's choice, not the order the
    store happens to write them in. Store errors (InvalidValues) propagate."""
    business, changes = _owned_pending(session, user, change_ids)
    if clashes := conflicting(changes):
        raise ConflictingChoice(clashes)
    if changes:
        apply_changes(session, business, user, changes)
        _decide(session, changes, Decision.ACCEPTED)
    return changes


def reject(session: Session, user: User, change_ids: Iterable[int]) -> list[ProposedChange]:
    _business, changes = _owned_pending(session, user, change_ids)
    _decide(session, changes, Decision.REJECTED)
    return changes
