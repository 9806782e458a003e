"""おすすめ in a real browser: panels that load after the page, the interests page, and axe on each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, insert, select

from portal import clock, store
from portal.db import get_db, get_session
from portal.models import Case, Event, Support, User
from tests.e2e.pages import log_in

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def content(live_server):
    """Demo measures and cases, and three visitors who each looked at the same two cases."""
    from portal.content.importers.demo import load_demo

    app = live_server.app
    app.config["RECOMMEND_MODEL_MAX_AGE"] = 0
    with app.app_context():
        session = get_session()
        if session.scalar(select(func.count(Support.id)).where(Support.source == "demo")) == 0:
            load_demo(session)
            session.commit()
        first, second = session.scalars(select(Case).order_by(Case.id).limit(2)).all()
        pair = (first.id, first.title, second.id, second.title)
    rows = [{"at": clock.now(), "user_id": None, "visitor": f"e2e-recommend-{n:018d}", "kind": "view",
             "item_type": "case", "item_id": item, "detail": None} for n in range(3) for item in (pair[0], pair[2])]
    with get_db(app).engine.begin() as connection:
        connection.execute(insert(Event), rows)
    yield pair
    app.config["RECOMMEND_MODEL_MAX_AGE"] = 600


@pytest.fixture
def business_owner(live_server, make_user):
    user = make_user()
    with live_server.app.app_context():
        session = get_session()
        owner = session.scalar(select(User).where(User.email == user.email))
        business = store.create_business(session, owner, "sole_proprietor", None, "やまびこ食堂")
        store.update_fields(session, business, "basic", None, {"prefecture": "13", "industry": "M"}, store.MANUAL,
                            owner)
        session.commit()
    return user


def test_panels_load_after_the_page_and_pass_axe(page: Page, content, assert_accessible):
    first_id, _first_title, _second_id, second_title = content
    page.goto(f"/cases/{first_id}")
    similar = page.locator("#similar-case")
    expect(similar.get_by_role("link", name=second_title)).to_be_visible()
    expect(similar).to_contain_text("この事例を見た人のうち3人が、この事例も見ています。")
    assert_accessible(page)

    page.goto("/")
    expect(page.locator("#recommend-top .result-list")).to_be_visible()
    assert_accessible(page)
    page.locator("#recommend-top .result__title a").first.click()
    expect(page).to_have_url(re.compile(r"/(supports|cases)/\d+$"))


def test_a_business_chooses_interests_and_sees_explained_recommendations(page: Page, content, business_owner,
                                                                        assert_accessible):
    log_in(page, business_owner)
    page.goto("/mypage/interests")
    expect(page.get_by_role("heading", level=1)).to_contain_text("関心のある目的・事業ステージを選ぶ")
    assert_accessible(page)
    page.get_by_label("販路開拓").first.check()
    page.get_by_label("IT化").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status")).to_contain_text("関心を保存しました")
    expect(page.get_by_label("IT化")).to_be_checked()
    assert_accessible(page)

    page.goto("/mypage/")
    panel = page.locator("#recommend-mypage")
    expect(panel.get_by_role("heading", name="やまびこ食堂へのおすすめ")).to_be_visible()
    expect(panel).to_contain_text("選んでいる関心：目的「販路開拓・IT化」")
    expect(panel.get_by_text(re.compile("関心のある目的「(販路開拓|IT化|販路開拓・IT化)」に当てはまります。")).first).to_be_visible()
    assert_accessible(page)

    page.goto("/recommend/")
    expect(page.get_by_role("heading", level=1)).to_have_text("おすすめの支援制度・事例")
    assert_accessible(page)


def test_without_javascript_the_placeholder_is_a_link_to_the_full_page(browser, live_server, content):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    page.locator("#recommend-top").get_by_role("link", name="あなたへのおすすめの支援制度・事例を見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("おすすめの支援制度・事例")
    expect(page.locator("#recommend-page .result-list")).to_be_visible()
    context.close()
