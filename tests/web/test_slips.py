"""Small slips found trying the portal as a new user (issue 16), each with the check that would have
caught it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from portal import clock
from portal.accounts.services import EVENT_LABELS
from portal.models import NewsCategory, NewsItem
from tests.factories import add_supports, support_record
from tests.helpers import text

pytestmark = pytest.mark.usefixtures("clock")
ROOT = Path(__file__).resolve().parents[2]


def test_every_recorded_security_event_has_a_japanese_label():
    recorded = set()
    for path in (ROOT / "portal").rglob("*.py"):
        recorded |= set(re.findall(r'record_event\(\s*\w+,\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    import portal.members.invitations  # noqa: F401  (adds the member events)

    assert "connection_linked" in recorded
    assert recorded - set(EVENT_LABELS) == set()


def test_an_unknown_event_is_never_shown_by_its_id(client, session):
    from portal.models import AuditEvent
    from tests.business_factories import signed_in_owner

    user, _ = signed_in_owner(client, session)
    session.add(AuditEvent(event="some_future_event", user_id=user.id, email=user.email))
    session.commit()
    html = text(client.get("/account/"))
    assert "some_future_event" not in html and "その他の操作" in html


def test_news_breadcrumbs_have_no_doubled_separators(client, session):
    now = clock.now()
    item = NewsItem(category=NewsCategory.EVENT, title="経営セミナーのご案内", summary="", body="本文",
                    published_at=now, updated_at=now)
    session.add(item)
    session.commit()
    html = text(client.get(f"/news/{item.id}"))
    crumbs = html[html.index('class="breadcrumbs"'):html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert "›" not in crumbs  # the separators come from the style sheet only
    assert re.findall(r"<li[^>]*>(?:<a[^>]*>)?([^<]+)", crumbs) == ["トップ", "お知らせ", "イベント", "経営セミナーのご案内"]


@pytest.mark.parametrize(("path", "word"), [("/supports", "支援制度"), ("/cases", "事例"), ("/agencies", "支援機関")])
def test_a_page_beyond_the_last_says_so(client, session, path, word):
    add_supports(session, support_record("ページ送りの制度"))
    if path == "/cases":
        from tests.factories import add_cases, case_record

        add_cases(session, case_record("ページ送りの事例"))
    if path == "/agencies":
        from tests.business_factories import make_agency

        make_agency(session)
    html = text(client.get(f"{path}?page=999"))
    assert "件目" not in html  # no 「1件（19961〜1件目）」
    assert f"このページには表示する{word}がありません" in html
    assert "まだ支援制度が登録されていません" not in html
    assert f"<a href=\"{path}\">最後のページ（1ページ目）を見る</a>" in html


def test_too_many_requests_does_not_blame_the_crowd(app):
    from portal.errors import MESSAGES

    title, body = MESSAGES[429]
    assert "集中" not in title + body and "多すぎます" in title


def test_demo_subtitles_use_the_full_width_colon():
    data = json.loads((ROOT / "portal" / "demo" / "supports.json").read_text(encoding="utf-8"))
    found = []
    for item in data["items"]:
        for key in ("title", "subtitle", "summary", "target"):
            if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]: ", item.get(key) or ""):
                found.append(item.get(key))
    assert found == []


def _nav(html: str) -> str:
    start = html.index('aria-label="メインメニュー"')
    return html[start:html.index("</nav>", start)]


@pytest.mark.parametrize(("role", "mypage", "mylist"), [("business", True, True), ("supporter", False, True),
                                                      ("staff", False, False)])
def test_the_menu_offers_only_pages_that_lead_somewhere(client, session, role, mypage, mylist):
    from portal.models import Role
    from tests.business_factories import PASSWORD, make_account
    from tests.web.test_accounts import login

    user = make_account(session, role=Role(role))
    login(client, email=user.email, password=PASSWORD)
    nav = _nav(text(client.get("/")))
    assert ('href="/mypage/"' in nav) is mypage
    assert ('href="/mylist/"' in nav) is mylist
    if role != "business":  # reached by its address, マイページ points to the screens of this role
        page = text(client.get("/mypage/"))
        assert "このアカウントでお使いいただける画面" in page
        assert ('href="/agency/businesses"' in page) is (role == "supporter")

