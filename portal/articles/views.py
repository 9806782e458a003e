"""`/articles/`: search (q=, category=; htmx swaps the results, plain links and a GET form work
without JavaScript, every state is a bookmarkable URL), one article with the measures it names and
their status, and an Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flask import Blueprint, Response, current_app, request, url_for

from portal import clock
from portal.articles import services
from portal.bounds import page_arg
from portal.content.markup import render_markdown
from portal.content.status import status_of
from portal.db import get_session
from portal.htmx import render
from portal.models import ArticleCategory
from portal.ui import JST

bp = Blueprint("articles", __name__, url_prefix="/articles")


@bp.get("/")
def index():
    q = (request.args.get("q") or "").strip()[:200]
    category = services.parse_category(request.args.get("category"))
    page = page_arg(request.args, high=1000)
    results = services.search(get_session(), q, category, page)
    pages = max(1, -(-results.total // services.PAGE_SIZE))
    return render("articles/index.html", block="article_results", results=results, q=q, category=category,
                  categories=list(ArticleCategory), page=page, pages=pages)


@bp.get("/<int:article_id>")
def detail(article_id: int):
    article = services.public_article(get_session(), article_id)
    today = clock.today()
    return render("articles/article.html", article=article, body=render_markdown(article.body),
                  measures=[(s, status_of(s, today)) for s in article.supports])


def _rfc3339(value) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


@bp.get("/feed.atom")
def atom():
    atom_ns = "http://www.w3.org/2005/Atom"
    items = services.newest(get_session())
    config = current_app.config
    root = ET.Element("feed", {"xmlns": atom_ns, "{http://www.w3.org/XML/1998/namespace}lang": "ja"})

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = text
        return element

    feed_url = url_for("articles.atom", _external=True)
    sub(root, "title", f"{config['SITE_NAME']} 経営お役立ちコンテンツ")
    sub(root, "id", feed_url)
    sub(root, "link", href=feed_url, rel="self", type="application/atom+xml")
    sub(root, "link", href=url_for("articles.index", _external=True), rel="alternate", type="text/html")
    sub(root, "updated", _rfc3339(max((a.updated_at for a in items), default=None) or clock.now()))
    sub(sub(root, "author"), "name", config["SITE_OPERATOR"])
    for article in items:
        entry = sub(root, "entry")
        url = url_for("articles.detail", article_id=article.id, _external=True)
        sub(entry, "title", article.title)
        sub(entry, "id", url)
        sub(entry, "link", href=url, rel="alternate", type="text/html")
        sub(entry, "published", _rfc3339(article.published_at))
        sub(entry, "updated", _rfc3339(max(article.updated_at, article.published_at)))
        sub(entry, "category", term=article.category, label=article.category_label)
        if article.summary:
            sub(entry, "summary", article.summary)
        sub(entry, "content", str(render_markdown(article.body)), type="html")
    return Response(ET.tostring(root, encoding="utf-8", xml_declaration=True), mimetype="application/atom+xml")
