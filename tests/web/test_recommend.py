"""おすすめ on the web: placeholders and fragments, the interests page, explained lists that differ
by business, "この事例を見た人は…", and that nobody's list is built from someone else's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import store
from portal.clock import today
from portal.events.writer import event_writer
from portal.models import BusinessInterest, User
from portal.recommend.interests import replace_interests
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import csrf_from, text
from tests.web.test_accounts import login, make_user

pytestmark = pytest.mark.usefixtures("clock")

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_model(app):
    event_writer(app).batch_size = 1
    app.config["RECOMMEND_MODEL_MAX_AGE"] = 0


@pytest.fixture
def catalog(session):
    day = today()
    supports = add_supports(
        session,
        support_record("IT導入の補助金", purpose=[3], reception_end=day + timedelta(days=30)),
        support_record("販路開拓の補助金", purpose=[1], reception_remarks="通年"),
        support_record("大阪府の販路支援", purpose=[1], prefecture=["27"]),
        support_record("設備投資の税制", purpose=[2], reception_remarks="随時"),
    )
    cases = add_cases(session, case_record("町工場のIT化", purpose=[3]), case_record("商店街の新商品", purpose=[1]),
                      case_record("パン屋の設備更新", purpose=[2]))
    return {"it": supports[0], "sales": supports[1], "osaka": supports[2], "tax": supports[3],
            "case_it": cases[0], "case_sales": cases[1], "case_tax": cases[2]}


def business_user(app, session, email: str, name: str, prefecture: str, purposes: list[str]) -> None:
    make_user(app, email=email)
    user = session.scalar(select(User).where(User.email == email))
    business = store.create_business(session, user, "sole_proprietor", None, name)
    store.update_fields(session, business, "basic", None, {"prefecture": prefecture}, store.MANUAL, user)
    replace_interests(session, business, purposes, [])
    session.commit()


def browse(app, *paths: str) -> None:
    """Another visitor (a browser of its own) looks at these pages."""
    visitor = app.test_client()
    for path in paths:
        assert visitor.get(path).status_code == 200


def panel(client, place="top") -> str:
    response = client.get(f"/recommend/panel?place={place}", headers=HX)
    assert response.status_code == 200
    return text(response)


def test_pages_carry_a_placeholder_that_loads_the_panel_and_links_to_the_full_page(client, catalog):
    top = text(client.get("/"))
    assert 'hx-get="/recommend/panel?place=top"' in top and 'hx-trigger="load"' in top
    assert 'href="/recommend/"' in top
    case_page = text(client.get(f"/cases/{catalog['case_it']}"))
    assert f'hx-get="/recommend/similar/case/{catalog["case_it"]}"' in case_page
    assert "この事例を見た人は、こんな事例も見ています" in case_page
    full = client.get("/recommend/")
    assert full.status_code == 200 and "<h1>おすすめの支援制度・事例</h1>" in text(full)
    assert client.get("/recommend/panel?place=top").status_code == 302  # no JavaScript: the full page
    assert client.get("/recommend/panel?place=nowhere", headers=HX).status_code == 404


def test_similar_items_need_three_people_in_common_and_say_how_many(client, app, catalog):
    it, sales = f"/cases/{catalog['case_it']}", f"/cases/{catalog['case_sales']}"
    browse(app, it, sales)
    browse(app, it, sales)
    fragment = text(client.get(f"/recommend/similar/case/{catalog['case_it']}", headers=HX))
    assert "人が、この事例も見ています" not in fragment  # two people are not enough to say so
    browse(app, it, sales)
    fragment = text(client.get(f"/recommend/similar/case/{catalog['case_it']}", headers=HX))
    assert "商店街の新商品" in fragment and "この事例を見た人のうち3人が、この事例も見ています。" in fragment
    assert "<html" not in fragment
    full = text(client.get(f"/recommend/similar/case/{catalog['case_it']}"))
    assert "<html" in full and "商店街の新商品" in full


def test_an_item_nobody_looked_at_with_others_falls_back_to_popular_items_of_its_purpose(client, app, catalog):
    browse(app, f"/supports/{catalog['sales']}")
    browse(app, f"/supports/{catalog['it']}")
    fragment = text(client.get(f"/recommend/similar/support/{catalog['osaka']}", headers=HX))
    assert "販路開拓の補助金" in fragment and "「販路開拓」の制度の中で、よく見られています。" in fragment
    assert "IT導入の補助金" not in fragment


def test_two_businesses_see_different_explained_lists(app, session, catalog):
    business_user(app, session, "sales@example.jp", "株式会社うりば", "13", ["1"])
    business_user(app, session, "it@example.jp", "株式会社でじたる", "27", ["3"])
    tokyo, osaka = app.test_client(), app.test_client()
    login(tokyo, email="sales@example.jp")
    login(osaka, email="it@example.jp")
    tokyo_panel, osaka_panel = panel(tokyo, "mypage"), panel(osaka, "mypage")
    assert "株式会社うりばへのおすすめ" in tokyo_panel and "販路開拓の補助金" in tokyo_panel
    assert "関心のある目的「販路開拓」に当てはまります。" in tokyo_panel
    assert "大阪府の販路支援" not in tokyo_panel  # another prefecture
    assert "IT導入の補助金" in osaka_panel and "関心のある目的「IT化」に当てはまります。" in osaka_panel
    assert "選んでいる関心：目的「IT化」" in osaka_panel


def test_a_persons_history_builds_only_their_own_list(app, session, catalog):
    for _ in range(3):
        browse(app, f"/supports/{catalog['it']}", f"/supports/{catalog['tax']}")
    make_user(app, email="alice@example.jp")
    make_user(app, email="bob@example.jp")
    alice, bob = app.test_client(), app.test_client()
    login(alice, email="alice@example.jp")
    login(bob, email="bob@example.jp")
    alice.get(f"/supports/{catalog['it']}")
    alice_panel, bob_panel = panel(alice), panel(bob)
    assert "あなたが見た「IT導入の補助金」を見た人が、よく見ています。" in alice_panel
    assert "設備投資の税制" in alice_panel
    assert "あなたが見た" not in bob_panel
    anonymous = app.test_client()
    assert "あなたが見た" not in panel(anonymous)
    assert "あなたが見た" not in text(bob.get("/recommend/"))


def test_interests_need_a_login_and_a_business(client, app):
    assert client.get("/mypage/interests").status_code == 302
    make_user(app)
    login(client)
    response = client.get("/mypage/interests")
    assert response.status_code == 302 and response.headers["Location"] == "/mypage/"


@pytest.fixture
def owner(client, app, session):
    business_user(app, session, "owner@example.jp", "株式会社えらぶ", "13", ["4"])
    login(client, email="owner@example.jp")
    return client


def stored(session) -> set[tuple[str, int]]:
    session.expire_all()
    return {(r.kind, r.value) for r in session.scalars(select(BusinessInterest))}


def test_choosing_interests_without_javascript(owner, session):
    page = text(owner.get("/mypage/interests"))
    assert 'value="4" id="purpose-4" checked' in page and "<legend>成長期・成熟期</legend>" in page
    token = csrf_from(page)
    response = owner.post("/mypage/interests", data={"csrf_token": token, "purpose": ["1", "3"], "stage": ["9"]})
    assert response.status_code == 303 and response.headers["Location"] == "/mypage/#recommend-mypage"
    assert stored(session) == {("purpose", 1), ("purpose", 3), ("stage", 9)}
    assert "関心を保存しました" in text(owner.get("/mypage/"))


def test_choosing_interests_with_htmx_swaps_the_form_with_a_notice(owner, session):
    token = csrf_from(text(owner.get("/mypage/interests")))
    response = owner.post("/mypage/interests", data={"csrf_token": token, "stage": ["15"]},
                          headers={**HX, "HX-Target": "interests"})
    body = text(response)
    assert response.status_code == 200 and "<html" not in body and "関心を保存しました" in body
    assert 'value="15" id="stage-15" checked' in body
    assert stored(session) == {("stage", 15)}


def test_an_unknown_choice_is_refused_beside_its_group_keeping_what_was_ticked(owner, session):
    token = csrf_from(text(owner.get("/mypage/interests")))
    response = owner.post("/mypage/interests", data={"csrf_token": token, "purpose": ["2"], "stage": ["7", "99"]})
    body = text(response)
    assert response.status_code == 422
    assert 'id="interest-stage-error">事業ステージは一覧から選んでください。' in body
    assert 'value="2" id="purpose-2" checked' in body and 'value="7" id="stage-7" checked' in body
    assert stored(session) == {("purpose", 4)}


def test_interests_cannot_be_changed_without_the_csrf_token(owner, session):
    assert owner.post("/mypage/interests", data={"purpose": ["1"]}).status_code == 400
    assert stored(session) == {("purpose", 4)}


def test_a_reason_every_popular_item_shares_is_said_once(client, app, catalog):
    for key in ("it", "sales", "tax"):
        browse(app, f"/supports/{catalog[key]}")
    fragment = panel(client)
    assert fragment.count("このポータルでよく見られている制度です。") == 1
    assert "よく見られているもの" not in fragment  # the method label would only repeat the reason
    assert "IT導入の補助金" in fragment and "設備投資の税制" in fragment
