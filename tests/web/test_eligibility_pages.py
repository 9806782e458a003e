"""「あなたの会社が対象になりそうか」 wherever a business meets a measure: the measure page, the top page's
締切が近い支援制度, the navi filter and its count, マイリスト and おすすめ — all from portal.eligibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import store
from portal.clock import today
from portal.mylist.services import toggle_saved
from portal.recommend.services import _usable
from portal.recommend.profile import load_profile
from tests.business_factories import signed_in_owner
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import text

pytestmark = pytest.mark.usefixtures("clock")

DEMO = {"prefecture": "13", "industry": "E", "capital": "10000000", "established_on": "2012-04-02"}


@pytest.fixture
def measures(session):
    day = today()
    ids = add_supports(
        session,
        support_record("千葉県 運送事業者支援", source_id="chiba", prefecture=["12"], industry=["H"],
                       reception_end=day + timedelta(days=3), summary="運送事業者向け。"),
        support_record("東京都 ものづくり支援", source_id="tokyo", prefecture=["13"], industry=["E"], max_employees=50,
                       max_capital=300_000_000, reception_end=day + timedelta(days=10),
                       target="中小企業者（個人事業主を含む）。"),
        support_record("全国 創業5年以内の補助", source_id="young", max_established_years=5,
                       reception_end=day + timedelta(days=5)),
        support_record("全国 小規模の補助", source_id="small", max_employees=20, reception_end=day + timedelta(days=20)),
    )
    return dict(zip(("chiba", "tokyo", "young", "small"), ids))


def owner(client, session, **basic):
    user, business = signed_in_owner(client, session, **basic)
    return user, business


def test_measure_page_explains_each_condition_and_the_verdict(client, session, measures):
    owner(client, session, **DEMO)
    html = text(client.get(f"/supports/{measures['chiba']}"))
    assert "あなたの会社が対象になりそうか" in html
    assert "千葉県の事業者が対象ですが、所在地は東京都です。" in html
    assert "運輸業，郵便業が対象ですが、業種は製造業です。" in html
    assert html.count("✗ 対象外") == 2
    assert "対象外となる条件があります" in html


def test_missing_facts_are_unknown_with_a_link_to_fill_them_in(client, session, measures):
    owner(client, session, **DEMO)  # no 決算期, so no 従業員数
    html = text(client.get(f"/supports/{measures['tokyo']}"))
    assert "？ 未登録" in html and "従業員数（決算期の情報）が未登録です" in html
    assert 'href="/mypage/#periods"' in html
    assert "判断できません" in html and "対象になりそうです" not in html
    assert "法人・個人事業主のどちらも対象です。" in html


def test_all_conditions_met_says_likely_but_no_more(client, session, measures):
    user, business = owner(client, session, **DEMO)
    store.add_record(session, business, "period", {"period_end": "2025-03-31", "months": "12", "employees": "28"}, store.MANUAL, user)
    session.commit()
    html = text(client.get(f"/supports/{measures['tokyo']}"))
    assert "対象になりそうです" in html and "公募要領でご確認ください" in html
    assert "✗" not in html and "？ 未登録" not in html


def test_anonymous_and_unregistered_see_no_verdict(client, session, app, measures):
    assert "あなたの会社が対象になりそうか" not in text(client.get(f"/supports/{measures['chiba']}"))
    from tests.business_factories import make_account, PASSWORD
    from tests.web.test_accounts import login

    user = make_account(session)
    login(client, email=user.email, password=PASSWORD)
    html = text(client.get(f"/supports/{measures['chiba']}"))
    assert "あなたの会社が対象になりそうか" not in html and "事業データを登録すると" in html


def test_top_page_closing_calls_leave_out_what_the_business_cannot_use(client, session, measures):
    anonymous = text(client.get("/"))
    assert "千葉県 運送事業者支援" in anonymous
    owner(client, session, **DEMO)
    html = text(client.get("/"))
    closing = html[html.index('id="closing-title"'):]
    assert "千葉県 運送事業者支援" not in closing  # another prefecture and industry
    assert "全国 創業5年以内の補助" not in closing  # founded 2012
    assert "東京都 ものづくり支援" in closing and "全国 小規模の補助" in closing  # 従業員数 unknown: not ruled out
    assert "eligible=1" in closing


def test_navi_filter_counts_and_keeps_what_fits(client, session, measures):
    assert "自社が対象になりそうなもの" not in text(client.get("/supports"))
    owner(client, session, **DEMO)
    page = text(client.get("/supports"))
    assert "自社が対象になりそうなもの" in page
    assert 'id="f-eligible"' in page and "2件</span>" in page[page.index('id="f-eligible"'):][:300]
    filtered = text(client.get("/supports?eligible=1"))
    assert "東京都 ものづくり支援" in filtered and "全国 小規模の補助" in filtered
    assert "千葉県 運送事業者支援" not in filtered and "全国 創業5年以内の補助" not in filtered
    assert "2件" in filtered
    assert client.get("/supports?eligible=yes").status_code == 400


def test_mylist_marks_saved_measures_that_do_not_fit(client, session, measures):
    user, _ = owner(client, session, **DEMO)
    for key in ("chiba", "tokyo"):
        toggle_saved(session, user, "support", measures[key], True)
    session.commit()
    html = text(client.get("/mylist/"))
    assert "✗ 対象外の条件があります：地域・業種" in html
    assert "？ 未登録の項目があり判定できません：従業員数" in html


def test_recommendations_leave_out_cases_of_another_industry_only(client, session, measures):
    _, business = owner(client, session, **DEMO)
    cases = add_cases(session, case_record("抹茶の新商品", industry=["I"]), case_record("金型の自動化", industry=["E"]),
                      case_record("業種を問わない事例"))
    from portal.models import Case

    person = load_profile(session, business)
    usable = {session.get(Case, c).title: _usable(session.get(Case, c), person, today()) for c in cases}
    assert usable == {"抹茶の新商品": False, "金型の自動化": True, "業種を問わない事例": True}
