"""Demo browsing for `portal seed`: made-up anonymous visitors, so that 類似ユーザー has something to
learn from on a fresh `make run`. Written once, when the event log is empty."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Case, CaseTag, Event, Support, SupportTag
from portal.recommend.synth import generate

DEMO_VISITORS = 1500


def _topics(session: Session) -> dict[tuple[str, int], tuple[int, ...]]:
    found: dict[tuple[str, int], set[int]] = {}
    for item_type, tag, column in (("support", SupportTag, SupportTag.support_id), ("case", CaseTag, CaseTag.case_id)):
        for item_id, value in session.execute(select(column, tag.value).where(tag.kind == "purpose")):
            found.setdefault((item_type, item_id), set()).add(int(value))
    return {item: tuple(sorted(values)) for item, values in found.items()}


def seed_demo_events(session: Session) -> list[str]:
    if session.scalar(select(func.count(Event.id))) or not session.scalar(select(func.count(Support.id))):
        return []
    items = _topics(session)
    if not items or not session.scalar(select(func.count(Case.id))):
        return []
    rng = random.Random(2026)
    now = clock.now()
    rows = [{"at": now - timedelta(minutes=rng.randrange(60, 60 * 24 * 60)), "user_id": None,
             "visitor": f"demo{int(e.user[1:]):028d}", "kind": e.event, "item_type": e.item[0],
             "item_id": e.item[1], "detail": None}
            for e in generate(DEMO_VISITORS, mean_events=9.0, items=items, seed=2026)]
    rows.sort(key=lambda row: row["at"])
    session.execute(insert(Event), rows)
    session.commit()
    return [f"デモの閲覧記録: 架空の訪問者 {DEMO_VISITORS} 人分（{len(rows)} 件）"]
