"""専門家派遣依頼 in the browser on a phone: the business asks from an agency's page, the 支援者 accepts,
schedules and files the 支援実施報告, the business confirms and rates; axe on each page."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal import clock, store
from portal.db import get_session
from portal.models import AgencyKind, Role, User
from tests.e2e.pages import log_in

PHONE = {"width": 390, "height": 844}
BUSINESS = "株式会社はやぶさ製作所"


def test_request_accept_schedule_report_confirm_on_a_phone(live_server, make_user, make_business_owner,
                                                           new_context, assert_accessible):
    owner = make_business_owner("corporation", "8801110101234", BUSINESS)
    supporter = make_user()
    with live_server.app.app_context():
        session = get_session()
        user = session.query(User).filter_by(email=owner.email).one()
        business = store.business_for_user(session, user)
        store.update_fields(session, business, "basic", None, {"prefecture": "13", "industry": "E"}, store.MANUAL, user)
        agency, _ = store.upsert_agency(session, {"certification_number": "109913000777", "name": "はやぶさ経営支援室",
                                                  "kind": AgencyKind.SME_CONSULTANT, "prefecture": "13",
                                                  "regions": ["13"], "specialties": ["資金繰り"]})
        helper = session.query(User).filter_by(email=supporter.email).one()
        helper.role = Role.SUPPORTER
        store.add_agency_member(session, agency, helper)
        session.commit()
        agency_id = agency.id
    visit = (clock.today() + timedelta(days=7)).isoformat()

    page = new_context(viewport=PHONE).new_page()
    log_in(page, owner)
    page.goto(f"/agencies/{agency_id}")
    page.get_by_role("link", name="この機関に相談する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("専門家に相談する")
    expect(page.get_by_label("相談したいこと")).to_contain_text(f"会社名：{BUSINESS}")
    # the chosen agency's reason (the live server's database may hold other tests' agencies too)
    expect(page.locator(f"#reason-{agency_id}")).to_contain_text("おすすめの理由：対応地域：東京都")
    assert_accessible(page)
    page.get_by_label("資金繰り").check()
    page.get_by_label("オンライン").check()
    page.get_by_label("希望する日時").fill("平日の午後")
    expect(page.get_by_label("はやぶさ経営支援室")).to_be_checked()
    page.get_by_role("button", name="依頼を送る").click()
    expect(page.get_by_role("status")).to_contain_text("依頼を送りました")
    expect(page.locator(".facts").first).to_contain_text("依頼中")
    assert_accessible(page)
    request_url = page.url

    shien = new_context(viewport=PHONE).new_page()
    log_in(shien, supporter)
    shien.goto("/agency/expert-requests/")
    expect(shien.get_by_role("link", name="新着（1）")).to_be_visible()
    assert_accessible(shien)
    shien.get_by_role("link", name=re.compile(f"{BUSINESS}：資金繰り")).click()
    expect(shien.get_by_role("heading", level=1)).to_contain_text(BUSINESS)
    assert_accessible(shien)
    shien.get_by_role("button", name="この依頼を受ける").click()
    expect(shien.get_by_role("status")).to_contain_text("依頼を受けました")
    shien.get_by_label("実施日").fill(visit)
    shien.get_by_label("開始時刻").fill("14:00")
    shien.get_by_label("オンライン会議のURL（オンラインの場合）").fill("https://meet.example.jp/hayabusa")
    shien.get_by_label("派遣する専門家").fill("中小 花子")
    assert_accessible(shien)
    shien.get_by_role("button", name="日程を確定して知らせる").click()
    expect(shien.get_by_role("status")).to_contain_text("日程を確定し")
    expect(shien.get_by_role("link", name="カレンダーに追加（.ics）")).to_be_visible()
    shien.get_by_label("相談の内容").fill("資金繰り表の作り方")
    shien.get_by_label("助言の内容").fill("月次で予実を比べる")
    shien.get_by_label("支援の時間（時間）").fill("1.5")
    shien.get_by_role("button", name="報告を提出する").click()
    expect(shien.get_by_role("status")).to_contain_text("支援実施報告を提出しました")
    assert_accessible(shien)

    page.goto(request_url)
    expect(page.get_by_role("heading", name="支援実施報告")).to_be_visible()
    expect(page.get_by_text("月次で予実を比べる")).to_be_visible()
    page.get_by_role("group", name="支援機関から連絡はありましたか").get_by_label("はい").check()
    page.get_by_role("group", name="相談は役に立ちましたか").get_by_label("はい").check()
    page.get_by_label("専門家の派遣（支援の実施）を受けたことを確認します").check()
    assert_accessible(page)
    page.get_by_role("button", name="確認して評価を送る").click()
    expect(page.get_by_role("status")).to_contain_text("ありがとうございました")
    expect(page.locator(".facts").first).to_contain_text("完了")
    timeline = page.locator(".timeline")
    for label in ("「依頼中」", "「対応中」", "「日程確定」", "「実施済」", "「完了」"):
        expect(timeline).to_contain_text(label)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    assert_accessible(page)
