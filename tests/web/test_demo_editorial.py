"""Issue 18's demo content and its "done when": `portal seed` loads 20+ articles linked to the demo
measures they name, a demo 公開者 and a short history of a few demo measures (once); then a 職員
edits a measure, submits it, the 公開者 approves a major change, and a business whose saved search
matches gets the alert."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.models import Article, Revision, Support, User
from portal.seed import DEMO_PASSWORD
from tests.helpers import submit, text
from tests.web.test_accounts import login, make_user


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_loads_articles_linked_to_the_measures_they_name_and_a_history(app, session, clock):
    first = seed(app)
    assert "経営お役立ちコンテンツ: 新規" in first and "publisher@example.jp" in first
    articles = session.scalars(select(Article)).all()
    assert len(articles) >= 20 and all(a.is_published for a in articles)
    assert all(a.supports for a in articles)
    assert len({a.category for a in articles}) == 8
    gbiz = session.scalar(select(Support).where(Support.source_id == "demo-s-069"))
    assert any(a.key == "guide-gbizid" for a in session.scalars(
        select(Article).where(Article.supports.any(Support.id == gbiz.id))))
    assert "2週間" in session.scalar(select(Article.body).where(Article.key == "guide-gbizid"))
    states = [r.state for r in session.scalars(select(Revision).where(Revision.kind == "support",
                                                                      Revision.object_id == gbiz.id)
                                               .order_by(Revision.number))]
    assert states == ["published", "published"]
    assert session.scalar(select(User).where(User.email == "publisher@example.jp")).is_publisher
    again = seed(app)
    assert "経営お役立ちコンテンツ: 新規 0 件" in again
    session.expire_all()
    assert session.scalar(select(func.count(Article.id))) == len(articles)
    assert session.scalar(select(func.count(Revision.id))) == len(articles) + 6  # 3 measures × 2 versions


def test_done_when_an_edit_is_approved_as_major_and_the_saved_search_is_alerted(app, client, session, clock):
    seed(app)
    app.config["NOTIFY_DIGEST_HOUR"] = 0
    measure = session.scalar(select(Support).where(Support.source_id == "demo-s-016"))  # よろず支援拠点
    make_user(app, email="alert@example.jp")
    login(client, email="alert@example.jp")
    assert submit(client, "/mylist/searches/new?kind=support&query=q%3D%E3%82%88%E3%82%8D%E3%81%9A",
                  {"kind": "support", "name": "よろずの相談", "query": "q=よろず"}, action="/mylist/searches").status_code == 303
    clock.advance(minutes=5)

    editor = app.test_client()
    login(editor, email="staff@example.jp", password=DEMO_PASSWORD)
    assert f'value="{measure.title}"' in text(editor.get(f"/staff/supports/{measure.id}/edit"))
    data = {"title": measure.title, "summary": measure.summary + "オンライン相談も受け付けています。",
            "body": measure.body, "note": "オンライン相談を追記", "major": "y", "then": "submit"}
    for kind in ("purpose", "stage", "service", "subkind", "industry", "prefecture"):
        data[f"tag_{kind}"] = measure.tag_values(kind)
    for name in ("target", "usage", "inquiry", "reference", "support_organization", "application_url", "source_url"):
        data[name] = getattr(measure, name)
    assert submit(editor, f"/staff/supports/{measure.id}/edit", data).status_code == 303
    assert "オンライン相談も受け付けています" not in text(client.get(f"/supports/{measure.id}"))

    publisher = app.test_client()
    login(publisher, email="publisher@example.jp", password=DEMO_PASSWORD)
    assert measure.title in text(publisher.get("/staff/"))  # waiting for review
    assert submit(publisher, f"/staff/supports/{measure.id}/history", {"decision": "approve", "comment": "OK"},
                  action=f"/staff/supports/{measure.id}/review").status_code == 303
    assert "オンライン相談も受け付けています" in text(client.get(f"/supports/{measure.id}"))

    result = app.test_cli_runner().invoke(args=["notify", "--inline"])
    assert result.exit_code == 0, result.output
    inbox = text(client.get("/inbox"))
    assert measure.title in inbox and "よろずの相談" in inbox
