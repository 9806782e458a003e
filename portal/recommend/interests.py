"""The interests a business chooses on マイページ (目的, 事業ステージ): reading and replacing them.

Only ids of the taxonomy are accepted; anything else is refused with a message for the field, and
nothing is changed. The caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import taxonomy
from portal.bounds import parse_int
from portal.errors import DomainError
from portal.models import Business, BusinessInterest

CHOICES = {"purpose": taxonomy.PURPOSES, "stage": taxonomy.STAGE_NAMES}
LABELS = {"purpose": "目的", "stage": "事業ステージ"}


class InvalidInterest(DomainError):
    status = 422


@dataclass(frozen=True)
class Interests:
    purposes: frozenset[int] = frozenset()
    stages: frozenset[int] = frozenset()

    def names(self) -> tuple[list[str], list[str]]:
        return ([taxonomy.PURPOSES[v] for v in sorted(self.purposes)],
                [taxonomy.STAGE_NAMES[v] for v in sorted(self.stages)])

    def __bool__(self) -> bool:
        return bool(self.purposes or self.stages)


def interests_of(session: Session, business: Business) -> Interests:
    rows = session.execute(select(BusinessInterest.kind, BusinessInterest.value)
                           .where(BusinessInterest.business_id == business.id)).all()
    return Interests(frozenset(v for k, v in rows if k == "purpose"), frozenset(v for k, v in rows if k == "stage"))


def parse_values(kind: str, raw: Iterable[str]) -> frozenset[int]:
    values = set()
    for text in raw:
        text = text.strip()
        if parse_int(text) not in CHOICES[kind]:
            raise InvalidInterest(f"{LABELS[kind]}は一覧から選んでください。", kind)
        values.add(int(text.strip()))
    return frozenset(values)


def replace_interests(session: Session, business: Business, purposes: Iterable[str], stages: Iterable[str]) -> Interests:
    """Makes the business's interests exactly these (raw form values); `InvalidInterest` if one is unknown."""
    chosen = Interests(parse_values("purpose", purposes), parse_values("stage", stages))
    session.execute(delete(BusinessInterest).where(BusinessInterest.business_id == business.id))
    session.add_all([BusinessInterest(business_id=business.id, kind="purpose", value=v) for v in chosen.purposes]
                    + [BusinessInterest(business_id=business.id, kind="stage", value=v) for v in chosen.stages])
    session.flush()
    return chosen
