"""プロフィール・関心: measures that fit what a business told the portal about itself.

A measure is left out when the business cannot use it: the call is closed, it is for other
prefectures or other industries, or the company is above its size limits (従業員数, 資本金) or older
than its 創業年数 limit. Facts the business has not entered exclude nothing. Of the rest, a measure
is recommended only for a positive reason: it serves a 目的 or 事業ステージ the business chose on
マイページ, or it is meant specifically for the business's prefecture or industry. Each reason is a
sentence the page shows as it is.

`eligible_reasons` answers for one measure (the notification alerts use it); `recommend` finds the
candidates through the navi's in-memory catalog and asks `match_reasons` for each of the best.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import eligibility, store, taxonomy
from portal.clock import today as jst_today
from portal.content.status import status_of
from portal.models import Business, BusinessInterest, Support
from portal.navi.bits import any_of, mask_of, positions_of
from portal.navi.catalog import get_catalog
from portal.recommend.items import Recommendation

CANDIDATES_PER_RESULT = 3  # rows read per result wanted, to leave room for exclusions found only on the row


@dataclass(frozen=True)
class BusinessProfile:
    prefecture: str | None = None
    industry: str | None = None
    employees: int | None = None
    capital: int | None = None
    established_on: date | None = None
    kind: str | None = None
    purposes: frozenset[int] = frozenset()
    stages: frozenset[int] = frozenset()

    @property
    def has_interests(self) -> bool:
        return bool(self.purposes or self.stages)


def load_profile(session: Session, business: Business) -> BusinessProfile:
    """The facts and interests of `business` that matching needs (two small queries)."""
    interests = session.execute(select(BusinessInterest.kind, BusinessInterest.value)
                                .where(BusinessInterest.business_id == business.id)).all()
    employees = next((p.employees for p in store.records(session, business, "period") if p.employees is not None),
                     None)
    return BusinessProfile(
        prefecture=business.prefecture, industry=business.industry, employees=employees, capital=business.capital,
        established_on=business.established_on, kind=business.kind.value if business.kind else None,
        purposes=frozenset(v for k, v in interests if k == "purpose"),
        stages=frozenset(v for k, v in interests if k == "stage"))


_years_since = eligibility.years_since


def _names(values, names: dict) -> str:
    return "・".join(names[v] for v in sorted(values))


def excluded(profile: BusinessProfile, support: Support, day: date) -> bool:
    """Whether the business cannot use `support`: closed, or ruled out by `portal.eligibility.judge`."""
    if status_of(support, day).code == "closed":
        return True
    return not eligibility.judge_support(eligibility.facts_of(profile), support, day).fits


def match_reasons(profile: BusinessProfile, support: Support, day: date) -> list[str] | None:
    """Why `support` suits the business of `profile`, or None when it cannot use it or nothing points to it."""
    if excluded(profile, support, day):
        return None
    status = status_of(support, day)
    prefectures = support.tag_values("prefecture")
    industries = support.tag_values("industry")
    reasons: list[str] = []
    purposes = profile.purposes & {int(v) for v in support.tag_values("purpose")}
    if purposes:
        reasons.append(f"関心のある目的「{_names(purposes, taxonomy.PURPOSES)}」に当てはまります。")
    stages = profile.stages & {int(v) for v in support.tag_values("stage")}
    if stages:
        reasons.append(f"選んだ事業ステージ「{_names(stages, taxonomy.STAGE_NAMES)}」向けの制度です。")
    if prefectures and profile.prefecture in prefectures:
        reasons.append(f"{taxonomy.PREFECTURES[profile.prefecture]}の事業者を対象にした制度です。")
    if industries and profile.industry in industries:
        reasons.append(f"{taxonomy.INDUSTRIES[profile.industry]}の事業者を対象にした制度です。")
    if not reasons:
        return None
    reasons += _fit_notes(profile, support, day)
    if status.code == "open" and status.deadline:
        reasons.append(f"公募中です（締切 {status.deadline.year}年{status.deadline.month}月{status.deadline.day}日）。")
    elif status.code == "always":
        reasons.append("いつでも申し込めます。")
    return reasons


def _fit_notes(profile: BusinessProfile, support: Support, day: date) -> list[str]:
    notes = []
    limits = []
    if support.max_employees is not None and profile.employees is not None:
        limits.append(f"従業員数（{profile.employees:,}人）")
    if support.max_capital is not None and profile.capital is not None:
        limits.append(f"資本金（{profile.capital:,}円）")
    if limits:
        notes.append(f"{'と'.join(limits)}が対象の範囲内です。")
    if support.max_established_years is not None and profile.established_on is not None:
        notes.append(f"創業{support.max_established_years}年以内という条件に合っています"
                     f"（創業{_years_since(profile.established_on, day)}年）。")
    return notes


def eligible_reasons(session: Session, business: Business, support: Support, day: date | None = None) -> list[str] | None:
    """The reasons `support` suits `business` (Japanese sentences), or None when the business cannot use
    it or nothing in its profile and interests points to it. Used by the profile alerts of notify."""
    return match_reasons(load_profile(session, business), support, day or jst_today())


def eligible_mask(catalog, profile: BusinessProfile | None, day: date) -> int:
    """Catalog positions of measures not closed and not ruled out for this business by
    `portal.eligibility.judge` (the same judgement as the measure page)."""
    keys = catalog.day(day)[1]
    eligible = catalog.all & ~mask_of(p for p, key in enumerate(keys) if key[0] == 4)
    if profile is None:
        return eligible
    return eligible & eligibility.fitting_mask(catalog, eligibility.facts_of(profile), day)


def _score_positions(catalog, profile: BusinessProfile, day: date) -> dict[int, float]:
    eligible = eligible_mask(catalog, profile, day)
    weighted = [(catalog.mask("purpose", str(v)), 3.0) for v in profile.purposes]
    weighted += [(catalog.mask("stage", str(v)), 2.0) for v in profile.stages]
    if profile.prefecture:
        weighted.append((catalog.mask("prefecture", profile.prefecture), 2.0))
    if profile.industry:
        weighted.append((catalog.mask("industry", profile.industry), 1.0))
    candidates = eligible & any_of(mask for mask, _w in weighted)
    accepting = catalog.day(day)[0]
    scores = {}
    for position in positions_of(candidates):
        bit = 1 << position
        score = sum(weight for mask, weight in weighted if mask & bit)
        scores[position] = score + (1.0 if accepting & bit else 0.0)
    return scores


def recommend(session: Session, profile: BusinessProfile, day: date, limit: int = 10,
              exclude: set = frozenset()) -> list[Recommendation]:
    """The measures that suit the profile best, with their reasons; nothing when nothing points anywhere."""
    catalog = get_catalog(session, "supports")
    scores = _score_positions(catalog, profile, day)
    rank = catalog.rank_by_updated
    ordered = sorted(scores, key=lambda p: (-scores[p], catalog.day(day)[1][p], rank[p]))
    wanted = [catalog.ids[p] for p in ordered if ("support", catalog.ids[p]) not in exclude]
    wanted = wanted[:limit * CANDIDATES_PER_RESULT]
    if not wanted:
        return []
    rows = {s.id: s for s in session.scalars(select(Support).where(Support.id.in_(wanted)))}
    out: list[Recommendation] = []
    for position_rank, support_id in enumerate(wanted):
        support = rows.get(support_id)
        reasons = match_reasons(profile, support, day) if support is not None else None
        if reasons:
            out.append(Recommendation(("support", support_id), float(len(wanted) - position_rank), "profile",
                                      reasons, row=support))
            if len(out) >= limit:
                break
    return out
