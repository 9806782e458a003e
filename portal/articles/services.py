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


#: Which category of article helps with each weak ロカベン indicator (portal.recommend.locaben.REMEDIES).
INDICATOR_CATEGORIES = {"equity_ratio": "finance", "working_capital_months": "finance", "ebitda_debt_ratio": "finance",
                        "operating_margin": "dx", "labor_productivity": "dx", "sales_growth": "sales"}


@dataclass
class ArticleSuggestion:
    article: Article
    reason: str


def suggestions(session: Session, support_titles: dict[int, str], weak: list[tuple[str, str]],
                limit: int = 4) -> list[ArticleSuggestion]:
    """おすすめ's articles: those that name the recommended measures (most named first), then those
    of the categories that address the business's weak ロカベン indicators (`weak`: key, name)."""
    found: dict[int, ArticleSuggestion] = {}
    if support_titles:
        rows = session.execute(select(article_supports.c.article_id, article_supports.c.support_id)
                               .join(Article, Article.id == article_supports.c.article_id)
                               .where(article_supports.c.support_id.in_(support_titles), Article.published_at.is_not(None))
                               ).all()
        named: dict[int, list[int]] = {}
        for article_id, support_id in rows:
            named.setdefault(article_id, []).append(support_id)
        order = list(support_titles)
        ranked = sorted(named, key=lambda a: (-len(named[a]), min(order.index(s) for s in named[a]), -a))[:limit]
        articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ranked))
                                                     .options(lazyload(Article.supports)))}
        for article_id in ranked:
            first = min(named[article_id], key=order.index)
            found[article_id] = ArticleSuggestion(articles[article_id], f"おすすめの制度「{support_titles[first]}」を紹介しています")
    categories = {}
    for key, name in weak:
        category = INDICATOR_CATEGORIES.get(key)
        if category and category not in categories:
            categories[category] = name
    if categories and len(found) < limit:
        for article in session.scalars(select(Article).where(Article.category.in_(categories),
                                                             Article.published_at.is_not(None), Article.id.not_in(found or [0]))
                                       .order_by(Article.published_at.desc()).limit(limit - len(found))
                                       .options(lazyload(Article.supports))):
            found[article.id] = ArticleSuggestion(article, f"ロカベンの「{categories[article.category]}」に役立つ記事です")
    return list(found.values())[:limit]
