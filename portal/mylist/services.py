"""Saving and listing. Every function takes the user and only ever touches that user's rows.

A double submit is harmless: the save button sends the state it asks for (保存する / 外す), so two
presses of 「保存」 save once and both answer 「保存済み」, and two saves racing to insert the same row
end with the loser answering as if it had won. The cap of saved searches is checked under a lock on
the user's row, so parallel saves cannot pass it together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.content.status import Status, status_of
from portal.db import lock_row
from portal.errors import DomainError, NotFound
from portal.models import Case, SavedItem, SavedSearch, Support, User

KINDS = {"support": Support, "case": Case}
MAX_SAVED_SEARCHES = 50


class MylistError(DomainError):
    pass


def saved_ids(session: Session, user: User) -> set[tuple[str, int]]:
    rows = session.execute(select(SavedItem.support_id, SavedItem.case_id).where(SavedItem.user_id == user.id))
    return {("support", s) if s else ("case", c) for s, c in rows}


def _item_filter(kind: str, item_id: int):
    return SavedItem.support_id == item_id if kind == "support" else SavedItem.case_id == item_id


def toggle_saved(session: Session, user: User, kind: str, item_id: int, want: bool | None = None) -> bool:
    """Saves the item (`want` True) or removes it (False); None flips what is there. Returns whether
    it is saved now."""
    if kind not in KINDS:
        raise MylistError("保存できる種類ではありません。", "kind")
    if session.get(KINDS[kind], item_id) is None:
        raise NotFound("保存しようとした項目が見つかりません。", "id")
    user_id = user.id
    if want is None:
        want = session.scalar(select(SavedItem.id).where(SavedItem.user_id == user_id,
                                                         _item_filter(kind, item_id))) is None
    if not want:
        session.execute(delete(SavedItem).where(SavedItem.user_id == user_id, _item_filter(kind, item_id)))
        session.commit()
        return False
    if session.scalar(select(SavedItem.id).where(SavedItem.user_id == user_id, _item_filter(kind, item_id))) is None:
        session.add(SavedItem(user_id=user_id, **{f"{kind}_id": item_id}))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # another request saved it a moment ago: saved it is
    return True


@dataclass
class SavedSupport:
    support: Support
    status: Status
    saved_at: object


def saved_supports(session: Session, user: User, today: date) -> list[SavedSupport]:
    """Saved measures, those with the nearest deadline first (the deadline view)."""
    # The list shows title and status (dates only): the measures' tags are not loaded.
    rows = session.scalars(select(SavedItem).where(SavedItem.user_id == user.id, SavedItem.support_id.is_not(None))
                           .options(joinedload(SavedItem.support).lazyload(Support.tags)))
    items = [SavedSupport(row.support, status_of(row.support, today), row.created_at) for row in rows]
    order = {"open": 0, "upcoming": 1, "always": 2, "unknown": 3, "closed": 4}
    return sorted(items, key=lambda i: (order[i.status.code], i.status.deadline or date.max, i.support.id))


def saved_cases(session: Session, user: User) -> list[Case]:
    """Saved cases, newest first; the list shows title and company, so tags and measures are not loaded."""
    rows = session.scalars(select(SavedItem).where(SavedItem.user_id == user.id, SavedItem.case_id.is_not(None))
                           .order_by(SavedItem.created_at.desc(), SavedItem.id.desc())
                           .options(joinedload(SavedItem.case).lazyload(Case.tags),
                                    joinedload(SavedItem.case).lazyload(Case.supports)))
    return [row.case for row in rows]


def saved_searches(session: Session, user: User) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)
                                .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())))


def save_search(session: Session, user: User, kind: str, name: str, query: str) -> SavedSearch:
    name = " ".join(name.split())
    if kind not in KINDS:
        raise MylistError("保存できる検索の種類ではありません。", "kind")
    if not name:
        raise MylistError("保存する検索条件の名前を入力してください。", "name")
    if len(name) > 100:
        raise MylistError("名前は100文字以内で入力してください。", "name")
    if len(query) > 2000:
        raise MylistError("検索条件が長すぎるため保存できません。", "query")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in query):
        # A navi query string is percent-encoded; a raw newline would break the redirect after saving.
        raise MylistError("検索条件が正しくありません。検索結果の画面から、もう一度保存してください。", "query")
    lock_row(session, User, user.id)  # until the commit: the count and the insert are one step
    count = session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id))
    if count >= MAX_SAVED_SEARCHES:
        session.rollback()
        raise MylistError(f"保存できる検索条件は{MAX_SAVED_SEARCHES}件までです。不要なものを削除してください。", "name")
    search = SavedSearch(user_id=user.id, kind=kind, name=name, query=query.lstrip("?"))
    session.add(search)
    session.commit()
    return search


def delete_search(session: Session, user: User, search_id: int) -> None:
    result = session.execute(delete(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user.id))
    if result.rowcount == 0:
        session.rollback()
        raise NotFound("その保存済みの検索条件は見つかりません。")
    session.commit()
