"""マイリスト: saving with and without htmx, the deadline view, saved searches, and ownership."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import today
from portal.models import SavedSearch
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import csrf_from, text
from tests.web.test_accounts import PASSWORD, login, make_user

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


@pytest.fixture
def items(app, session):
    day = today()
    supports = add_supports(
        session,
        support_record("遠い締切の補助金", reception_end=day + timedelta(days=40)),
        support_record("近い締切の補助金", reception_end=day + timedelta(days=3)),
        support_record("終わった補助金", reception_end=day - timedelta(days=3)),
    )
    cases = add_cases(session, case_record("パン屋の新商品開発"))
    return {"far": supports[0], "near": supports[1], "closed": supports[2], "case": cases[0]}


def toggle(client, kind, item_id, htmx=False, next_url="/supports"):
    token = csrf_from(text(client.get("/supports")))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/mylist/toggle", data={"csrf_token": token, "kind": kind, "id": item_id, "next": next_url},
                       headers=headers)


def test_saving_requires_login(client, items):
    response = toggle(client, "support", items["far"])
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert client.get("/mylist/").status_code == 302


def test_htmx_toggle_returns_the_button_and_saves(client, app, items):
    make_user(app)
    login(client)
    response = toggle(client, "support", items["far"], htmx=True)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true"' in html and "保存済み" in html and "マイリストに保存しました" in html
    again = toggle(client, "support", items["far"], htmx=True)
    assert 'aria-pressed="false"' in text(again)
    assert "遠い締切の補助金" not in text(client.get("/mylist/"))


def test_toggle_without_javascript_redirects_back(client, app, items):
    make_user(app)
    login(client)
    response = toggle(client, "case", items["case"], next_url="/cases?q=パン")
    assert response.status_code == 303 and response.headers["Location"] == "/cases?q=%E3%83%91%E3%83%B3"
    evil = toggle(client, "case", items["case"], next_url="https://evil.example/")
    assert evil.headers["Location"] == "/mylist/"


def test_mylist_lists_saved_measures_by_deadline_and_cases(client, app, items):
    make_user(app)
    login(client)
    for key in ("far", "closed", "near"):
        toggle(client, "support", items[key])
    toggle(client, "case", items["case"])
    html = text(client.get("/mylist/"))
    assert html.index("近い締切の補助金") < html.index("遠い締切の補助金") < html.index("終わった補助金")
    assert "パン屋の新商品開発" in html
    assert "締切：" in html


def test_saving_an_unknown_item_is_refused(client, app, items):
    make_user(app)
    login(client)
    assert toggle(client, "support", 999999).status_code == 404
    assert toggle(client, "bogus", items["far"]).status_code == 400


def test_saved_list_is_kept_across_devices(client, app, items):
    make_user(app)
    login(client)
    toggle(client, "support", items["near"])
    other_device = app.test_client()
    login(other_device)
    assert "近い締切の補助金" in text(other_device.get("/mylist/"))


def test_one_user_never_sees_or_changes_anothers_list(client, app, session, items):
    make_user(app)
    make_user(app, email="jiro@example.jp")
    login(client)
    toggle(client, "support", items["near"])
    token = csrf_from(text(client.get("/mylist/searches/new?kind=support&query=q%3D補助")))
    client.post("/mylist/searches", data={"csrf_token": token, "kind": "support", "name": "太郎の検索",
                                          "query": "q=補助"})
    taro_search = session.scalar(select(SavedSearch).where(SavedSearch.name == "太郎の検索"))

    jiro = app.test_client()
    login(jiro, email="jiro@example.jp")
    page = text(jiro.get("/mylist/"))
    assert "近い締切の補助金" not in page and "太郎の検索" not in page
    token = csrf_from(page)
    refused = jiro.post(f"/mylist/searches/{taro_search.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 404
    session.expire_all()
    assert session.get(SavedSearch, taro_search.id) is not None
    # jiro's toggle of the same measure is his own and leaves taro's alone
    toggle(jiro, "support", items["near"])
    toggle(jiro, "support", items["near"])
    assert "近い締切の補助金" in text(client.get("/mylist/"))


def test_save_search_by_name_and_open_it_again(client, app, items):
    make_user(app)
    login(client)
    page = client.get("/supports?q=補助金&open=1")
    assert "この検索条件をマイリストに保存する" in text(page)
    form = client.get("/mylist/searches/new?kind=support&query=q%3D%E8%A3%9C%E5%8A%A9%E9%87%91%26open%3D1")
    token = csrf_from(text(form))
    empty = client.post("/mylist/searches", data={"csrf_token": token, "kind": "support", "name": " ",
                                                  "query": "q=補助金&open=1"})
    assert empty.status_code == 422 and "名前を入力してください" in text(empty)
    assert 'value="q=補助金&amp;open=1"' in text(empty)  # the search is kept for the next try
    saved = client.post("/mylist/searches", data={"csrf_token": token, "kind": "support", "name": "今申し込める補助金",
                                                  "query": "q=補助金&open=1"})
    assert saved.status_code == 303 and saved.headers["Location"] == "/supports?q=%E8%A3%9C%E5%8A%A9%E9%87%91&open=1"
    html = text(client.get("/mylist/"))
    assert "今申し込める補助金" in html and 'href="/supports?q=補助金&amp;open=1"' in html


def test_header_shows_mylist_only_when_logged_in(client, app):
    assert "マイリスト" not in text(client.get("/")).split("</header>")[0]
    make_user(app)
    login(client)
    assert "マイリスト" in text(client.get("/")).split("</header>")[0]
    assert PASSWORD  # the demo password constant is shared with the account tests


def test_pressing_save_twice_saves_once_and_both_answers_say_saved(client, app, session, items):
    from portal.models import SavedItem

    make_user(app)
    login(client)
    page = text(client.get(f"/supports/{items['far']}"))
    assert 'name="want" value="1"' in page  # the button says what it asks for
    token = csrf_from(page)
    data = {"csrf_token": token, "kind": "support", "id": items["far"], "want": "1"}
    answers = [client.post("/mylist/toggle", data=data, headers={"HX-Request": "true"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("★ 保存済み" in text(a) and 'name="want" value="0"' in text(a) for a in answers)
    assert len(session.scalars(select(SavedItem)).all()) == 1
    removed = [client.post("/mylist/toggle", data={**data, "want": "0"}, headers={"HX-Request": "true"})
               for _ in range(2)]
    assert all("☆ マイリストに保存" in text(a) for a in removed)
    assert session.scalars(select(SavedItem)).all() == []
