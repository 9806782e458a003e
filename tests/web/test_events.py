"""The event log from the web: what a page view, a search, a save and a click record, for whom, and
the merge of a visitor's events into the account on log-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.events.writer import event_writer
from portal.models import Event
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import csrf_from, text
from tests.web.test_accounts import login, make_user

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture(autouse=True)
def write_at_once(app):
    event_writer(app).batch_size = 1


@pytest.fixture
def items(session):
    supports = add_supports(session, support_record("IT導入の補助金", purpose=[3],
                                                    application_url="https://apply.example.jp/it"),
                            support_record("申請先のない制度"))
    cases = add_cases(session, case_record("町工場のIT化"))
    return {"support": supports[0], "plain": supports[1], "case": cases[0]}


def logged(session) -> list[Event]:
    session.expire_all()
    return list(session.scalars(select(Event).order_by(Event.id)))


def test_views_of_measures_and_cases_are_recorded_for_the_visitor(client, session, items):
    client.get(f"/supports/{items['support']}")
    client.get(f"/cases/{items['case']}")
    client.get("/supports/999999")  # not found: nothing to record
    events = logged(session)
    assert [(e.kind, e.item_type, e.item_id) for e in events] == [
        ("view", "support", items["support"]), ("view", "case", items["case"])]
    assert events[0].user_id is None and len(events[0].visitor) == 32 and events[0].visitor == events[1].visitor


def test_searches_keep_their_words_and_filters_but_not_later_pages_or_empty_searches(client, session, items):
    client.get("/supports?q=IT&purpose=3&purpose=2&prefecture=13&open=1")
    client.get("/supports?q=IT&purpose=3&page=2")
    client.get("/supports")
    client.get("/cases?industry=E")
    details = [e.detail for e in logged(session)]
    assert details == [
        {"kind": "supports", "q": "IT", "purpose": ["2", "3"], "prefecture": "13", "open": "1"},
        {"kind": "cases", "industry": ["E"]},
    ]


def test_saving_is_recorded_for_the_user(client, app, session, items):
    user_id = make_user(app)
    login(client)
    token = csrf_from(text(client.get("/supports")))
    client.post("/mylist/toggle", data={"csrf_token": token, "kind": "support", "id": items["support"]})
    saves = [e for e in logged(session) if e.kind == "save"]
    assert [(e.user_id, e.item_type, e.item_id) for e in saves] == [(user_id, "support", items["support"])]


def test_the_application_link_is_counted_then_goes_to_the_measures_own_site(client, session, items):
    page = text(client.get(f"/supports/{items['support']}"))
    assert f'href="/supports/{items["support"]}/apply"' in page
    response = client.get(f"/supports/{items['support']}/apply")
    assert response.status_code == 302 and response.headers["Location"] == "https://apply.example.jp/it"
    assert logged(session)[-1].kind == "apply_click"
    assert client.get(f"/supports/{items['plain']}/apply").status_code == 404


def test_a_click_on_a_recommendation_is_counted_with_its_method_and_place(client, session, items):
    response = client.get(f"/recommend/go/case/{items['case']}?m=similar_users&p=support")
    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{items['case']}"
    client.get(f"/recommend/go/support/{items['support']}?m=<script>&p=elsewhere")
    clicks = [e for e in logged(session) if e.kind == "rec_click"]
    assert clicks[0].detail == {"method": "similar_users", "place": "support"}
    assert clicks[1].detail == {"method": "other", "place": "other"}
    assert client.get("/recommend/go/news/1").status_code == 404


def test_logging_in_gives_the_visitors_earlier_events_to_the_account_and_logging_out_starts_afresh(
        client, app, session, items):
    user_id = make_user(app)
    client.get(f"/supports/{items['support']}")
    login(client)
    client.get(f"/cases/{items['case']}")
    token = csrf_from(text(client.get("/")))
    client.post("/account/logout", data={"csrf_token": token})
    client.get(f"/supports/{items['plain']}")
    events = [e for e in logged(session) if e.kind == "view"]
    assert [e.user_id for e in events] == [user_id, user_id, None]
    assert events[2].visitor != events[0].visitor


def test_another_visitors_events_are_not_merged_into_the_account(client, app, session, items):
    make_user(app)
    other = app.test_client()
    other.get(f"/supports/{items['plain']}")
    client.get(f"/supports/{items['support']}")
    login(client)
    events = logged(session)
    assert {(e.item_id, e.user_id is None) for e in events} == {(items["plain"], True), (items["support"], False)}
