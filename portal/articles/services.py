"""Reading published articles: the search (text through the same Japanese index as the navi, plus
the category facet), one article, the articles that name a measure."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from portal.content.freshness import current_index
from portal.content.versions import content_version
from portal.errors import NotFound
from portal.models import Article, ArticleCategory, article_supports

PAGE_SIZE = 20
FEED_SIZE = 30


def parse_category(value: str | None) -> ArticleCategory | None:
    try:
        return ArticleCategory(value) if value else None
    except ValueError:
        return None


@dataclass
class ArticleResults:
    items: list[Article]
    total: int
    counts: dict[str, int]  # per category, within the text matches


def search(session: Session, q: str = "", category: ArticleCategory | None = None, page: int = 1,
           per_page: int = PAGE_SIZE) -> ArticleResults:
    where = [Article.published_at.is_not(None)]
    ranked: list[int] | None = None
    q = (q or "").strip()
    if q:
        version = content_version(session, "articles")
        index, current = current_index(session, "articles", version)
        found = index.match(q, version=version if current else None)
        if found is not None:
            scores = found.scores()
            ranked = sorted((int(i) for i in scores), key=lambda i: (-scores[str(i)], -i))
            where.append(Article.id.in_(ranked))
    counts = dict(session.execute(select(Article.category, func.count(Article.id)).where(*where)
                                  .group_by(Article.category)).all())
    if category is not None:
        where.append(Article.category == category.value)
    rows = list(session.scalars(select(Article).where(*where).order_by(Article.published_at.desc(), Article.id.desc())
                                .options(lazyload(Article.supports))))
    if ranked is not None:
        order = {i: n for n, i in enumerate(ranked)}
        rows.sort(key=lambda a: order.get(a.id, len(order)))
    start = (page - 1) * per_page
    return ArticleResults(rows[start:start + per_page], len(rows), counts)


def public_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None or not article.is_published:
        raise NotFound("お探しの記事は見つかりませんでした。削除されたか、まだ公開されていません。")
    return article


def articles_about(session: Session, support_id: int) -> list[Article]:
    """The published articles that name the measure (「この制度に関する記事」)."""
    return list(session.scalars(select(Article).join(article_supports, article_supports.c.article_id == Article.id)
                                .where(article_supports.c.support_id == support_id, Article.published_at.is_not(None))
                                .order_by(Article.published_at.desc()).options(lazyload(Article.supports))))


def newest(session: Session, limit: int = FEED_SIZE) -> list[Article]:
    return list(session.scalars(select(Article).where(Article.published_at.is_not(None))
                                .order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)))
