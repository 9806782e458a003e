"""Finding what to tell each user, and storing it as inbox items exactly once.

Three kinds of alert: a measure that is new or changed since a saved search was made and matches
it (`search`); one that suits a business's profile and chosen interests (`profile`); and a saved
measure whose deadline is 7 days or 1 day away (`deadline`). A measure's version is its
`imported_at` (set on every import that creates or changes it), so a later change is told again and
a re-run is not. Only changes of the last `NOTIFY_LOOKBACK_DAYS` are looked at, and never changes
from before the user saved the search or joined the business: a new account is not flooded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.content.status import status_of
from portal.models import Business, BusinessMember, Notification, SavedItem, SavedSearch, Support, User
from portal.models.interest import BusinessInterest
from portal.notify.claims import insert_or_skip
from portal.notify.matching import profile_reasons, saved_query, search_matches

REMINDER_DAYS = (7, 1)


@dataclass
class Alert:
    user_id: int
    key: str
    kind: str
    support_id: int
    title: str
    body: str
    url: str


@dataclass
class _Match:
    support: Support
    searches: list[str] = field(default_factory=list)
    reasons: list[str] | None = None


def version_key(support: Support) -> str:
    return f"support:{support.id}:{support.imported_at.astimezone(UTC):%Y%m%dT%H%M%S%f}"


def changed_supports(session: Session, since: datetime) -> list[Support]:
    return list(session.scalars(select(Support).where(Support.imported_at >= since).order_by(Support.id)))


def _search_hits(session: Session, supports: list[Support], today: date) -> dict[tuple[int, int], _Match]:
    hits: dict[tuple[int, int], _Match] = {}
    by_id = {s.id: s for s in supports}
    searches = session.scalars(select(SavedSearch).join(User, User.id == SavedSearch.user_id)
                               .where(SavedSearch.kind == "support", User.active.is_(True))
                               .order_by(SavedSearch.id))
    for search in searches:
        fresh = [s.id for s in supports if s.imported_at > search.created_at]
        query = saved_query(search) if fresh else None
        if query is None:
            continue
        for support_id in sorted(search_matches(session, query, fresh, today)):
            match = hits.setdefault((search.user_id, support_id), _Match(by_id[support_id]))
            match.searches.append(search.name)
    return hits


def _profile_hits(session: Session, supports: list[Support], hits: dict[tuple[int, int], _Match],
                  today: date) -> None:
    interested = select(BusinessInterest.business_id).distinct()
    rows = session.execute(select(BusinessMember.user_id, BusinessMember.created_at, Business)
                           .join(Business, Business.id == BusinessMember.business_id)
                           .join(User, User.id == BusinessMember.user_id)
                           .where(Business.id.in_(interested), User.active.is_(True)))
    for user_id, joined_at, business in rows:
        for support in supports:
            if support.imported_at <= joined_at:
                continue
            match = hits.get((user_id, support.id))
            reasons = profile_reasons(session, business, support, today)
            if reasons is None:
                continue
            if match is None:
                match = hits[(user_id, support.id)] = _Match(support)
            match.reasons = reasons


def _measure_alert(user_id: int, match: _Match) -> Alert:
    support = match.support
    if match.searches:
        names = "」「".join(match.searches)
        body = f"保存した検索条件「{names}」に合う支援制度が掲載・更新されました。"
        kind = "search"
    else:
        body = "あなたの会社に合いそうな支援制度が掲載・更新されました。"
        kind = "profile"
    if match.reasons:
        body += "理由：" + "、".join(match.reasons)
    return Alert(user_id=user_id, key=version_key(support), kind=kind, support_id=support.id,
                 title=support.title, body=body[:1000],
                 url=url_for("navi.support_detail", support_id=support.id))


def deadline_alerts(session: Session, today: date) -> list[Alert]:
    """Saved measures accepting applications whose deadline is at most 7 days away."""
    rows = session.execute(
        select(SavedItem.user_id, Support).join(Support, Support.id == SavedItem.support_id)
        .join(User, User.id == SavedItem.user_id)
        .where(User.active.is_(True), Support.reception_end >= today,
               Support.reception_end <= today + timedelta(days=max(REMINDER_DAYS)))
        .order_by(SavedItem.user_id, Support.reception_end, Support.id))
    alerts = []
    for user_id, support in rows:
        status = status_of(support, today)
        if status.code != "open" or status.deadline is None:
            continue
        days = (status.deadline - today).days
        stage = min(d for d in REMINDER_DAYS if days <= d)
        when = "は本日が締切です" if days == 0 else f"の締切まであと{days}日です"
        alerts.append(Alert(
            user_id=user_id, key=f"deadline:{support.id}:{status.deadline.isoformat()}:{stage}", kind="deadline",
            support_id=support.id, title=support.title,
            body=f"マイリストに保存した支援制度{when}（{status.deadline.month}月{status.deadline.day}日締切）。",
            url=url_for("navi.support_detail", support_id=support.id)))
    return alerts


def find_alerts(session: Session, now: datetime, today: date, lookback: timedelta) -> list[Alert]:
    supports = changed_supports(session, now - lookback)
    hits = _search_hits(session, supports, today) if supports else {}
    if supports:
        _profile_hits(session, supports, hits, today)
    measure = [_measure_alert(user_id, match) for (user_id, _sid), match in sorted(hits.items(), key=lambda kv: kv[0])]
    return measure + deadline_alerts(session, today)


def store_alerts(session: Session, alerts: list[Alert], now: datetime) -> dict[int, int]:
    """Inserts each alert unless the user already has it; returns {user id: alerts inserted}."""
    users: dict[int, int] = defaultdict(int)
    for alert in alerts:
        values = {**alert.__dict__, "created_at": now}
        if insert_or_skip(session, Notification, values, ("user_id", "key")):
            users[alert.user_id] += 1
    return dict(users)
