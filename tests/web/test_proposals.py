"""「変更の確認」 as the demo business sees it: nothing ticked, cards grouped by service and 決算期 with
いまの値 → 新しい値, the difference and each value's source and date; 「すべて選ぶ／外す」 per group
without JavaScript; two services' different values for one field shown side by side and refused
when both are accepted (the ticks kept); the count of what will change on the buttons."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import store
from portal.demo.business import seed_demo_business
from portal.models import Business, Decision, ProposedChange
from portal.seed import DEMO_PASSWORD, seed_accounts
from tests.helpers import csrf_from, submit, text
from tests.web.test_accounts import login

PROPOSALS = "/mypage/links/proposals"


@pytest.fixture
def demo(app, session, client) -> Business:
    with app.app_context():
        seed_accounts(session)
    seed_demo_business(session)
    assert login(client, email="demo@example.jp", password=DEMO_PASSWORD).status_code == 303
    return session.scalar(select(Business))


def link(client, name: str):
    response = submit(client, f"/mypage/links/{name}/link", {"mode": "sandbox"})
    assert response.status_code == 303 and response.headers["Location"] == PROPOSALS, text(response)[-500:]


def pending(session, source: str | None = None) -> list[ProposedChange]:
    session.expire_all()
    query = select(ProposedChange).where(ProposedChange.decision == Decision.PENDING).order_by(ProposedChange.id)
    if source:
        query = query.where(ProposedChange.source == source)
    return list(session.scalars(query))


def sales_change(session, source: str) -> ProposedChange:
    return next(c for c in pending(session, source) if c.field == "net_sales")


def checked(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'name="change" value="(\d+)" id="change-\d+" checked', page)}


def test_the_demo_business_gets_plausible_small_updates_and_nothing_is_ticked(client, session, demo):
    link(client, "gbizinfo")
    changes = pending(session, "gbizinfo")
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [
        ("address", "大田区下丸子2-14-7", "大田区下丸子二丁目14番7号")]  # not another company's name
    link(client, "freee")
    page = text(client.get(PROPOSALS))
    assert checked(page) == set() and " checked" not in page
    assert "<h2 id=\"service-1\">gBizINFO（法人基本情報）</h2>" in page and "freee会計" in page
    assert 'id="group-freee-period-2025-03-31"' in page and "2025年3月31日決算" in page
    sales = sales_change(session, "freee")
    card = page[page.index(f'id="change-{sales.id}"'):]
    card = card[:card.index("</li>")]
    assert "売上高" in card and "381,200,000円" in card and "381,420,000円" in card
    assert "手入力・" in card and "更新" in card and "freee会計・" in card and "取得" in card
    assert "差：+220,000円（+0.06%）" in card
    assert "選んだ<span data-chosen-count>0</span>件の変更を反映" in page


def test_select_all_and_clear_a_group_without_javascript(client, session, demo):
    link(client, "freee")
    link(client, "gbizinfo")
    page = text(client.get(PROPOSALS))
    token = csrf_from(page)
    freee = {c.id for c in pending(session, "freee")}
    address = pending(session, "gbizinfo")[0].id
    response = client.post(PROPOSALS, data={"csrf_token": token, "change": [address],
                                            "select": "freee-period-2025-03-31"})
    assert response.status_code == 200
    assert checked(text(response)) == freee | {address}  # the group ticked, the earlier tick kept, nothing decided
    assert f"選んだ<span data-chosen-count>{len(freee) + 1}</span>件の変更を反映" in text(response)
    assert len(pending(session)) == len(freee) + 1
    cleared = client.post(PROPOSALS, data={"csrf_token": token, "change": sorted(freee | {address}),
                                           "clear": "freee-period-2025-03-31"})
    assert checked(text(cleared)) == {address}


def test_two_services_disagreeing_are_shown_side_by_side_and_both_at_once_is_refused(client, session, demo):
    link(client, "freee")
    link(client, "moneyforward")
    page = text(client.get(PROPOSALS))
    freee, mf = sales_change(session, "freee"), sales_change(session, "moneyforward")
    assert "項目で、サービスごとに違う値が届いています" in page
    card = page[page.index(f'id="change-{freee.id}"'):]
    card = card[:card.index("</li>")]
    assert "ほかのサービスの値" in card and "マネーフォワード クラウド会計：381,350,000円" in card
    assert f'href="#change-{mf.id}"' in card

    token = csrf_from(page)
    both = [c.id for c in pending(session)]
    refused = client.post(PROPOSALS, data={"csrf_token": token, "change": both, "decision": "accept"})
    body = text(refused)
    assert refused.status_code == 422
    assert "2025年3月31日決算の資産合計・流動資産合計・" in body and "売上高・" in body
    assert "項目）に、freee会計とマネーフォワード クラウド会計の値が両方とも選ばれています。" in body
    for group in ("freee-period-2025-03-31", "moneyforward-period-2025-03-31"):
        section = body[body.index(f'id="group-{group}"'):]
        assert section.index("field__error") < section.index("proposal-cards")  # beside the group
    assert checked(body) == set(both)  # the ticks are kept
    assert store.records(session, demo, "period")[0].net_sales == 381_200_000  # nothing written
    assert len(pending(session)) == len(both)

    one = client.post(PROPOSALS, data={"csrf_token": token, "change": [freee.id, mf.id], "decision": "accept"})
    assert one.status_code == 422
    assert ("2025年3月31日決算の売上高に、freee会計の「381,420,000円」とマネーフォワード クラウド会計の「381,350,000円」"
            "が選ばれています。") in text(one)
    chosen = [c.id for c in pending(session, "moneyforward")]
    accepted = client.post(PROPOSALS, data={"csrf_token": token, "change": chosen, "decision": "accept"})
    assert accepted.status_code == 303
    session.expire_all()
    period = store.records(session, demo, "period")[0]
    assert period.net_sales == 381_350_000 and period.total_assets == 313_000_000


def test_the_same_value_from_two_services_is_not_a_conflict(client, session, demo):
    link(client, "freee")
    link(client, "moneyforward")
    same = [c for c in pending(session) if c.field == "cost_of_sales"]
    assert {c.source for c in same} == {"moneyforward"}  # freee's 売上原価 equals マイページ's: nothing proposed
    token = csrf_from(text(client.get(PROPOSALS)))
    response = client.post(PROPOSALS, data={"csrf_token": token, "change": [same[0].id], "decision": "accept"})
    assert response.status_code == 303


def test_an_unknown_decision_or_group_changes_nothing(client, session, demo):
    link(client, "gbizinfo")
    token = csrf_from(text(client.get(PROPOSALS)))
    ids = [c.id for c in pending(session)]
    assert client.post(PROPOSALS, data={"csrf_token": token, "change": ids, "decision": "maybe"}).status_code == 400
    page = client.post(PROPOSALS, data={"csrf_token": token, "change": ids, "select": "nosuch"})
    assert page.status_code == 200 and checked(text(page)) == set(ids)
    assert len(pending(session)) == len(ids)
