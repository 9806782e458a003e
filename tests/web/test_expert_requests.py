"""専門家派遣依頼 over HTTP: the business asks, the agency accepts, schedules and reports, the business
confirms and rates; suggestions with their reasons; consent and the log of what the agency read;
another business and another agency get 404 on every route of a request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import (ExpertRequest, ExpertRequestRead, ExpertRequestTransition, Notification,
                           RequestState as S, Role)
from tests.business_factories import (VALID_NUMBERS, make_account, make_agency, signed_in_owner,
                                      signed_in_supporter)
from tests.helpers import csrf_from, submit, text

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def world(app, session):
    agency = make_agency(session, "109913000101", "みなと経営支援センター", prefecture="13", regions=["13"],
                         specialties=["資金繰り", "事業承継"])
    other_agency = make_agency(session, "109913000202", "やまびこ会計事務所", prefecture="27", regions=["27"])
    owner_client = app.test_client()
    owner, business = signed_in_owner(owner_client, session, email="owner@example.jp", prefecture="13",
                                      industry="E")
    supporter_client = app.test_client()
    supporter = signed_in_supporter(supporter_client, session, agency, email="shien1@example.jp")
    colleague = make_account(session, "shien2@example.jp", role=Role.SUPPORTER)
    from portal import store

    store.add_agency_member(session, agency, colleague)
    session.commit()
    stranger_client = app.test_client()
    signed_in_owner(stranger_client, session, email="other@example.jp", number=VALID_NUMBERS[1], name="別商店")
    rival_client = app.test_client()
    signed_in_supporter(rival_client, session, other_agency, email="rival@example.jp")
    return dict(session=session, agency=agency, other_agency=other_agency, owner=owner, business=business,
                owner_client=owner_client, supporter=supporter, supporter_client=supporter_client,
                colleague=colleague, stranger=stranger_client, rival=rival_client)


def _send(w, **extra):
    data = {"themes": ["cash"], "description": "資金繰りの相談です", "format": "visit", "preferred_dates": "平日午後",
            "sections": ["basic"], "agency_id": str(w["agency"].id), "action": "send", **extra}
    response = submit(w["owner_client"], "/expert-requests/new", data)
    assert response.status_code == 303, text(response)
    return w["session"].scalars(select(ExpertRequest).order_by(ExpertRequest.id.desc())).first()


def test_the_form_is_prefilled_and_suggests_the_agency_with_its_reason(world):
    page = text(world["owner_client"].get("/expert-requests/new?support=0"))
    assert "会社名：株式会社テスト商事" in page and "業種：" in page
    assert "みなと経営支援センター" in page and "おすすめの理由：対応地域：東京都" in page
    assert "やまびこ会計事務所" not in page  # serves 大阪府 only
    assert "資金繰り：残り3回（3回まで）" in page and "IT・DX：残り5回（5回まで）" in page


def test_the_suggestion_names_matching_specialties(world):
    from portal.experts.services import suggest_agencies

    [first] = suggest_agencies(world["session"], world["business"], ["cash", "succession"])
    assert first.agency.id == world["agency"].id
    assert first.reason == "対応地域：東京都／得意分野：資金繰り・事業承継／種別：税理士"


def test_a_draft_is_kept_with_what_was_typed(world):
    response = submit(world["owner_client"], "/expert-requests/new",
                      {"themes": ["it_dx"], "description": "ホームページを作りたい", "format": "online",
                       "action": "draft"})
    assert response.status_code == 303
    draft = world["session"].scalar(select(ExpertRequest))
    assert (draft.state, draft.themes, draft.format.value) == (S.DRAFT, ["it_dx"], "online")
    page = text(world["owner_client"].get(f"/expert-requests/{draft.id}/edit"))
    assert "ホームページを作りたい" in page
    # a 下書き is never the agency's
    assert world["supporter_client"].get(f"/agency/expert-requests/{draft.id}").status_code == 404


def test_over_the_allowance_is_refused_with_the_reason(world):
    for _ in range(3):
        _send(world)
    response = submit(world["owner_client"], "/expert-requests/new",
                      {"themes": ["cash"], "description": "4回目", "format": "visit", "agency_id": str(world["agency"].id),
                       "action": "send"})
    assert response.status_code == 422
    assert "「資金繰り」は" in text(response) and "上限（3回）まで依頼済みです" in text(response)
    kept = world["session"].scalars(select(ExpertRequest).order_by(ExpertRequest.id.desc())).first()
    assert (kept.state, kept.description) == (S.DRAFT, "4回目")


def test_the_whole_flow_with_timeline_reads_and_rating(world, clock):
    w = world
    request = _send(w)
    assert request.state is S.SENT
    note = w["session"].scalar(select(Notification).where(Notification.user_id == w["supporter"].id))
    assert note.key == f"expert:{request.id}:sent" and note.url == f"/agency/expert-requests/{request.id}"

    inbox = text(w["supporter_client"].get("/agency/expert-requests/"))
    assert "株式会社テスト商事：資金繰り" in inbox and "新着（1）" in inbox
    page = text(w["supporter_client"].get(f"/agency/expert-requests/{request.id}"))
    assert "基本情報" in page and "事業財務情報" not in page.split("事業者が見せてよいとした事業データ")[1]
    [read] = w["session"].scalars(select(ExpertRequestRead))
    assert (read.user_id, read.sections) == (w["supporter"].id, ["basic"])
    assert "shien1@example.jp：基本情報" in text(w["owner_client"].get(f"/expert-requests/{request.id}"))

    url = f"/agency/expert-requests/{request.id}"
    assert submit(w["supporter_client"], url, {}, action=f"{url}/accept").status_code == 303
    assert submit(w["supporter_client"], url, {"assignee": str(w["colleague"].id)},
                  action=f"{url}/assign").status_code == 303
    day = clock.today().replace(day=1)
    from datetime import timedelta

    visit = (day + timedelta(days=40)).isoformat()
    bad = submit(w["supporter_client"], url, {"visit_on": visit, "visit_time": "25:00", "expert_name": "山田"},
                 action=f"{url}/schedule")
    assert bad.status_code == 422 and "開始時刻は 14:00 のように" in text(bad)
    assert submit(w["supporter_client"], url, {"visit_on": visit, "visit_time": "14:00", "visit_place": "本社会議室",
                                               "expert_name": "山田 花子"}, action=f"{url}/schedule").status_code == 303
    for client, path in ((w["supporter_client"], f"{url}/calendar.ics"),
                         (w["owner_client"], f"/expert-requests/{request.id}/calendar.ics")):
        ics = client.get(path)
        assert ics.status_code == 200 and ics.mimetype == "text/calendar"
        body = text(ics)
        assert f"DTSTART;TZID=Asia/Tokyo:{visit.replace('-', '')}T140000" in body and "LOCATION:本社会議室" in body
    assert submit(w["supporter_client"], url, {"discussed": "資金繰り表", "advice": "月次で見直す", "hours": "1.5"},
                  action=f"{url}/report").status_code == 303
    w["session"].expire_all()
    assert (request.state, request.report_minutes, request.assignee_id) == (S.DONE, 90, w["colleague"].id)

    detail = f"/expert-requests/{request.id}"
    missing = submit(w["owner_client"], detail, {"contacted": "yes"}, action=f"{detail}/confirm")
    assert missing.status_code == 422 and "どちらかを選んでください" in text(missing)
    done = submit(w["owner_client"], detail, {"contacted": "yes", "useful": "yes", "visited": "y"},
                  action=f"{detail}/confirm")
    assert done.status_code == 303
    w["session"].expire_all()
    assert (request.state, request.rated_contacted, request.rated_useful) == (S.COMPLETED, True, True)
    steps = [(t.from_state, t.to_state) for t in w["session"].scalars(
        select(ExpertRequestTransition).where(ExpertRequestTransition.request_id == request.id)
        .order_by(ExpertRequestTransition.id))]
    assert steps == [(None, "draft"), ("draft", "sent"), ("sent", "accepted"), ("accepted", "scheduled"),
                     ("scheduled", "done"), ("done", "completed")]
    page = text(w["owner_client"].get(detail))
    for label in ("「下書き」", "「依頼中」", "「対応中」", "「日程確定」", "「実施済」", "「完了」"):
        assert label in page


def test_decline_needs_a_reason_and_the_business_is_offered_another_agency(world):
    w = world
    request = _send(w)
    url = f"/agency/expert-requests/{request.id}"
    empty = submit(w["supporter_client"], url, {"reason": ""}, action=f"{url}/decline")
    assert empty.status_code == 422 and "辞退の理由を書いてください" in text(empty)
    assert submit(w["supporter_client"], url, {"reason": "担当地域外です"}, action=f"{url}/decline").status_code == 303
    page = text(w["owner_client"].get(f"/expert-requests/{request.id}"))
    assert "担当地域外です" in page and "ほかの支援機関に依頼する" in page and "辞退" in page


def test_withdraw_by_the_business(world):
    w = world
    request = _send(w)
    assert submit(w["owner_client"], f"/expert-requests/{request.id}", {"note": "自社で解決しました"},
                  action=f"/expert-requests/{request.id}/withdraw").status_code == 303
    w["session"].expire_all()
    assert request.state is S.WITHDRAWN
    assert "取り下げ" in text(w["supporter_client"].get("/agency/expert-requests/?tab=closed"))


def test_another_business_and_another_agency_get_404_on_every_route(world):
    w = world
    request = _send(w)
    rid = request.id
    gets = [f"/expert-requests/{rid}", f"/expert-requests/{rid}/edit", f"/expert-requests/{rid}/calendar.ics"]
    posts = [f"/expert-requests/{rid}/edit", f"/expert-requests/{rid}/withdraw", f"/expert-requests/{rid}/confirm"]
    agency_gets = [f"/agency/expert-requests/{rid}", f"/agency/expert-requests/{rid}/calendar.ics"]
    agency_posts = [f"/agency/expert-requests/{rid}/{action}" for action in
                    ("accept", "decline", "assign", "schedule", "report")]
    for client in (w["stranger"], w["rival"], w["supporter_client"]):
        token = csrf_from(text(client.get("/account/")))
        for path in gets:
            assert client.get(path).status_code == 404, path
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    for client in (w["stranger"], w["rival"], w["owner_client"]):
        token = csrf_from(text(client.get("/account/")))
        for path in agency_gets:
            assert client.get(path).status_code == 404, path
        for path in agency_posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    assert "株式会社テスト商事" not in text(w["rival"].get("/agency/expert-requests/?tab=new"))
    w["session"].expire_all()
    assert request.state is S.SENT
    assert w["session"].scalar(select(ExpertRequestRead.id)) is None


def test_the_staff_list_filters_counts_and_exports(world, app, session, clock):
    from datetime import timedelta

    w = world
    month = f"{clock.now_jst():%Y-%m}"
    earlier = f"{clock.now_jst().replace(day=1) - timedelta(days=1):%Y-%m}"
    visit = clock.today() + timedelta(days=10)
    fast = _send(w)
    slow = _send(w, themes=["it_dx"])
    url = f"/agency/expert-requests/{fast.id}"
    clock.advance(hours=48)
    submit(w["supporter_client"], url, {}, action=f"{url}/accept")
    submit(w["supporter_client"], url, {"visit_on": visit.isoformat(), "visit_time": "10:00", "visit_place": "本社",
                                        "expert_name": "山田"}, action=f"{url}/schedule")
    clock.advance(days=2, hours=2)
    submit(w["supporter_client"], f"/agency/expert-requests/{slow.id}", {},
           action=f"/agency/expert-requests/{slow.id}/accept")  # 4 days and 2 hours after sending
    staff_client = app.test_client()
    from tests.web.test_accounts import login
    from tests.business_factories import PASSWORD

    make_account(session, "shokuin@example.jp", role=Role.STAFF)
    assert login(staff_client, email="shokuin@example.jp", password=PASSWORD).status_code == 303
    page = text(staff_client.get("/staff/expert-requests/"))
    assert "依頼の数</dt><dd>2件" in page
    assert "72時間以内に受付</dt><dd>50.0%" in page and "5日以内に受付</dt><dd>100.0%" in page
    assert "依頼から実施までの日数（中央値）</dt><dd>10日" in page
    assert "株式会社テスト商事" in page
    only_it = text(staff_client.get("/staff/expert-requests/?theme=it_dx"))
    assert "依頼の数</dt><dd>1件" in only_it
    assert "依頼の数</dt><dd>0件" in text(staff_client.get(f"/staff/expert-requests/?month={earlier}"))
    assert "依頼の数</dt><dd>2件" in text(staff_client.get(f"/staff/expert-requests/?month={month}&prefecture=13"))
    exported = staff_client.get("/staff/expert-requests/export.csv?state=scheduled")
    assert exported.mimetype == "text/csv"
    lines = text(exported).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("依頼ID,状態,事業者") and len(lines) == 2 and ",日程確定,株式会社テスト商事,東京都," in lines[1]
    detail = text(staff_client.get(f"/staff/expert-requests/{fast.id}"))
    assert "日程確定" in detail and "「依頼中」" in detail and "事業者が見せてよいとした" not in detail
    for client in (w["owner_client"], w["supporter_client"]):
        assert client.get("/staff/expert-requests/").status_code == 403
        assert client.get(f"/staff/expert-requests/{fast.id}").status_code == 403


def test_entry_points_link_to_the_form(world, session):
    w = world
    from tests.factories import add_supports, support_record

    [support] = add_supports(session, support_record("専門家派遣事業", subkind=[18]))
    page = text(w["owner_client"].get(f"/supports/{support}"))
    assert "この制度で専門家に相談する" in page and f"/expert-requests/new?support={support}" in page
    agency_page = text(w["owner_client"].get(f"/agencies/{w['agency'].id}"))
    assert "この機関に相談する" in agency_page and f"/expert-requests/new?agency={w['agency'].id}" in agency_page
    assert "/expert-requests/" in text(w["owner_client"].get("/mypage/"))
    form = text(w["owner_client"].get(f"/expert-requests/new?agency={w['other_agency'].id}&support={support}"))
    assert "やまびこ会計事務所（選んだ支援機関）" in form and "制度「専門家派遣事業」を使って相談します" in form


def test_nonsense_ids_in_the_form_are_refused_not_a_server_error(world):
    for value in ("99999999999999999999", "-1", "abc"):
        response = submit(world["owner_client"], "/expert-requests/new",
                          {"themes": ["cash"], "agency_id": value, "action": "send"})
        assert response.status_code == 422, (value, response.status_code)
    assert world["owner_client"].get("/expert-requests/new?agency=99999999999999999999&support=99999999999999").status_code == 200


def test_after_a_decline_the_same_request_goes_to_the_next_suggestion(world, session):
    w = world
    second = make_agency(session, "109913000303", "みどり中小企業診断士事務所", prefecture="13", regions=["13"],
                         specialties=["資金繰り"])
    request = _send(w, agency_id=str(second.id))  # first to the other one…
    url = f"/agency/expert-requests/{request.id}"
    w["session"].expire_all()
    # …which the test's supporter cannot decline (another agency): 404; so decline it as the portal would
    assert submit(w["supporter_client"], "/agency/expert-requests/", {"reason": "x"},
                  action=f"{url}/decline").status_code == 404
    from portal.experts.states import AGENCY, move

    move(session, session.get(ExpertRequest, request.id), S.DECLINED, AGENCY, note="手が回りません")
    session.commit()
    page = text(w["owner_client"].get(f"/expert-requests/{request.id}"))
    assert f"/expert-requests/new?again={request.id}" in page
    again = text(w["owner_client"].get(f"/expert-requests/new?again={request.id}"))
    assert "資金繰りの相談です" in again and "みどり中小企業診断士事務所" not in again
    assert f'value="{w["agency"].id}" aria-describedby="reason-{w["agency"].id}" checked' in again
    # another business's request cannot be copied
    assert "資金繰りの相談です" not in text(w["stranger"].get(f"/expert-requests/new?again={request.id}"))


def test_the_agency_files_a_draft_for_a_linked_business_which_the_business_sends(world, session):
    w = world
    from portal import store

    store.link_agency(session, w["business"], w["agency"], store.MANUAL, w["owner"])
    session.commit()
    form = text(w["supporter_client"].get("/agency/expert-requests/new"))
    assert "株式会社テスト商事（みなと経営支援センター）" in form and "別商店" not in form
    empty = submit(w["supporter_client"], "/agency/expert-requests/new", {"themes": ["cash"]})
    assert empty.status_code == 422 and "事業者を選んでください" in text(empty)
    done = submit(w["supporter_client"], "/agency/expert-requests/new",
                  {"business": str(w["business"].id), "themes": ["succession"], "description": "承継の相談（代理作成）"})
    assert done.status_code == 303
    draft = session.scalars(select(ExpertRequest).order_by(ExpertRequest.id.desc())).first()
    assert (draft.state, draft.agency_id, draft.created_by_id) == (S.DRAFT, w["agency"].id, w["supporter"].id)
    assert w["supporter_client"].get(f"/agency/expert-requests/{draft.id}").status_code == 404  # not sent yet
    page = text(w["owner_client"].get(f"/expert-requests/{draft.id}"))
    assert "この下書きは支援機関が作りました" in page
    note = session.scalar(select(Notification).where(Notification.user_id == w["owner"].id))
    assert note.key == f"expert:{draft.id}:filed_for"
    sent = submit(w["owner_client"], f"/expert-requests/{draft.id}/edit",
                  {"themes": ["succession"], "description": "承継の相談（代理作成）", "format": "visit",
                   "agency_id": str(w["agency"].id), "sections": ["basic"], "action": "send"})
    assert sent.status_code == 303
    session.expire_all()
    assert draft.state is S.SENT
    # a business not linked to the agency cannot be filed for, nor by another agency
    other = session.scalars(select(ExpertRequest.business_id)).all()
    stranger_business = max(other) + 100
    assert submit(w["rival"], "/agency/expert-requests/new", {"business": str(w["business"].id),
                                                              "themes": ["cash"]}).status_code == 404
    assert submit(w["supporter_client"], "/agency/expert-requests/new",
                  {"business": str(stranger_business), "themes": ["cash"]}).status_code == 404
    assert w["owner_client"].get("/agency/expert-requests/new").status_code == 403
