"""The agency on マイページ (支援機関, Jグランツの申請履歴) and the 支援者's list of linked businesses;
who may see which (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from sqlalchemy import select

from portal import store
from portal.demo.business import seed_agencies
from portal.models import AgencyKind, Business, ProposedChange, Role
from portal.records import ApplicationRecord
from tests import business_factories
from tests.business_factories import (
    VALID_NUMBERS,
    make_account,
    make_business,
    signed_in_owner,
    signed_in_supporter,
)
from tests.helpers import submit, text
from tests.web.test_accounts import login

pytestmark = pytest.mark.usefixtures("clock")

MINATO = "7123456789012"  # the agency sandbox links it to みなと信用金庫


make_agency = partial(business_factories.make_agency, kind=AgencyKind.FINANCIAL_INSTITUTION)  # 信用金庫 and the like


def owner_of(client, session, number: str = MINATO, name: str = "株式会社みなと製作所") -> Business:
    return signed_in_owner(client, session, number=number, name=name)[1]


def test_mypage_without_an_agency_explains_how_to_link_one(client, session):
    owner_of(client, session)
    page = text(client.get("/mypage/"))
    assert 'id="agency"' in page and "まだ支援機関と連携していません" in page
    assert 'href="/mypage/links/agency/link"' in page
    assert "Jグランツの申請履歴" in page and 'href="/mypage/links/jgrants/link"' in page


def test_linking_the_agency_sandbox_and_accepting_shows_it_on_mypage(client, session):
    seed_agencies(session)  # the directory lists the sandbox's agencies, as `portal seed` leaves it
    business = owner_of(client, session)
    assert submit(client, "/mypage/links/agency/link", {"mode": "sandbox", "credential_0": "109914000109"}).status_code == 303
    proposals = text(client.get("/mypage/links/proposals"))
    assert "連携する支援機関" in proposals and "みなと信用金庫（109914000109）" in proposals
    ids = [str(c.id) for c in session.scalars(select(ProposedChange).where(ProposedChange.section == "agency"))]
    assert submit(client, "/mypage/links/proposals", {"change": ids, "decision": "accept"}).status_code == 303
    page = text(client.get("/mypage/"))
    for shown in ("みなと信用金庫", "金融機関", "109914000109", "2030年12月24日まで", "神奈川県横浜市西区高島2-6-1",
                  "045-555-0109", "資金繰り、融資、経営改善計画", "東京都、神奈川県", "認定支援機関・"):
        assert shown in page
    assert "まだ支援機関と連携していません" not in page
    history = text(client.get("/mypage/history?section=agency"))
    assert "連携する支援機関" in history and "みなと信用金庫（109914000109）" in history
    session.expire_all()
    assert store.linked_agency(session, session.get(Business, business.id)).name == "みなと信用金庫"


def test_an_expired_agency_is_flagged_on_mypage(client, session):
    business = owner_of(client, session)
    store.link_agency(session, business, make_agency(session, "100000000001", "期限切れ信用金庫",
                                                     valid_until=date(2020, 3, 31)))
    session.commit()
    assert "有効期限が過ぎています" in text(client.get("/mypage/"))


def test_jgrants_applications_are_listed_with_their_source_and_date(client, session):
    owner_of(client, session)
    assert submit(client, "/mypage/links/jgrants/link", {"mode": "sandbox"}).status_code == 303
    page = text(client.get("/mypage/"))
    assert "中小企業省力化投資補助金（一般型）" in page and "交付決定" in page and "10,500,000円" in page
    assert "Jグランツ（補助金の電子申請）・" in page


def test_a_user_of_another_business_never_sees_the_agency_or_the_applications(app, session):
    agency = make_agency(session, "109914000109", "みなと信用金庫")
    owner, stranger = app.test_client(), app.test_client()
    business = owner_of(owner, session)
    store.link_agency(session, business, agency, "agency")
    store.save_applications(session, business, [ApplicationRecord(external_id="APP-1", measure_title="秘密の補助金")],
                            "jgrants")
    session.commit()
    assert "みなと信用金庫" in text(owner.get("/mypage/")) and "秘密の補助金" in text(owner.get("/mypage/"))
    owner_of(stranger, session, VALID_NUMBERS[0], "株式会社よそ")
    page = text(stranger.get("/mypage/"))
    assert "みなと信用金庫" not in page and "秘密の補助金" not in page and "まだ支援機関と連携していません" in page
    assert "みなと信用金庫" not in text(stranger.get("/mypage/history?section=agency"))


def test_the_supporter_sees_the_businesses_linked_to_their_agency_only(app, session):
    mine = make_agency(session, "109914000109", "みなと信用金庫")
    other = make_agency(session, "109927000103", "若葉会計事務所")
    for number, name, agency in [(VALID_NUMBERS[0], "株式会社つながり", mine), (VALID_NUMBERS[1], "株式会社よそ", other)]:
        store.link_agency(session, make_business(session, corporate_number=number, name=name), agency, "agency")
    make_business(session, corporate_number=VALID_NUMBERS[2], name="株式会社ひとり")
    session.commit()
    client = app.test_client()
    signed_in_supporter(client, session, mine)
    response = client.get("/agency/businesses")
    page = text(response)
    assert response.status_code == 200
    assert "みなと信用金庫" in page and "株式会社つながり" in page
    assert "株式会社よそ" not in page and "株式会社ひとり" not in page and "若葉会計事務所" not in page
    assert "法人番号" not in page and VALID_NUMBERS[0] not in page  # only the name and the link date


@pytest.mark.parametrize("who", ["business", "staff"])
def test_anyone_but_a_supporter_is_refused_the_supporter_page(app, session, who):
    make_agency(session, "109914000109", "みなと信用金庫")
    client = app.test_client()
    if who == "business":
        owner_of(client, session)
    else:
        user = make_account(session, role=Role.STAFF)
        login(client, email=user.email)
    response = client.get("/agency/businesses")
    assert response.status_code == 403 and "みなと信用金庫" not in text(response)


def test_a_supporter_in_no_agency_is_told_so_and_sees_no_business(app, session):
    agency = make_agency(session, "109914000109", "みなと信用金庫")
    store.link_agency(session, make_business(session, corporate_number=VALID_NUMBERS[0], name="株式会社つながり"),
                      agency, "agency")
    session.commit()
    client = app.test_client()
    signed_in_supporter(client, session)
    page = text(client.get("/agency/businesses"))
    assert "まだどの支援機関にも所属していません" in page
    assert "みなと信用金庫" not in page and "株式会社つながり" not in page


def test_the_supporter_page_needs_a_login(client):
    response = client.get("/agency/businesses")
    assert response.status_code in (302, 303) and "/account/login" in response.headers["Location"]


def test_the_supporter_page_says_when_no_business_is_linked_yet(app, session):
    client = app.test_client()
    signed_in_supporter(client, session, make_agency(session, "109914000109", "みなと信用金庫"))
    assert "まだ連携している事業者はいません" in text(client.get("/agency/businesses"))


def test_live_agency_linking_is_offered_only_once_the_operator_set_the_list_address(app, client, session):
    """The published list's address is the operator's to set; before that, 本番 would only fail."""
    signed_in_owner(client, session)
    page = text(client.get("/mypage/links/agency/link"))
    assert 'value="live"' not in page and "運営者が取得先などの設定をしたときに" in page
    refused = submit(client, "/mypage/links/agency/link", {"mode": "live", "credential_0": "109914000109"})
    assert refused.status_code == 422 and not session.scalars(select(ProposedChange)).all()

    app.config["CONNECTOR_SETTINGS"] = {"agency": {"list_url": "http://127.0.0.1:9/agencies.csv"}}
    page = text(client.get("/mypage/links/agency/link"))
    assert 'value="live"' in page and "運営者が取得先などの設定をしたときに" not in page


def test_the_sandbox_links_the_agency_whose_number_was_typed(client, session, clock):
    """支援機関を探す opens the consent page with the 認定番号 filled in; the sandbox uses it too."""
    from connectors.agency.connector import sandbox_agencies, sandbox_number

    seed_agencies(session)
    _user, business = signed_in_owner(client, session)
    untyped = sandbox_number(business.corporate_number, sandbox_agencies(), clock.today())
    assert untyped != "109927000103", "without the typed number the sandbox would pick another agency"
    page = text(client.get("/mypage/links/agency/link?certification_number=109927000103"))
    assert 'value="109927000103"' in page and 'value="live"' not in page
    linked = submit(client, "/mypage/links/agency/link?certification_number=109927000103",
                    {"mode": "sandbox", "credential_0": "109927000103"}, action="/mypage/links/agency/link")
    assert linked.status_code == 303
    assert "若葉会計事務所（109927000103）" in text(client.get("/mypage/links/proposals"))
