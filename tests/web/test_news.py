"""お知らせ: public list with category filter, item page, RSS/Atom feeds that parse, 職員-only editing
(403 for others) with Japanese validation, sanitised bodies, and idempotent demo news."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.models import NewsCategory, NewsItem, Role
from portal.news.demo import load_demo_news
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login, make_user

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(session):
    now = clock.now()
    items = [
        NewsItem(category=NewsCategory.SUBSIDY, title="持続化補助金の公募開始 & 説明会", summary="販路開拓を支援",
                 body="本文 <b>太字</b>", published_at=now - timedelta(days=2), updated_at=now - timedelta(days=2)),
        NewsItem(category=NewsCategory.DISASTER, title="大雨の特別相談窓口", summary="", body="**相談**を受け付けます",
                 published_at=now - timedelta(days=1), updated_at=now - timedelta(days=1)),
        NewsItem(category=NewsCategory.EVENT, title="下書きのセミナー", body="まだ秘密", published_at=None),
    ]
    session.add_all(items)
    session.commit()
    return {i.title: i.id for i in items}


def staff(app, client):
    make_user(app, "staff@example.jp", role=Role.STAFF)
    login(client, "staff@example.jp")


def test_list_shows_published_news_newest_first_and_filters_by_category(client, news):
    html = text(client.get("/news/"))
    assert html.index("大雨の特別相談窓口") < html.index("持続化補助金の公募開始")
    assert "下書きのセミナー" not in html
    filtered = text(client.get("/news/?category=disaster"))
    assert "大雨の特別相談窓口" in filtered and "持続化補助金" not in filtered
    assert "お知らせ" in text(client.get("/"))  # the header links to it


def test_item_page_and_drafts_are_hidden(client, news):
    page = client.get(f"/news/{news['大雨の特別相談窓口']}")
    assert page.status_code == 200 and "<strong>相談</strong>" in text(page)
    assert client.get(f"/news/{news['下書きのセミナー']}").status_code == 404


def test_rss_feed_parses_with_absolute_links_and_dates(client, news):
    response = client.get("/news/feed.rss")
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["大雨の特別相談窓口", "持続化補助金の公募開始 & 説明会"]
    assert all(i.findtext("link").startswith("http://portal.test/news/") for i in items)
    assert parsedate_to_datetime(items[0].findtext("pubDate")).tzinfo is not None
    assert items[1].findtext("category") == "補助金・助成金"


def test_atom_feed_parses_with_ids_and_rfc3339_dates(client, news):
    response = client.get("/news/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert entries[0].findtext(f"{ATOM}title") == "大雨の特別相談窓口"
    assert entries[0].findtext(f"{ATOM}id").startswith("http://portal.test/news/")
    datetime.fromisoformat(entries[0].findtext(f"{ATOM}updated"))
    assert "<strong>相談</strong>" in entries[0].findtext(f"{ATOM}content")
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://portal.test/news/feed.atom"


@pytest.mark.parametrize("path", ["/news/manage", "/news/manage/new"])
def test_editing_is_for_staff_only(client, app, path):
    assert client.get(path).status_code == 302  # anonymous: log in first
    make_user(app, "biz@example.jp")
    login(client, "biz@example.jp")
    assert client.get(path).status_code == 403


def test_a_business_user_cannot_post_news(client, app, session):
    make_user(app, "biz@example.jp")
    login(client, "biz@example.jp")
    token = csrf_from(text(client.get("/")))
    response = client.post("/news/manage/new", data={"csrf_token": token, "title": "偽", "category": "notice",
                                                     "body": "偽", "status": "published"})
    assert response.status_code == 403
    assert session.scalar(select(func.count(NewsItem.id))) == 0


def test_staff_creates_and_publishes_news_with_sanitised_body(client, app, session):
    staff(app, client)
    response = submit(client, "/news/manage/new", {
        "title": "IT導入補助金の説明会", "category": "event", "summary": "オンライン開催",
        "body": "## 日時\n\n<script>alert(1)</script>[申込](javascript:alert(1))", "status": "published"})
    assert response.status_code == 303
    item = session.scalar(select(NewsItem))
    assert item.is_published and item.category is NewsCategory.EVENT
    page = text(client.get(f"/news/{item.id}"))
    assert "<script>alert" not in page and "href=\"javascript" not in page and "日時</h" in page


def test_invalid_news_shows_japanese_errors_keeps_input_and_stores_nothing(client, app, session):
    staff(app, client)
    response = submit(client, "/news/manage/new", {"title": "", "category": "bogus", "summary": "残す概要",
                                                   "body": "", "status": "draft"})
    html = text(response)
    assert response.status_code == 422
    assert "タイトルを入力してください。" in html and "カテゴリを選んでください。" in html
    assert "本文を入力してください。" in html and "残す概要" in html
    long = submit(client, "/news/manage/new", {"title": "あ" * 201, "category": "notice", "body": "本文"})
    assert "タイトルは200文字以内" in text(long)
    assert session.scalar(select(func.count(NewsItem.id))) == 0


def test_staff_edits_unpublishes_and_republishes(client, app, session, news):
    staff(app, client)
    item_id = news["持続化補助金の公募開始 & 説明会"]
    first_published = session.get(NewsItem, item_id).published_at
    submit(client, f"/news/manage/{item_id}", {"title": "持続化補助金（更新）", "category": "subsidy",
                                               "body": "更新した本文", "status": "published"})
    session.expire_all()
    item = session.get(NewsItem, item_id)
    assert item.title == "持続化補助金（更新）" and item.published_at == first_published
    submit(client, "/news/manage", {"publish": "0"}, action=f"/news/manage/{item_id}/publish")
    assert client.get(f"/news/{item_id}").status_code == 404
    submit(client, "/news/manage", {"publish": "1"}, action=f"/news/manage/{item_id}/publish")
    assert client.get(f"/news/{item_id}").status_code == 200


def test_posting_without_csrf_is_refused(client, app, session):
    staff(app, client)
    response = client.post("/news/manage/new", data={"title": "x", "category": "notice", "body": "x"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(NewsItem.id))) == 0


def test_demo_news_loads_once(app, session):
    first = load_demo_news(session)
    count = session.scalar(select(func.count(NewsItem.id)))
    assert count >= 8 and "新規 0 件" not in first[0]
    assert {i.category for i in session.scalars(select(NewsItem))} == set(NewsCategory)
    assert "新規 0 件" in load_demo_news(session)[0]
    assert session.scalar(select(func.count(NewsItem.id))) == count
