"""The editorial workflow, shared by measures and articles.

The latest revision of an object says where it stands: a draft (or a returned one) may be edited,
submitted, or published at once by a 公開者 (skipping review); a submitted or scheduled revision
locks the object until it is approved or returned. Publishing writes the revision's snapshot onto
the live row; only a major revision moves the public 更新日 (`updated_at`) and, for a measure,
`imported_at` — the version the saved-search alerts follow — so a minor fix alerts nobody.
Every action is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, lazyload

from portal import clock
from portal.accounts.services import record_event
from portal.content.indexing import record_changes
from portal.content.services import cases_using
from portal.editorial import snapshots
from portal.errors import Conflict, Forbidden, NotFound
from portal.models import Article, Case, Revision, RevisionState, Support, User

S = RevisionState
EDITABLE = {S.DRAFT.value, S.RETURNED.value, S.PROPOSED.value}
LOCKING = {S.SUBMITTED.value, S.SCHEDULED.value}
INDEX_KIND = {"support": "supports", "article": "articles", "case": "cases"}


# A brand-new measure or case has no live row until it is first published (so no public page, list,
# search, API or alert can see it): its revisions wait under a staging id far above any real id, and
# the row is created on publication, the revisions moving to its id.
NEW_BASE = 1_500_000_000
STAGED_KINDS = ("support", "case")


def is_staged(obj: Any) -> bool:
    return bool(getattr(obj, "staged", False))


def _staged_object(session: Session, kind: str, object_id: int) -> Any | None:
    if kind not in STAGED_KINDS or object_id < NEW_BASE:
        return None
    rev = latest(session, kind, object_id)
    if rev is None:
        return None
    obj = snapshots.KINDS[kind].model(id=object_id, title=rev.data.get("title") or "（名称なし）")
    obj.staged = True
    return obj


class Locked(Conflict):
    """The object is in review or scheduled: nobody edits it until that is settled."""


def get_object(session: Session, kind: str, object_id: int) -> Any:
    obj = session.get(snapshots.KINDS[kind].model, object_id) if object_id < NEW_BASE else None
    if obj is None:
        obj = _staged_object(session, kind, object_id)
    if obj is None:
        raise NotFound(f"その{snapshots.KINDS[kind].label}は見つかりません。")
    return obj


def history(session: Session, kind: str, object_id: int) -> list[Revision]:
    return list(session.scalars(select(Revision).where(Revision.kind == kind, Revision.object_id == object_id)
                                .order_by(Revision.number.desc())))


def latest(session: Session, kind: str, object_id: int) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.kind == kind, Revision.object_id == object_id)
                          .order_by(Revision.number.desc()).limit(1))


def pending(session: Session, kind: str, object_id: int) -> Revision | None:
    """The revision not yet live (draft, in review, scheduled, proposed), if the latest is one."""
    rev = latest(session, kind, object_id)
    return rev if rev is not None and rev.state != S.PUBLISHED.value else None


def revision_of(session: Session, kind: str, object_id: int, revision_id: int | str | None) -> Revision:
    try:
        rev = session.get(Revision, int(revision_id)) if revision_id not in (None, "") else None
    except (TypeError, ValueError):
        rev = None
    if rev is None or rev.kind != kind or rev.object_id != object_id:
        raise NotFound("その版は見つかりません。")
    return rev


def working(session: Session, kind: str, obj: Any) -> tuple[Revision | None, dict[str, Any]]:
    """The latest revision, and what the editor starts from: the pending revision, else the live version."""
    rev = latest(session, kind, obj.id)
    if rev is not None and rev.state != S.PUBLISHED.value:
        return rev, dict(rev.data)
    return rev, snapshots.snapshot(session, kind, obj)


def live_data(session: Session, kind: str, obj: Any) -> dict[str, Any]:
    """What the public sees now: nothing for a staged new item."""
    return {} if is_staged(obj) else snapshots.snapshot(session, kind, obj)


def create_draft(session: Session, user: User, kind: str, data: dict[str, Any], note: str = "", major: bool = False,
                 now: datetime | None = None) -> tuple[Any, Revision]:
    """A brand-new measure or case: its 第1版 as a draft under a staging id; nothing is public yet."""
    rev = Revision(kind=kind, object_id=0, number=1, state=S.DRAFT.value, data=data, note=note.strip()[:300],
                   major=major, author_id=user.id, created_at=now or clock.now())
    session.add(rev)
    session.flush()
    rev.object_id = NEW_BASE + rev.id
    session.flush()
    obj = _staged_object(session, kind, rev.object_id)
    _audit(session, user, "create", kind, obj, rev, rev.note)
    return obj, rev


def _materialise(session: Session, rev: Revision, obj: Any, now: datetime) -> Any:
    """The live row of a staged item, created at its first publication; its revisions move to its id."""
    model = snapshots.KINDS[rev.kind].model
    real = model(source="editor", source_id=f"{rev.kind}-{obj.id - NEW_BASE}", title=rev.data.get("title") or "",
                 created_at=now, updated_at=now, imported_at=now)
    session.add(real)
    session.flush()
    session.execute(update(Revision).where(Revision.kind == rev.kind, Revision.object_id == obj.id)
                    .values(object_id=real.id).execution_options(synchronize_session="fetch"))
    return real


def _audit(session: Session, user: User | None, action: str, kind: str, obj: Any, rev: Revision, extra: str = "") -> None:
    detail = f"{kind}:{obj.id} 第{rev.number}版 {getattr(obj, 'title', '')}"
    record_event(session, f"editorial.{action}", user, detail=f"{detail} {extra}".strip())


def _next_number(session: Session, kind: str, object_id: int) -> int:
    return (session.scalar(select(func.max(Revision.number)).where(Revision.kind == kind,
                                                                   Revision.object_id == object_id)) or 0) + 1


def ensure_baseline(session: Session, kind: str, obj: Any, now: datetime | None = None) -> None:
    """The live version as 第1版 when the object has no history yet (it came from an import)."""
    if kind == "article" and obj.published_at is None:
        return  # a new article: nothing is live yet, its first save is 第1版
    if latest(session, kind, obj.id) is None:
        now = now or clock.now()
        session.add(Revision(kind=kind, object_id=obj.id, number=1, state=S.PUBLISHED.value,
                             data=snapshots.snapshot(session, kind, obj), note="取り込み時の内容", origin="import",
                             created_at=getattr(obj, "updated_at", None) or now, published_at=now))
        session.flush()


def _check_unlocked(session: Session, kind: str, obj: Any) -> None:
    rev = latest(session, kind, obj.id)
    if rev is not None and rev.state in LOCKING:
        who = rev.author.name_for_display if rev.author else "ほかの職員"
        raise Locked(f"第{rev.number}版が{rev.state_label}のため、確認が終わるまで編集できません（{who}）。")


def save_draft(session: Session, user: User, kind: str, obj: Any, data: dict[str, Any], note: str = "",
               major: bool = False, now: datetime | None = None, audit_action: str = "save") -> Revision:
    """A new revision (a draft) of the object; the live version is untouched."""
    _check_unlocked(session, kind, obj)
    ensure_baseline(session, kind, obj, now)
    rev = Revision(kind=kind, object_id=obj.id, number=_next_number(session, kind, obj.id), state=S.DRAFT.value,
                   data=data, note=note.strip()[:300], major=major, author_id=user.id, created_at=now or clock.now())
    session.add(rev)
    session.flush()
    _audit(session, user, audit_action, kind, obj, rev, rev.note)
    return rev


def submit(session: Session, user: User, kind: str, obj: Any) -> Revision:
    rev = pending(session, kind, obj.id)
    if rev is None or rev.state not in EDITABLE:
        raise Conflict("確認に出せる下書きがありません。")
    rev.state = S.SUBMITTED.value
    session.flush()
    _audit(session, user, "submit", kind, obj, rev)
    return rev


def _require_publisher(user: User) -> None:
    if not user.is_publisher:
        raise Forbidden("承認と公開は公開者の職員だけができます。")


def approve(session: Session, user: User, kind: str, obj: Any, comment: str = "", publish_at: datetime | None = None,
            now: datetime | None = None) -> Revision:
    """A 公開者 approves the revision in review: live now, or scheduled for `publish_at`."""
    _require_publisher(user)
    now = now or clock.now()
    rev = pending(session, kind, obj.id)
    if rev is None or rev.state != S.SUBMITTED.value:
        raise Conflict("確認待ちの版がありません。")
    rev.reviewer_id, rev.reviewed_at, rev.review_comment = user.id, now, comment.strip()
    if publish_at is not None and publish_at > now:
        rev.state, rev.publish_at = S.SCHEDULED.value, publish_at
        session.flush()
        _audit(session, user, "schedule", kind, obj, rev, publish_at.isoformat())
        return rev
    return publish_revision(session, rev, obj, now, user, "approve")


def send_back(session: Session, user: User, kind: str, obj: Any, comment: str, now: datetime | None = None) -> Revision:
    _require_publisher(user)
    rev = pending(session, kind, obj.id)
    if rev is None or rev.state not in (S.SUBMITTED.value, S.SCHEDULED.value, S.PROPOSED.value):
        raise Conflict("差し戻せる版がありません。")
    if not comment.strip():
        raise Conflict("差し戻す理由をコメントに書いてください。", "comment")
    rev.state, rev.publish_at = S.RETURNED.value, None
    rev.reviewer_id, rev.reviewed_at, rev.review_comment = user.id, now or clock.now(), comment.strip()
    session.flush()
    _audit(session, user, "return", kind, obj, rev, comment.strip())
    return rev


def publish_now(session: Session, user: User, kind: str, obj: Any, now: datetime | None = None) -> Revision:
    """A 公開者 publishes the pending revision without review (the skip)."""
    _require_publisher(user)
    rev = pending(session, kind, obj.id)
    if rev is None:
        raise Conflict("公開する版がありません。")
    rev.reviewer_id, rev.reviewed_at = user.id, now or clock.now()
    return publish_revision(session, rev, obj, now or clock.now(), user, "publish")


def publish_revision(session: Session, rev: Revision, obj: Any, now: datetime, user: User | None = None,
                     action: str = "publish") -> Revision:
    """Writes the revision onto the live row. Only a major revision (or an article's first
    publication) moves the public 更新日 and the alert version."""
    kind = rev.kind
    first = is_staged(obj)
    if first:
        obj = _materialise(session, rev, obj, now)
    snapshots.apply(session, kind, obj, rev.data)
    if kind == "support":
        if rev.major or first:
            obj.updated_at = obj.imported_at = now
    elif kind == "case":
        if rev.major or first:
            obj.updated_at = now
    else:
        if obj.published_at is None:
            obj.published_at = obj.updated_at = now
        elif rev.major:
            obj.updated_at = now
    rev.state, rev.published_at, rev.publish_at = S.PUBLISHED.value, now, None
    session.flush()
    record_changes(session, INDEX_KIND[kind], [obj.id])
    if kind == "support":
        record_changes(session, "cases", cases_using(session, [obj.id]))
    _audit(session, user, action, kind, obj, rev, "重要な変更" if rev.major else "軽微な変更")
    return rev


def revert(session: Session, user: User, kind: str, obj: Any, rev: Revision, now: datetime | None = None) -> Revision:
    """Revert = a new draft holding an older revision's content (history is never rewritten)."""
    return save_draft(session, user, kind, obj, dict(rev.data), note=f"第{rev.number}版の内容に戻しました", now=now,
                      audit_action="revert")


def propose(session: Session, kind: str, obj: Any, data: dict[str, Any], note: str, now: datetime | None = None) -> Revision:
    """An importer's update to an edited object, waiting for review instead of going live."""
    ensure_baseline(session, kind, obj, now)
    rev = Revision(kind=kind, object_id=obj.id, number=_next_number(session, kind, obj.id), state=S.PROPOSED.value,
                   data=data, note=note, major=True, origin="import", created_at=now or clock.now())
    session.add(rev)
    session.flush()
    _audit(session, None, "propose", kind, obj, rev, note)
    return rev


def latest_from_import(session: Session, kind: str, object_id: int) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.kind == kind, Revision.object_id == object_id,
                                                 Revision.origin == "import")
                          .order_by(Revision.number.desc()).limit(1))


def has_editor_history(session: Session, kind: str, object_id: int) -> bool:
    return session.scalar(select(func.count(Revision.id)).where(
        Revision.kind == kind, Revision.object_id == object_id, Revision.origin == "editor")) > 0


def run_scheduled(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Publishes the scheduled revisions that are due and takes down articles past `unpublish_at`."""
    now = now or clock.now()
    published = 0
    for rev in session.scalars(select(Revision).where(Revision.state == S.SCHEDULED.value, Revision.publish_at <= now)
                               .order_by(Revision.publish_at, Revision.id)
                               .options(lazyload(Revision.author), lazyload(Revision.reviewer))
                               .with_for_update(skip_locked=True, of=Revision)).all():
        publish_revision(session, rev, get_object(session, rev.kind, rev.object_id), now, None, "scheduled_publish")
        published += 1
    down = list(session.scalars(select(Article).where(Article.published_at.is_not(None), Article.unpublish_at <= now)))
    for article in down:
        article.published_at, article.unpublish_at = None, None
        record_event(session, "editorial.unpublish", None, detail=f"article:{article.id} {article.title}")
    if down:
        session.flush()
        record_changes(session, "articles", [a.id for a in down])
    return {"published": published, "unpublished": len(down)}


# --- the staff home ----------------------------------------------------------------------------

def waiting_for_review(session: Session) -> list[Revision]:
    return _latest_in(session, [S.SUBMITTED.value, S.PROPOSED.value])


def scheduled(session: Session) -> list[Revision]:
    return _latest_in(session, [S.SCHEDULED.value])


def drafts_of(session: Session, user: User) -> list[Revision]:
    return [r for r in _latest_in(session, [S.DRAFT.value, S.RETURNED.value]) if r.author_id == user.id]


def _latest_in(session: Session, states: list[str]) -> list[Revision]:
    newest = (select(Revision.kind, Revision.object_id, func.max(Revision.number).label("number"))
              .group_by(Revision.kind, Revision.object_id).subquery())
    return list(session.scalars(select(Revision).join(newest, (Revision.kind == newest.c.kind)
                                                      & (Revision.object_id == newest.c.object_id)
                                                      & (Revision.number == newest.c.number))
                                .where(Revision.state.in_(states)).order_by(Revision.created_at.desc()).limit(100)))


def titles(session: Session, revisions: list[Revision]) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    for kind, model in (("support", Support), ("article", Article), ("case", Case)):
        ids = {r.object_id for r in revisions if r.kind == kind}
        if ids:
            found.update({(kind, i): t for i, t in session.execute(select(model.id, model.title).where(model.id.in_(ids)))})
    return found


# --- diff --------------------------------------------------------------------------------------

def line_diff(old: str, new: str) -> list[tuple[str, str, str]]:
    """Side by side: (old line, new line, "equal" | "replace" | "delete" | "insert")."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend((line, line, tag) for line in a[i1:i2])
            continue
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append((left[k] if k < len(left) else "", right[k] if k < len(right) else "", tag))
    return rows


def _blank(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The fields that differ, each with its side-by-side lines."""
    changed = []
    for name in dict.fromkeys([*old, *new]):
        if _blank(old.get(name)) != _blank(new.get(name)):  # a field absent from an older revision = empty
            changed.append((snapshots.LABELS.get(name, name),
                            line_diff(snapshots.display(old.get(name)), snapshots.display(new.get(name)))))
    return changed
