"""お知らせ pages and feeds (public), and the editing screens for 職員 (role staff only; 403 for others)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, request, url_for
from flask_login import current_user

from portal.bounds import page_arg
from portal.content.markup import render_markdown
from portal.db import get_session
from portal.forms import attach
from portal.htmx import redirect_after_post, render
from portal.models import NewsCategory
from portal.news import feeds, services
from portal.news.forms import NewsForm
from portal.staff import staff_required

bp = Blueprint("news", __name__, url_prefix="/news")


@bp.get("/")
def index():
    category = services.parse_category(request.args.get("category"))
    page = page_arg(request.args, high=10000)
    items, total = services.published(get_session(), category, page)
    pages = max(1, -(-total // services.PAGE_SIZE))
    return render("news/index.html", block="news_list", items=items, total=total, page=page, pages=pages,
                  category=category, categories=list(NewsCategory))


@bp.get("/<int:item_id>")
def detail(item_id: int):
    item = services.public_item(get_session(), item_id)
    return render("news/item.html", item=item, body=render_markdown(item.body))


def _feed_items():
    items, _total = services.published(get_session(), per_page=services.FEED_SIZE)
    return items


def _item_url(item) -> str:
    return url_for("news.detail", item_id=item.id, _external=True)


@bp.get("/feed.rss")
def rss():
    config = current_app.config
    body = feeds.rss(_feed_items(), title=f"{config['SITE_NAME']} お知らせ", site_url=url_for("news.index", _external=True),
                     feed_url=url_for("news.rss", _external=True), item_url=_item_url,
                     description="支援制度・イベント・災害支援などのお知らせ")
    return Response(body, mimetype="application/rss+xml")


@bp.get("/feed.atom")
def atom():
    config = current_app.config
    body = feeds.atom(_feed_items(), title=f"{config['SITE_NAME']} お知らせ", site_url=url_for("news.index", _external=True),
                      feed_url=url_for("news.atom", _external=True), feed_id=url_for("news.atom", _external=True),
                      item_url=_item_url, author=config["SITE_OPERATOR"])
    return Response(body, mimetype="application/atom+xml")


# --- 職員 ---------------------------------------------------------------------------------------

@bp.get("/manage")
@staff_required
def manage():
    return render("news/manage.html", items=services.all_items(get_session()))


def _draft(form: NewsForm) -> services.NewsDraft:
    return services.NewsDraft(title=form.title.data or "", category=form.category.data or "",
                              summary=form.summary.data or "", body=form.body.data or "",
                              publish=form.status.data == "published")


def _save(form: NewsForm, item=None):
    session = get_session()
    if not form.validate_on_submit():
        return render("news/edit.html", form=form, item=item, http_status=400 if form.csrf_token.errors else 422)
    try:
        saved = services.save_item(session, current_user, _draft(form), item)
    except services.NewsError as error:
        session.rollback()
        attach(form, error.problems)
        return render("news/edit.html", form=form, item=item, http_status=422)
    session.commit()
    flash(f"お知らせ「{saved.title}」を{'公開しました' if saved.is_published else '下書きとして保存しました'}。", "success")
    return redirect_after_post("news.manage")


@bp.route("/manage/new", methods=["GET", "POST"])
@staff_required
def create():
    form = NewsForm()
    if request.method == "POST":
        return _save(form)
    return render("news/edit.html", form=form, item=None)


@bp.route("/manage/<int:item_id>", methods=["GET", "POST"])
@staff_required
def edit(item_id: int):
    item = services.any_item(get_session(), item_id)
    if request.method == "POST":
        return _save(NewsForm(), item)
    form = NewsForm(obj=item, category=item.category.value, status="published" if item.is_published else "draft")
    return render("news/edit.html", form=form, item=item)


@bp.post("/manage/<int:item_id>/publish")
@staff_required
def publish(item_id: int):
    session = get_session()
    item = services.any_item(session, item_id)
    wanted = request.form.get("publish") == "1"
    services.set_published(session, item, wanted)
    session.commit()
    flash(f"お知らせ「{item.title}」を{'公開しました' if wanted else '非公開（下書き）にしました'}。", "success")
    return redirect_after_post("news.manage")
