"""Brand-new measures and cases made by 職員 (issue 18): the same forms, 第1版 as a draft that no
public page, list, search or API can see until a 公開者 publishes it; then it is in the search index."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.editorial.services import NEW_BASE
from portal.models import AuditEvent, Case, Revision, Support
from tests.factories import add_supports, support_record
from tests.helpers import submit, text
from tests.web.test_accounts import login, make_user
from tests.web.test_editorial import staff

pytestmark = pytest.mark.usefixtures("clock")


def again(client, email):
    client._cookies.clear()
    login(client, email)


def _count(session, model):
    session.expire_all()
    return session.scalar(select(func.count(model.id)))


def _new_revision(session, kind):
    return session.scalar(select(Revision).where(Revision.kind == kind).order_by(Revision.id.desc()).limit(1))


def test_a_new_measure_is_a_hidden_draft_until_published_then_searchable(app, client, session):
    staff(app, client)
    page = client.get("/staff/supports/new")
    assert page.status_code == 200 and "支援制度を新しく作る" in text(page) and 'name="tag_purpose"' in text(page)
    assert "支援制度を新しく作る" in text(client.get("/staff/supports"))  # the list links to it
    before = _count(session, Support)
    bad = submit(client, "/staff/supports/new", {"title": "", "summary": "かえるの補助", "max_employees": "三百"})
    assert bad.status_code == 422 and "制度の名称を入力してください" in text(bad)
    assert "かえるの補助" in text(bad) and 'value="三百"' in text(bad)  # what was typed is kept
    preview = submit(client, "/staff/supports/new", {"title": "蛙川町省エネ補助金", "body": "**省エネ**設備", "action": "preview"})
    assert preview.status_code == 200 and "<strong>省エネ</strong>" in text(preview)
    assert _count(session, Support) == before and session.scalar(select(func.count(Revision.id))) == 0

    saved = submit(client, "/staff/supports/new", {"title": "蛙川町省エネ補助金", "summary": "蛙川町の省エネ設備を補助",
                                                    "tag_purpose": ["1"], "note": "新規作成", "then": "submit"})
    assert saved.status_code == 303
    rev = _new_revision(session, "support")
    assert rev.number == 1 and rev.state == "submitted" and rev.object_id > NEW_BASE and rev.data["tags"] == {"purpose": ["1"]}
    assert saved.headers["Location"].endswith(f"/staff/supports/{rev.object_id}/history")
    assert _count(session, Support) == before  # no live row: nothing public can list it
    history = text(client.get(f"/staff/supports/{rev.object_id}/history"))
    assert "蛙川町省エネ補助金" in history and "確認待ち" in history
    assert client.get(f"/staff/supports/{rev.object_id}/diff").status_code == 200
    assert "蛙川町省エネ補助金" in text(client.get("/staff/"))  # my drafts / waiting

    client._cookies.clear()
    assert client.get(f"/supports/{rev.object_id}").status_code == 404
    assert "蛙川町省エネ補助金" not in text(client.get("/supports?q=蛙川町"))
    assert client.get(f"/api/v1/supports/{rev.object_id}").status_code == 404

    again(client, "editor@example.jp")  # the 編集者 cannot publish it
    assert submit(client, f"/staff/supports/{rev.object_id}/history", {"decision": "approve"},
                  action=f"/staff/supports/{rev.object_id}/review").status_code == 403
    staff(app, client, "publisher@example.jp", publisher=True)
    approved = submit(client, f"/staff/supports/{rev.object_id}/history", {"decision": "approve"},
                      action=f"/staff/supports/{rev.object_id}/review")
    session.expire_all()
    live = session.scalar(select(Support).where(Support.title == "蛙川町省エネ補助金"))
    assert approved.status_code == 303 and approved.headers["Location"].endswith(f"/staff/supports/{live.id}/history")
    assert live.id < NEW_BASE and live.source == "editor" and live.summary == "蛙川町の省エネ設備を補助"
    assert live.tag_values("purpose") == ["1"]
    assert [r.state for r in session.scalars(select(Revision).where(Revision.kind == "support",
                                                                   Revision.object_id == live.id))] == ["published"]
    assert "蛙川町省エネ補助金" in text(client.get(f"/staff/supports/{live.id}/history"))
    client._cookies.clear()
    assert "蛙川町の省エネ設備を補助" in text(client.get(f"/supports/{live.id}"))
    assert "蛙川町省エネ補助金" in text(client.get("/supports?q=蛙川町"))  # in the search index
    events = set(session.scalars(select(AuditEvent.event).where(AuditEvent.event.like("editorial.%"))))
    assert {"editorial.create", "editorial.submit", "editorial.approve"} <= events


def test_a_new_case_with_its_measures_published_by_a_publisher_without_review(app, client, session):
    [measure] = add_supports(session, support_record("ものづくり補助金"))
    staff(app, client, "publisher@example.jp", publisher=True)
    page = text(client.get("/staff/cases/new"))
    assert "事例を新しく作る" in page and "ものづくり補助金</label>" in page
    saved = submit(client, "/staff/cases/new", {"title": "蛙川町の町工場の省力化", "company_name": "株式会社かえる",
                                                 "year": "2025", "supports": [str(measure)], "tag_prefecture": ["27"]})
    assert saved.status_code == 303
    rev = _new_revision(session, "case")
    assert rev.state == "draft" and _count(session, Case) == 0
    edited = submit(client, f"/staff/cases/{rev.object_id}/edit", {"title": "蛙川町の町工場の省力化", "company_name": "株式会社かえる",
                                                                    "year": "2026", "supports": [str(measure)], "tag_prefecture": ["27"],
                                                                    "note": "年を直す"})
    assert edited.status_code == 303
    client._cookies.clear()
    assert client.get(f"/cases/{rev.object_id}").status_code == 404
    assert "蛙川町の町工場" not in text(client.get(f"/supports/{measure}"))
    again(client, "publisher@example.jp")
    assert submit(client, f"/staff/cases/{rev.object_id}/history", {},
                  action=f"/staff/cases/{rev.object_id}/publish").status_code == 303
    session.expire_all()
    case = session.scalar(select(Case).where(Case.title == "蛙川町の町工場の省力化"))
    assert case.year == 2026 and [s.id for s in case.supports] == [measure] and case.tag_values("prefecture") == ["27"]
    assert [r.number for r in session.scalars(select(Revision).where(Revision.kind == "case", Revision.object_id == case.id)
                                              .order_by(Revision.number))] == [1, 2]
    client._cookies.clear()
    assert "株式会社かえる" in text(client.get(f"/cases/{case.id}"))
    assert "蛙川町の町工場の省力化" in text(client.get(f"/supports/{measure}"))  # この制度を使った事例


def test_an_unknown_staging_id_is_404(app, client):
    staff(app, client)
    assert client.get(f"/staff/supports/{NEW_BASE + 999}/history").status_code == 404
    assert client.get(f"/staff/cases/{NEW_BASE + 999}/edit").status_code == 404


# --- related measures chosen by search ---------------------------------------------------------

def test_related_measures_are_found_by_search_kept_as_typed_and_applied_on_publish(app, client, session):
    main, it, other = add_supports(session, support_record("ものづくり補助金", summary="設備投資"),
                                   support_record("IT導入補助金"), support_record("IT人材育成助成"))
    staff(app, client, "publisher@example.jp", publisher=True)
    url = f"/staff/supports/{main}/edit"
    page = text(client.get(url))
    assert 'name="related_q"' in page and "関連する支援制度はまだありません" in page

    # without JavaScript: the search button re-renders the form, nothing typed is lost, nothing saved
    found = submit(client, url, {"title": "ものづくり補助金（改）", "summary": "設備投資", "related_q": "IT",
                                 "related_shown": "1", "action": "related"})
    body = text(found)
    assert found.status_code == 200 and 'value="ものづくり補助金（改）"' in body
    assert "IT導入補助金</label>" in body and "IT人材育成助成</label>" in body and "「IT」に一致する制度：2件" in body
    assert 'ものづくり補助金</label>' not in body  # never related to itself
    assert session.scalar(select(func.count(Revision.id))) == 0

    # a plain GET (bookmarkable, what htmx asks for) searches too; htmx gets only the picker
    assert "IT導入補助金</label>" in text(client.get(f"{url}?related_q=IT導入"))
    fragment = client.get(f"{url}?related_q=IT導入&related_shown=1&related={other}", headers={"HX-Request": "true"})
    piece = text(fragment)
    assert fragment.status_code == 200 and "<html" not in piece and 'id="related-picker"' in piece
    assert re.search(rf'<input[^>]*checked[^>]*value="{other}"|<input[^>]*value="{other}"[^>]*checked', piece)
    assert "IT導入補助金</label>" in piece  # the ticked one stays, the found one is offered

    saved = submit(client, url, {"title": "ものづくり補助金", "summary": "設備投資", "related_shown": "1",
                                 "related": [str(it)], "note": "関連制度を追加"})
    assert saved.status_code == 303
    rev = _new_revision(session, "support")
    assert rev.data["related"] == [{"title": "IT導入補助金", "url": "", "source": "test", "source_id": rev.data["related"][0]["source_id"]}]
    client._cookies.clear()
    assert "IT導入補助金" not in text(client.get(f"/supports/{main}"))  # a draft: not live yet
    again(client, "publisher@example.jp")
    assert "IT導入補助金" in text(client.get(url))  # the draft is what the editor continues from
    assert "関連する支援制度" in text(client.get(f"/staff/supports/{main}/diff"))
    submit(client, f"/staff/supports/{main}/history", {}, action=f"/staff/supports/{main}/publish")
    client._cookies.clear()
    public = client.get(f"/supports/{main}").get_data(as_text=True)
    assert f'href="/supports/{it}"' in public and "関連する支援制度" in public


# --- the audit log screen ----------------------------------------------------------------------

def test_the_audit_log_shows_who_when_what_which_item_filtered_by_kind_and_paginated(app, client, session, clock):
    from portal.accounts.services import record_event
    from portal.models import User

    clock.set_jst(2026, 5, 1, 10, 30)
    [measure] = add_supports(session, support_record("ものづくり補助金"))
    staff(app, client, "publisher@example.jp", publisher=True)
    submit(client, f"/staff/supports/{measure}/edit", {"title": "ものづくり補助金（改）", "note": "名称を直す"})
    submit(client, f"/staff/supports/{measure}/history", {}, action=f"/staff/supports/{measure}/publish")
    submit(client, "/staff/cases/new", {"title": "蛙川町の町工場"})
    record_event(session, "login.success", None, detail="not editorial")  # other events stay out
    session.commit()

    page = client.get("/staff/audit")
    body = text(page)
    assert page.status_code == 200 and "編集の記録" in body and "not editorial" not in body
    assert "下書きを保存" in body and "確認を省いて公開" in body and "新しく作成" in body
    assert "publisher" in body and "2026年5月1日" in body  # who (display name) and when (JST)
    assert f'href="/staff/supports/{measure}/history"' in body and "名称を直す" in body
    assert "蛙川町の町工場" in body and "（公開前に作成）" in body

    only_cases = text(client.get("/staff/audit?kind=case"))
    assert "蛙川町の町工場" in only_cases and "ものづくり補助金" not in only_cases
    assert "ものづくり補助金" in text(client.get("/staff/audit?kind=nonsense"))  # an unknown kind: everything

    publisher = session.scalar(select(User).where(User.email == "publisher@example.jp"))
    for n in range(60):
        record_event(session, "editorial.save", publisher, detail=f"article:{900 + n} 第1版 記事{n:02d}")
        clock.advance(seconds=1)
    session.commit()
    first = text(client.get("/staff/audit?kind=article"))
    assert "記事59" in first and "記事10" in first and "記事09" not in first and "2ページ中 1ページ目" in first
    second = text(client.get("/staff/audit?kind=article&page=2"))
    assert "記事09" in second and "記事00" in second and "記事10" not in second
    assert "記事00" in text(client.get("/staff/audit?kind=article&page=99"))  # past the end: the last page
    assert client.get("/staff/audit?page=abc").status_code == 200

    client._cookies.clear()
    assert client.get("/staff/audit").status_code == 302  # the log-in page
    make_user(app, "owner@example.jp")
    login(client, "owner@example.jp")
    assert client.get("/staff/audit").status_code == 403
