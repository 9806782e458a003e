"""経営お役立ちコンテンツ (issue 18): drafts hidden, search with the navi's Japanese rules (京都 ≠ 東京都),
category facets, htmx and plain pages, links to and from measures, the Atom feed, the API and its
OpenAPI description, editing with revisions and scheduled unpublishing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.content.indexing import record_changes
from portal.models import Article, Revision, Role, Support
from tests.factories import add_supports, support_record
from tests.helpers import submit, text
from tests.queues import queued_app  # noqa: F401
from tests.web.test_accounts import login, make_user

pytestmark = pytest.mark.usefixtures("clock")

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def content(session):
    [open_measure, closed] = add_supports(
        session, support_record("京都府中小企業設備補助金", reception_start=date(2026, 1, 1), reception_end=date(2027, 3, 31)),
        support_record("終わった補助金", reception_start=date(2020, 1, 1), reception_end=date(2020, 3, 31)))
    now = clock.now()
    kyoto = Article(category="basics", title="京都で使える補助金の探し方", summary="府の制度の調べ方",
                    body="京都府の補助金を探すには……", published_at=now - timedelta(days=2), updated_at=now - timedelta(days=2),
                    supports=[session.get(Support, open_measure), session.get(Support, closed)])
    tokyo = Article(category="finance", title="東京都の制度融資", summary="信用保証つきの融資",
                    body="東京都の制度融資は……", published_at=now - timedelta(days=1), updated_at=now - timedelta(days=1))
    draft = Article(category="basics", title="京都の下書き記事", body="まだ秘密", supports=[session.get(Support, open_measure)])
    session.add_all([kyoto, tokyo, draft])
    session.flush()
    record_changes(session, "articles", [kyoto.id, tokyo.id, draft.id])
    session.commit()
    return {"kyoto": kyoto.id, "tokyo": tokyo.id, "draft": draft.id, "measure": open_measure, "closed": closed}


def titles(page: str) -> list[str]:
    import re

    return re.findall(r'<h2 class="result__title"><a href="[^"]*">([^<]+)</a></h2>', page)


def test_list_shows_published_articles_only_and_a_draft_is_404(client, content):
    page = text(client.get("/articles/"))
    assert titles(page) == ["東京都の制度融資", "京都で使える補助金の探し方"]
    assert "京都の下書き記事" not in page
    assert client.get(f"/articles/{content['draft']}").status_code == 404
    assert client.get(f"/api/v1/articles/{content['draft']}").status_code == 404
    assert client.get(f"/articles/{content['kyoto']}").status_code == 200


def test_search_follows_the_navi_s_japanese_rules(client, content):
    assert titles(text(client.get("/articles/?q=京都"))) == ["京都で使える補助金の探し方"]  # 東京都 is not 京都
    assert titles(text(client.get("/articles/?q=東京都"))) == ["東京都の制度融資"]
    assert titles(text(client.get("/articles/?q=下書き"))) == []


def test_category_facet_is_bookmarkable_and_htmx_gets_only_the_results(client, content):
    page = text(client.get("/articles/?category=finance"))
    assert titles(page) == ["東京都の制度融資"]
    assert "資金繰り・融資（1）" in page and "補助金・助成金の基礎（1）" in page
    fragment = text(client.get("/articles/?category=basics", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<section id="article-results"') and "<html" not in fragment
    assert titles(fragment) == ["京都で使える補助金の探し方"]
    assert client.get("/articles/?category=nothing").status_code == 200  # an unknown category is ignored


def test_measure_page_lists_its_articles_and_the_article_its_measures_with_status(client, content):
    measure = text(client.get(f"/supports/{content['measure']}"))
    assert "この制度に関する記事" in measure and "京都で使える補助金の探し方" in measure
    assert "京都の下書き記事" not in measure
    article = text(client.get(f"/articles/{content['kyoto']}"))
    assert "記事で紹介した制度" in article
    assert f'href="/supports/{content["measure"]}"' in article and "京都府中小企業設備補助金" in article
    assert "公募中" in article and "受付終了" in article


def test_api_lists_and_shows_articles_as_the_openapi_file_says(client, content):
    listing = client.get("/api/v1/articles?q=京都").get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == content["kyoto"]
    assert client.get("/api/v1/articles?category=nothing").status_code == 400
    assert client.get("/api/v1/articles?page=0").status_code == 400
    detail = client.get(f"/api/v1/articles/{content['kyoto']}").get_json()
    assert detail["category"] == "basics" and "<p>" in detail["body_html"]
    assert [s["id"] for s in detail["supports"]] == [content["measure"], content["closed"]]
    assert detail["supports"][1]["status"] == "closed"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/articles", "/articles/{id}"} <= set(spec["paths"])
    required = spec["components"]["schemas"]["ArticleSummary"]["required"]
    assert set(required) <= set(listing["items"][0])


def test_atom_feed_parses_and_holds_published_articles(client, content):
    response = client.get("/articles/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    entries = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert entries == ["東京都の制度融資", "京都で使える補助金の探し方"]
    assert all(e.find(f"{ATOM}id").text.startswith("http") for e in root.findall(f"{ATOM}entry"))


def _staff(app, client, email, publisher=False):
    make_user(app, email, role=Role.STAFF)
    if publisher:
        assert app.test_cli_runner().invoke(args=["staff", "role", email, "publisher"]).exit_code == 0
    client._cookies.clear()
    login(client, email)


def test_an_article_is_written_as_a_draft_reviewed_and_published(app, client, session, content):
    _staff(app, client, "writer@example.jp")
    bad = submit(client, "/staff/articles/new", {"title": "", "category": "", "body": "", "summary": "概要だけ"})
    assert bad.status_code == 422
    page = text(bad)
    assert "タイトルを入力してください。" in page and "カテゴリを選んでください。" in page and "本文を入力してください。" in page
    assert "\n概要だけ</textarea>" in page  # nothing typed is lost
    created = submit(client, "/staff/articles/new", {"title": "インボイス制度の基本", "category": "tax",
                                                     "body": "適格請求書とは……", "supports": [str(content["measure"])],
                                                     "note": "初稿", "then": "submit"})
    assert created.status_code == 303
    article = session.scalar(select(Article).where(Article.title == "インボイス制度の基本"))
    assert article.published_at is None
    assert "インボイス制度の基本" not in titles(text(client.get("/articles/")))
    _staff(app, client, "chief@example.jp", publisher=True)
    approved = submit(client, f"/staff/articles/{article.id}/history", {"decision": "approve"},
                      action=f"/staff/articles/{article.id}/review")
    assert approved.status_code == 303
    session.expire_all()
    assert session.get(Article, article.id).published_at == clock.now()
    assert [s.id for s in session.get(Article, article.id).supports] == [content["measure"]]
    assert titles(text(client.get("/articles/?q=インボイス"))) == ["インボイス制度の基本"]
    assert "インボイス制度の基本" in text(client.get(f"/supports/{content['measure']}"))
    revs = session.scalars(select(Revision).where(Revision.kind == "article", Revision.object_id == article.id)).all()
    assert [(r.number, r.state, r.note) for r in revs] == [(1, "published", "初稿")]


def test_scheduled_unpublish_takes_an_article_down(app, session, content, clock):
    from portal.editorial.services import run_scheduled

    kyoto = session.get(Article, content["kyoto"])
    kyoto.unpublish_at = clock.now() + timedelta(hours=1)
    session.commit()
    assert run_scheduled(session) == {"published": 0, "unpublished": 0}
    clock.advance(hours=1)
    assert run_scheduled(session) == {"published": 0, "unpublished": 1}
    session.commit()
    assert session.get(Article, content["kyoto"]).published_at is None


def test_recommend_offers_articles_naming_the_recommended_measures_then_for_weak_indicators(app, session, content):
    from portal.articles.services import suggestions

    found = suggestions(session, {content["measure"]: "京都府中小企業設備補助金"}, [("equity_ratio", "自己資本比率が低め")])
    assert [(s.article.id, s.reason) for s in found] == [
        (content["kyoto"], "おすすめの制度「京都府中小企業設備補助金」を紹介しています"),
        (content["tokyo"], "ロカベンの「自己資本比率が低め」に役立つ記事です")]
    assert suggestions(session, {}, []) == []
    assert all(s.article.id != content["draft"] for s in suggestions(session, {content["measure"]: "x"}, []))


def test_recommend_page_still_answers_for_a_visitor(client, content):
    page = client.get("/recommend/")
    assert page.status_code == 200
    assert client.get("/recommend/", headers={"HX-Request": "true"}).status_code == 200


def test_an_article_s_unpublish_time_is_edited_reviewed_and_then_runs_in_a_real_worker(app, client, session, content,
                                                                                        clock, queued_app):
    from portal.jobs.sweeper import tick
    from tests.queues import drain

    _staff(app, client, "chief@example.jp", publisher=True)
    base = {"title": "京都で使える補助金の探し方", "category": "basics", "body": "京都府の補助金を探すには……"}
    bad = submit(client, f"/staff/articles/{content['kyoto']}/edit", {**base, "unpublish_at": "来年の春"})
    assert bad.status_code == 422 and "日時は 2026-04-01T09:00 のように入力してください。" in text(bad)
    assert 'value="来年の春"' in text(bad)
    until = (clock.now_jst() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    assert submit(client, f"/staff/articles/{content['kyoto']}/edit", {**base, "unpublish_at": until}).status_code == 303
    submit(client, f"/staff/articles/{content['kyoto']}/history", {}, action=f"/staff/articles/{content['kyoto']}/publish")
    session.expire_all()
    assert session.get(Article, content["kyoto"]).unpublish_at is not None
    worker = queued_app()
    clock.advance(hours=3, minutes=1)
    tick(worker, "publishing", "* * * * *")
    assert drain(worker) >= 1
    session.expire_all()
    assert session.get(Article, content["kyoto"]).published_at is None
    assert client.get(f"/articles/{content['kyoto']}").status_code == 404
