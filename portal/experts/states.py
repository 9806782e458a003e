"""The one place a 専門家派遣依頼 changes state: which moves exist, who may make them, and the record.

    下書き → 依頼中 → 対応中 → 日程確定 → 実施済 → 完了
    依頼中/対応中 → 辞退 (the agency, with a reason); 下書き/依頼中/対応中/日程確定 → 取り下げ (the business);
    依頼中 → 期限切れ (the portal, after EXPERT_EXPIRY_DAYS); 日程確定 → 日程確定 (the agency reschedules).

`move` refuses anything else with `TransitionRefused` (the message says why, in Japanese) and writes
one `ExpertRequestTransition` for every move it makes.
"""

from __future__ import annotations

from portal import clock
from portal.errors import DomainError
from portal.models import ExpertRequest, ExpertRequestTransition, RequestState as S, User

BUSINESS, AGENCY, SYSTEM = "business", "agency", "system"

#: (from, to) → who may make the move.
ALLOWED: dict[tuple[S, S], str] = {
    (S.DRAFT, S.SENT): BUSINESS,
    (S.DRAFT, S.WITHDRAWN): BUSINESS,
    (S.SENT, S.ACCEPTED): AGENCY,
    (S.SENT, S.DECLINED): AGENCY,
    (S.SENT, S.WITHDRAWN): BUSINESS,
    (S.SENT, S.EXPIRED): SYSTEM,
    (S.ACCEPTED, S.SCHEDULED): AGENCY,
    (S.ACCEPTED, S.DECLINED): AGENCY,
    (S.ACCEPTED, S.WITHDRAWN): BUSINESS,
    (S.SCHEDULED, S.SCHEDULED): AGENCY,
    (S.SCHEDULED, S.DONE): AGENCY,
    (S.SCHEDULED, S.WITHDRAWN): BUSINESS,
    (S.DONE, S.COMPLETED): BUSINESS,
}

FINAL = frozenset({S.COMPLETED, S.DECLINED, S.WITHDRAWN, S.EXPIRED})
ACTOR_LABELS = {BUSINESS: "事業者", AGENCY: "支援機関", SYSTEM: "ポータル"}


class TransitionRefused(DomainError):
    """A move the rules do not allow; `str(error)` says why."""


def can_move(request: ExpertRequest, to: S, actor: str) -> bool:
    return ALLOWED.get((request.state, to)) == actor


def move(session, request: ExpertRequest, to: S, actor: str, user: User | None = None,
         note: str = "") -> ExpertRequestTransition:
    """Moves `request` to `to` for `actor` and records it; the caller commits."""
    who = ALLOWED.get((request.state, to))
    if who is None:
        raise TransitionRefused(f"「{request.state.label}」の依頼を「{to.label}」にはできません。")
    if who != actor:
        raise TransitionRefused(f"「{to.label}」にできるのは{ACTOR_LABELS[who]}だけです。")
    if to is S.DECLINED and not note.strip():
        raise TransitionRefused("辞退の理由を書いてください。")
    now = clock.now()
    entry = ExpertRequestTransition(request_id=request.id, user_id=user.id if user is not None else None, actor=actor,
                                    from_state=request.state.value, to_state=to.value, note=note, at=now)
    request.state = to
    request.updated_at = now
    if to is S.SENT:
        request.sent_at = now
    elif to is S.ACCEPTED:
        request.accepted_at = now
    elif to is S.DECLINED:
        request.decline_reason = note
    elif to is S.DONE:
        request.reported_at = now
    if to in FINAL:
        request.closed_at = now
    session.add(entry)
    return entry
