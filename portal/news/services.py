"""Reading and writing news items. Only published items are public; 職員 see drafts too.

Validation lives here (not in the form) so that the web form and any other writer share the same
Japanese messages; nothing is stored when a value is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import clock
from portal.errors import DomainError, NotFound
from portal.models import NewsCategory, NewsItem, User

PAGE_SIZE = 20
FEED_SIZE = 30
LIMITS = {"title": 200, "summary": 300, "body": 20000}


class NewsError(DomainError):
    """Bad input; `problems` holds every field's message, so all are shown at once."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values())), next(iter(problems)))
        self.problems = problems


@dataclass
class NewsDraft:
    title: str
    category: str
    summary: str
    body: str
    publish: bool


def parse_category(value: str | None) -> NewsCategory | None:
    try:
        return NewsCategory(value) if value else None
    except ValueError:
        return None


def published(session: Session, category: NewsCategory | None = None, page: int = 1,
              per_page: int = PAGE_SIZE) -> tuple[list[NewsItem], int]:
    """A page of published items, newest first, and the total."""
    where = [NewsItem.published_at.is_not(None)]
    if category is not None:
        where.append(NewsItem.category == category)
    total = session.scalar(select(func.count(NewsItem.id)).where(*where)) or 0
    items = session.scalars(select(NewsItem).where(*where)
                            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
                            .offset((page - 1) * per_page).limit(per_page))
    return list(items), total


def public_item(session: Session, item_id: int) -> NewsItem:
    item = session.get(NewsItem, item_id)
    if item is None or not item.is_published:
        raise NotFound("お探しのお知らせは見つかりませんでした。削除されたか、まだ公開されていません。")
    return item


def all_items(session: Session) -> list[NewsItem]:
    """For 職員: drafts first, then by date."""
    return list(session.scalars(select(NewsItem).order_by(NewsItem.published_at.is_not(None),
                                                          NewsItem.published_at.desc(), NewsItem.id.desc())))


def any_item(session: Session, item_id: int) -> NewsItem:
    item = session.get(NewsItem, item_id)
    if item is None:
        raise NotFound("そのお知らせは見つかりません。")
    return item


def check(draft: NewsDraft) -> NewsCategory:
    problems: dict[str, str] = {}
    if not draft.title.strip():
        problems["title"] = "タイトルを入力してください。"
    category = parse_category(draft.category)
    if category is None:
        problems["category"] = "カテゴリを選んでください。"
    if not draft.body.strip():
        problems["body"] = "本文を入力してください。"
    labels = {"title": "タイトル", "summary": "概要", "body": "本文"}
    for name, limit in LIMITS.items():
        if name not in problems and len(getattr(draft, name)) > limit:
            problems[name] = f"{labels[name]}は{limit}文字以内で入力してください（いま{len(getattr(draft, name))}文字）。"
    if problems:
        raise NewsError(problems)
    return category


def save_item(session: Session, author: User, draft: NewsDraft, item: NewsItem | None = None,
              now: datetime | None = None) -> NewsItem:
    """Creates or updates an item; publishing sets the date once, unpublishing makes it a draft."""
    category = check(draft)
    now = now or clock.now()
    if item is None:
        item = NewsItem(created_at=now, author_id=author.id)
        session.add(item)
    item.title, item.category = " ".join(draft.title.split()), category
    item.summary, item.body = draft.summary.strip(), draft.body.strip()
    item.updated_at = now
    if draft.publish and item.published_at is None:
        item.published_at = now
    elif not draft.publish:
        item.published_at = None
    session.flush()
    return item


def set_published(session: Session, item: NewsItem, publish: bool, now: datetime | None = None) -> NewsItem:
    now = now or clock.now()
    if publish and item.published_at is None:
        item.published_at = now
        item.updated_at = now
    elif not publish:
        item.published_at = None
        item.updated_at = now
    session.flush()
    return item
