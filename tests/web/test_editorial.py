"""職員 editing with history and review (issue 18): the /staff/ home, a draft apart from the live
version, a revision per save, diff, revert, submit → approve / return, roles, the lock, major and
minor changes (更新日 and alerts), scheduled publishing by a real worker, importer proposals."""

from __future__ import annotations

from datetime import timedelta

import re

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Revision, Role, Support, User
from tests.factories import add_supports, support_record
from tests.helpers import submit, text
from tests.queues import queued_app  # noqa: F401
from tests.web.test_accounts import login, make_user

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def measure(session):
    (support_id,) = add_supports(session, support_record("ものづくり補助金", summary="設備投資を支援", purpose=[1],
                                                         body="元の本文"))
    return support_id


def staff(app, client, email="editor@example.jp", publisher=False):
    make_user(app, email, role=Role.STAFF, display_name=email.split("@")[0])
    if publisher:
        with app.app_context():
            from portal.db import get_session

            s = get_session()
            s.scalar(select(User).where(User.email == email)).editor_role = "publisher"
            s.commit()
    client._cookies.clear()  # a new browser session for the next account
    login(client, email)


def form_of(support_id: int, **changes) -> dict:
    data = {"title": "ものづくり補助金", "summary": "設備投資を支援", "body": "元の本文", "tag_purpose": ["1"], "note": ""}
    data.update(changes)
    return data


def edit(client, support_id, **changes):
    return submit(client, f"/staff/supports/{support_id}/edit", form_of(support_id, **changes))


def revisions(session, support_id):
    session.expire_all()
    return list(session.scalars(select(Revision).where(Revision.kind == "support", Revision.object_id == support_id)
                                .order_by(Revision.number)))


def test_staff_home_is_for_staff_only(app, client):
    assert client.get("/staff/").status_code == 302  # the log-in page
    make_user(app, "biz@example.jp")
    login(client, "biz@example.jp")
    assert client.get("/staff/").status_code == 403
    staff(app, client)
    page = text(client.get("/staff/"))
    for link in ("/staff/supports", "/staff/articles", "/news/manage", "/staff/clients/"):
        assert f'href="{link}"' in page
    assert "確認を待っているもの" in page and "あなたの下書き" in page and "公開予約" in page


def test_form_shows_every_field_with_labelled_checkboxes_and_keeps_what_was_typed(app, client, measure):
    staff(app, client)
    page = text(client.get(f"/staff/supports/{measure}/edit"))
    assert 'value="ものづくり補助金"' in page
    assert re.search(r'<input checked id="tag_purpose-\d+" name="tag_purpose" type="checkbox" value="1">', page)
    assert re.search(r'<label class="checkbox" for="tag_prefecture-\d+"><input id="tag_prefecture-\d+" name="tag_prefecture" '
                     r'type="checkbox" value="26"> 京都府</label>', page)  # labelled checkboxes, never raw ids
    bad = edit(client, measure, title="新しい名称", reception_start="2026-13-40", max_employees="三百",
               application_url="javascript:alert(1)")
    assert bad.status_code == 422
    html = text(bad)
    assert "日付は 2026-04-01 のように入力してください。" in html and "半角の数字で入力してください" in html
    assert "http:// か https:// で始まるURL" in html
    assert 'value="新しい名称"' in html and 'value="2026-13-40"' in html and 'value="三百"' in html


def test_preview_renders_the_markdown_sanitised_and_saves_nothing(app, client, session, measure):
    staff(app, client)
    page = edit(client, measure, body="**太字**<script>alert(1)</script>", action="preview")
    assert page.status_code == 200
    html = text(page)
    assert "<strong>太字</strong>" in html and "<script>alert(1)</script>" not in html
    assert revisions(session, measure) == []


def test_save_makes_a_draft_apart_from_the_live_version_and_a_revision_per_save(app, client, session, measure):
    staff(app, client)
    assert edit(client, measure, title="ものづくり補助金（第20次）", note="回次を追記").status_code == 303
    assert edit(client, measure, title="ものづくり補助金（第21次）", note="回次を直す").status_code == 303
    revs = revisions(session, measure)
    assert [(r.number, r.state, r.note) for r in revs] == [
        (1, "published", "取り込み時の内容"), (2, "draft", "回次を追記"), (3, "draft", "回次を直す")]
    assert revs[2].author.email == "editor@example.jp"
    public = text(client.get(f"/supports/{measure}"))
    assert "第21次" not in public and "ものづくり補助金" in public
    assert session.get(Support, measure).title == "ものづくり補助金"
    # the editor starts from the newest draft
    assert 'value="ものづくり補助金（第21次）"' in text(client.get(f"/staff/supports/{measure}/edit"))
    history = text(client.get(f"/staff/supports/{measure}/history"))
    assert "回次を追記" in history and "回次を直す" in history and "第3版" in history
    events = session.scalars(select(AuditEvent.event).where(AuditEvent.event.like("editorial.%"))).all()
    assert events.count("editorial.save") == 2


def test_diff_shows_both_sides_and_revert_is_a_new_revision(app, client, session, measure):
    staff(app, client)
    edit(client, measure, body="一行目\n二行目", note="本文を書き直す")
    revs = revisions(session, measure)
    diff = text(client.get(f"/staff/supports/{measure}/diff?a={revs[0].id}&b={revs[1].id}"))
    assert "<del>元の本文</del>" in diff and "<ins>一行目</ins>" in diff and "<ins>二行目</ins>" in diff
    assert "名称・タイトル" not in diff  # unchanged fields are not listed
    assert client.get(f"/staff/supports/{measure}/diff?a=999999").status_code == 404
    reverted = submit(client, f"/staff/supports/{measure}/history", {"revision": revs[0].id},
                      action=f"/staff/supports/{measure}/revert")
    assert reverted.status_code == 303
    revs = revisions(session, measure)
    assert len(revs) == 3 and revs[2].data["body"] == "元の本文" and revs[2].note == "第1版の内容に戻しました"
    assert revs[1].data["body"] == "一行目\n二行目"  # history is never rewritten


def _action(client, measure, name, **data):
    return submit(client, f"/staff/supports/{measure}/history", data, action=f"/staff/supports/{measure}/{name}")


def test_submit_locks_an_editor_cannot_publish_and_a_publisher_approves_or_returns(app, client, session, measure):
    staff(app, client)
    edit(client, measure, title="ものづくり補助金（改）", note="名称変更")
    assert _action(client, measure, "submit").status_code == 303
    locked = edit(client, measure, title="また変える")
    assert locked.status_code == 409 and "確認が終わるまで編集できません" in text(locked)
    assert _action(client, measure, "review", decision="approve").status_code == 403
    assert _action(client, measure, "publish").status_code == 403
    assert session.get(Support, measure).title == "ものづくり補助金"

    staff(app, client, "publisher@example.jp", publisher=True)
    home = text(client.get("/staff/"))
    assert "ものづくり補助金（改）" in home and "確認待ち" in home  # waiting for review
    returned = _action(client, measure, "review", decision="return", comment="")
    assert returned.status_code == 303 and revisions(session, measure)[-1].state == "submitted"  # a comment is needed
    _action(client, measure, "review", decision="return", comment="出典を確認してください")
    rev = revisions(session, measure)[-1]
    assert rev.state == "returned" and rev.review_comment == "出典を確認してください"
    assert rev.reviewer.email == "publisher@example.jp"
    assert edit(client, measure, title="ものづくり補助金（改）", note="出典を確認").status_code == 303  # unlocked
    _action(client, measure, "submit")
    assert _action(client, measure, "review", decision="approve", comment="確認しました").status_code == 303
    session.expire_all()
    assert session.get(Support, measure).title == "ものづくり補助金（改）"
    assert revisions(session, measure)[-1].state == "published"
    assert "ものづくり補助金（改）" in text(client.get(f"/supports/{measure}"))
    events = set(session.scalars(select(AuditEvent.event).where(AuditEvent.event.like("editorial.%"))))
    assert {"editorial.save", "editorial.submit", "editorial.return", "editorial.approve"} <= events


def test_only_a_major_change_moves_the_public_date_and_the_alert_version(app, client, session, measure, clock):
    before = session.get(Support, measure)
    updated, imported = before.updated_at, before.imported_at
    staff(app, client, "publisher@example.jp", publisher=True)
    clock.advance(days=3)
    edit(client, measure, summary="誤字を直しました", note="誤字")
    _action(client, measure, "publish")  # the skip: a 公開者 publishes without review
    session.expire_all()
    support = session.get(Support, measure)
    assert support.summary == "誤字を直しました"
    assert (support.updated_at, support.imported_at) == (updated, imported)
    clock.advance(days=1)
    edit(client, measure, summary="補助上限を引き上げ", major="y", note="上限額の変更")
    _action(client, measure, "publish")
    session.expire_all()
    support = session.get(Support, measure)
    assert support.updated_at == clock.now() and support.imported_at == clock.now()


def test_a_major_change_alerts_a_matching_saved_search_and_a_minor_one_does_not(app, client, session, measure, clock):
    from portal.notify.alerts import find_alerts

    make_user(app, "alert@example.jp")
    login(client, "alert@example.jp")
    assert submit(client, "/mylist/searches/new?kind=support&query=purpose%3D1",
                  {"kind": "support", "name": "設備", "query": "purpose=1"}, action="/mylist/searches").status_code == 303
    clock.advance(minutes=5)
    staff(app, client, "publisher@example.jp", publisher=True)
    edit(client, measure, summary="軽微な修正")
    _action(client, measure, "publish")
    session.expire_all()
    with app.test_request_context():
        assert [a for a in find_alerts(session, clock.now(), clock.today(), timedelta(minutes=4)) if a.kind == "search"] == []
    clock.advance(minutes=5)
    edit(client, measure, summary="重要な修正", major="y")
    _action(client, measure, "publish")
    session.expire_all()
    with app.test_request_context():
        alerts = [a for a in find_alerts(session, clock.now(), clock.today(), timedelta(minutes=4)) if a.kind == "search"]
    assert [a.support_id for a in alerts] == [measure]


def test_scheduled_publish_runs_in_a_real_worker(app, client, session, measure, clock, queued_app):
    from portal.jobs.sweeper import tick
    from tests.queues import drain

    staff(app, client, "publisher@example.jp", publisher=True)
    edit(client, measure, title="予約された名称", note="予約")
    _action(client, measure, "submit")
    at = clock.now_jst() + timedelta(hours=2)
    assert _action(client, measure, "review", decision="approve",
                   publish_at=at.strftime("%Y-%m-%dT%H:%M")).status_code == 303
    assert revisions(session, measure)[-1].state == "scheduled"
    assert "予約された名称" in text(client.get("/staff/"))  # under 公開予約
    assert edit(client, measure, title="割り込み").status_code == 409  # locked while scheduled
    worker = queued_app()
    tick(worker, "publishing", "* * * * *")
    drain(worker)
    session.expire_all()
    assert session.get(Support, measure).title == "ものづくり補助金"  # not yet due
    clock.advance(hours=2, minutes=1)
    tick(worker, "publishing", "* * * * *")
    assert drain(worker) >= 1
    session.expire_all()
    assert session.get(Support, measure).title == "予約された名称"
    assert revisions(session, measure)[-1].state == "published"


def test_importer_update_to_an_edited_measure_waits_as_a_proposal(app, client, session, measure):
    from portal.content.services import import_supports

    staff(app, client)
    edit(client, measure, summary="職員が書いた概要", note="概要を書き直す")
    _action(client, measure, "submit")
    staff(app, client, "publisher@example.jp", publisher=True)
    _action(client, measure, "review", decision="approve")
    source_id = session.get(Support, measure).source_id
    import_supports(session, [support_record("ものづくり補助金", source_id=source_id, summary="取り込み元の概要", purpose=[1])])
    session.commit()
    session.expire_all()
    assert session.get(Support, measure).summary == "職員が書いた概要"
    rev = revisions(session, measure)[-1]
    assert rev.state == "proposed" and rev.origin == "import" and rev.data["summary"] == "取り込み元の概要"
    assert "ものづくり補助金" in text(client.get("/staff/"))
    _action(client, measure, "publish")
    session.expire_all()
    assert session.get(Support, measure).summary == "取り込み元の概要"


def test_role_command(app, client):
    make_user(app, "s@example.jp", role=Role.STAFF)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["staff", "role", "s@example.jp", "publisher"])
    assert result.exit_code == 0, result.output
    make_user(app, "b@example.jp")
    assert runner.invoke(args=["staff", "role", "b@example.jp", "publisher"]).exit_code != 0


def test_an_unchanged_source_proposes_nothing_after_an_edit(app, client, session, measure):
    from portal.content.services import import_supports

    staff(app, client, "publisher@example.jp", publisher=True)
    edit(client, measure, summary="職員の概要")
    _action(client, measure, "publish")
    source_id = session.get(Support, measure).source_id
    again = support_record("ものづくり補助金", source_id=source_id, summary="設備投資を支援", purpose=[1], body="元の本文")
    import_supports(session, [again])
    session.commit()
    assert [r.state for r in revisions(session, measure)] == ["published", "published"]
    assert session.get(Support, measure).summary == "職員の概要"


def test_a_case_is_edited_with_the_measures_it_used_and_published_after_review(app, client, session, measure):
    from portal.models import Case
    from tests.factories import add_cases, case_record

    [case_id] = add_cases(session, case_record("町工場の設備更新", supports=[], company_name="株式会社テスト"))
    [other] = add_supports(session, support_record("IT導入補助金"))
    staff(app, client)
    page = text(client.get(f"/staff/cases/{case_id}/edit"))
    assert 'value="株式会社テスト"' in page and "IT導入補助金</label>" in page
    bad = submit(client, f"/staff/cases/{case_id}/edit", {"title": "町工場の設備更新", "year": "令和七年"})
    assert bad.status_code == 422 and "半角の数字で入力してください" in text(bad) and 'value="令和七年"' in text(bad)
    saved = submit(client, f"/staff/cases/{case_id}/edit", {
        "title": "町工場の設備更新と省力化", "company_name": "株式会社テスト", "year": "2025",
        "supports": [str(measure), str(other)], "tag_prefecture": ["27"], "note": "使った制度を追加", "then": "submit"})
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Case, case_id).supports == []  # the draft is not live
    staff(app, client, "publisher@example.jp", publisher=True)
    assert submit(client, f"/staff/cases/{case_id}/history", {"decision": "approve"},
                  action=f"/staff/cases/{case_id}/review").status_code == 303
    session.expire_all()
    case = session.get(Case, case_id)
    assert case.title == "町工場の設備更新と省力化" and [s.id for s in case.supports] == [measure, other]
    assert case.tag_values("prefecture") == ["27"] and case.year == 2025
    assert "町工場の設備更新と省力化" in text(client.get(f"/supports/{measure}"))  # この制度を使った事例
