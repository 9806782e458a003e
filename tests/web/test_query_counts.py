"""How many SQL statements each main page runs: the same with N rows as with 3N (no N+1), under a
stated bound, and no statement run twice with the same parameters in one request.

A realistic business (10 決算期, 30 changes in the history, 5 saved items, 3 saved searches,
20 notifications, 3 consents, 5 経営カルテ, linked connectors and an agency), a 支援者 whose agency
has 20 linked businesses, a 職員 with 20 registered application sites, and an anonymous visitor
each open their pages with one unit of data, then again after two more units are added. Each page
is opened once before it is counted, so per-process caches (search catalog, おすすめ model, navi
region cache) are warm, as they are for almost every request in production.

The bounds are the counts measured when this file was written (the same on SQLite and PostgreSQL)
plus a margin of 2, so that a small new feature does not trip them but a page that starts to loop
does. The counts are behaviour, not timing: nothing here measures speed (that is `make bench`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock, store
from portal.clock import today
from portal.content.records import Ref
from portal.events.writer import event_writer
from portal.models import (
    AgencyKind,
    BenchmarkReport,
    Event,
    FinancialPeriod,
    Notification,
    OAuthClient,
    ProposedChange,
    Role,
    SavedItem,
    SupportAgency,
    User,
)
from portal.demo.business import seed_agencies
from portal.linking import get_connection, run_sync
from portal.members.invitations import invite
from portal.mylist.services import save_search
from portal.news.services import NewsDraft, save_item
from portal.oauth.scopes import ALL_SCOPES
from portal.oauth.services import grant_consent, log_access
from tests.business_factories import PASSWORD, make_account, make_business
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import csrf_from, submit, text
from tests.oauth_helpers import bearer, https_client, make_site, tokens_for
from tests.querycount import Queries, queries_for
from tests.web.test_accounts import login
from tests.web.test_benchmark_pages import BAKERY

pytestmark = pytest.mark.usefixtures("clock")

MINATO = "7123456789012"  # known to the connectors' sandboxes (gBizINFO, the agency sandbox, Jグランツ)
HX = {"HX-Request": "true"}
MARGIN = 2

# Statements per page with warm caches, as measured (SQLite = PostgreSQL); the bound is this + MARGIN.
BUSINESS_PAGES = {
    "/": 9,  # user, unread badge, 2× catalog version, 5 closing measures + tags, 3 cases + tags + their measures
    "/supports?q=補助金": 6,
    "/cases?q=設備": 8,
    "support": 12,  # the measure, tags, its cases, related measures + tags, saved, business + sources + periods,
                    # application sites, user, badge
    "case": 6,
    "/mypage/": 12,
    "/mypage/?region": 8,  # an htmx region of マイページ
    "/mypage/history": 5,
    "period": 6,
    "/mypage/links": 5,
    "/mypage/links/proposals": 6,  # user, badge, business, pending changes, sources, the 決算期 they are for
    "/mypage/links/gbizinfo": 8,  # …, the connection, a page of runs, their count, pending, values from it
    "/mypage/members/": 7,  # …, the membership, members, open invitations, the log of member events
    "/mypage/consents/": 6,
    "/mypage/interests": 4,
    "/benchmark/": 6,
    "/benchmark/reports": 5,
    "report": 5,
    "datasheet": 9,
    "/inbox": 3,
    "/notify/settings": 3,
    "/account/": 4,
    "/news/": 4,
    "news": 3,
    "/mylist/": 5,
    "/recommend/": 13,
    "/recommend/panel?place=top": 12,
    "/recommend/panel?place=mypage": 12,
    "similar support": 3,
    "similar case": 3,
    "/agencies?prefecture=14": 3,  # user, unread badge, the directory's version (the agencies: a per-process copy)
    "agency": 5,  # user, badge, the agency, the business and its linked agency
    "/expert-requests/": 6,  # user, badge, business, its requests, their agencies, the allowance's count
    "/expert-requests/new": 8,  # …, latest period (prefill), linked agency, the directory, allowance
    "expert request": 7,  # …, the request, its agency, the timeline, the agency's reads
}
API_PAGES = {"/api/v1/me/business": 7, "/api/v1/me/financials": 6, "/api/v1/me/benchmark": 5}
ANONYMOUS_PAGES = {
    "/": 7,
    "/supports?q=補助金": 1,  # the navi region comes from its cache; only the content version is checked
    "/cases?q=設備": 1,
    "support": 7,  # + 「この制度に関する記事」
    "case": 3,
    "/news/": 2,
    "news": 1,
    "/recommend/": 5,
    "/recommend/panel?place=top": 5,
    "similar support": 2,
    "similar case": 2,
    "/agencies?prefecture=14": 1,  # the directory's version; the agencies themselves come from the per-process copy
    "/agencies?q=支援&kind=tax_accountant": 1,
    "agencies region": 1,
    "agency": 1,
    "/articles/": 6,
    "/articles/?q=補助金": 7,
    "article": 5,
    "/api/v1/articles?q=補助金": 7,
    "api article": 5,
}
SUPPORTER_PAGES = {"/agency/businesses": 4, "/benchmark/shared/": 4, "/": 9,
                   "/agency/expert-requests/?tab=accepted": 5,
                   "agency expert request": 14}  # …, colleagues, the consented sections (one query each), the read
STAFF_PAGES = {"/staff/clients/": 3, "/news/manage": 3, "/": 9, "/staff/expert-requests/": 4,
               "staff expert request": 6,  # user, badge, the request, its business, its agency, the timeline
               "/staff/": 7, "/staff/supports": 5,
               "/staff/articles": 5, "support history": 7, "support diff": 7, "support edit": 7, "article edit": 9,
               "/staff/audit": 5}


@dataclass
class World:
    """What the pages show; `grow` adds one unit of everything."""

    app: object
    session: object
    units: int = 0
    supports: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)
    news: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    owner: User | None = None
    business: object = None
    web: object = None
    token: str = ""
    agency: SupportAgency | None = None
    names: itertools.count = field(default_factory=itertools.count)

    # --- content everyone sees -----------------------------------------------------------------

    def add_catalog(self) -> tuple[list[int], list[int]]:
        """10 measures that name each other as related, and 6 cases that used all of them."""
        day, batch = today(), [f"q{next(self.names)}" for _ in range(10)]
        supports = add_supports(self.session, *[
            support_record(f"ものづくり補助金 {key}", source_id=key, purpose=[1 + i % 5], stage=[1 + i % 3], service=[3],
                           industry=["E"], prefecture=["13"] if i % 2 else [], summary="設備投資を支援します。",
                           reception_end=day + timedelta(days=5 + i),
                           related=[Ref(title="関連", source="test", source_id=other) for other in batch if other != key])
            for i, key in enumerate(batch)])
        cases = add_cases(self.session, *[
            case_record(f"町工場の設備更新 {batch[0]}-{i}", supports=batch, purpose=[1 + i % 5], industry=["E"],
                        prefecture=["13"]) for i in range(6)])
        self.supports += supports
        self.cases += cases
        return supports, cases

    def add_news(self) -> None:
        author = self.session.scalar(select(User).where(User.role == Role.STAFF)) or \
            make_account(self.session, "henshu@example.jp", role=Role.STAFF)
        for i in range(8):
            item = save_item(self.session, author, NewsDraft(title=f"お知らせ{next(self.names)}", category="notice",
                                                             summary="概要", body="本文です。", publish=True))
            self.news.append(item.id)
        self.session.commit()

    def add_articles(self, supports: list[int]) -> None:
        """8 articles naming 3 measures each, and 2 edits of a measure and of an article (revisions)."""
        from portal.editorial import services as editorial
        from portal.editorial.snapshots import support_snapshot
        from portal.models import Article, Support

        author = self.session.scalar(select(User).where(User.role == Role.STAFF))
        for i in range(8):
            article = Article(category=["basics", "finance"][i % 2], title=f"補助金の記事{next(self.names)}", summary="概要",
                              body="補助金の申請の流れ。", published_at=clock.now(), author_id=author.id,
                              supports=[self.session.get(Support, s) for s in supports[i % 3:][:3]])
            self.session.add(article)
            self.session.flush()
            self.articles.append(article.id)
        editorial.record_changes(self.session, "articles", self.articles)
        first = self.session.get(Support, self.supports[0])
        for n in range(2):
            data = {**support_snapshot(first), "summary": f"書き直し{next(self.names)}"}
            editorial.save_draft(self.session, author, "support", first, data, note=f"修正{n}")
            art = self.session.get(Article, self.articles[0])
            editorial.save_draft(self.session, author, "article", art, {**editorial.snapshots.article_snapshot(art),
                                                                         "title": f"直した記事{next(self.names)}"})
        self.session.commit()

    def browse(self, supports: list[int], cases: list[int]) -> None:
        """Four visitors look at measures and cases the business has not saved (for おすすめ)."""
        for v in range(4):
            visitor = self.app.test_client()
            for support_id in supports[5 + v % 2:][:4]:
                visitor.get(f"/supports/{support_id}")
            for case_id in cases[3:]:
                visitor.get(f"/cases/{case_id}")

    # --- the business --------------------------------------------------------------------------

    def register_business(self) -> None:
        self.web = https_client(self.app)
        self.owner = make_account(self.session, "owner@example.jp")
        self.business = make_business(self.session, self.owner, corporate_number=MINATO, name="株式会社みなと製作所")
        assert login(self.web, email=self.owner.email, password=PASSWORD).status_code == 303
        seed_agencies(self.session)  # the sandbox links only agencies the directory lists
        self.session.commit()
        typed = {"agency": {"credential_0": "109914000109"}}
        for name in ("gbizinfo", "agency", "jgrants", "freee"):
            assert submit(self.web, f"/mypage/links/{name}/link", {"mode": "sandbox", **typed.get(name, {})}).status_code == 303
        ids = [str(c.id) for c in self.session.scalars(select(ProposedChange).where(ProposedChange.section == "agency"))]
        assert submit(self.web, "/mypage/links/proposals", {"change": ids, "decision": "accept"}).status_code == 303
        self.token = tokens_for(self.web, make_site(self.session, name="プレプリント申請サイト"))["access_token"]

    def add_business_data(self, supports: list[int], cases: list[int]) -> None:
        session, user, business, unit = self.session, self.owner, self.business, self.units
        for i in range(10):
            year = 2024 - unit * 10 - i
            store.add_period(session, business, {"period_end": f"{year}-03-31", "months": 12, "employees": 20,
                                                 "net_sales": 300_000_000 + year, "operating_income": 12_000_000,
                                                 "total_assets": 250_000_000, "net_assets": 90_000_000},
                             store.MANUAL, user)
        for i in range(30):
            store.update_fields(session, business, "basic", None, {"capital": str(10_000_000 + unit * 100 + i)},
                                store.MANUAL, user)
        for i in range(3):
            store.add_officer(session, business, {"title": "取締役", "name": f"役員{unit}-{i}"}, store.MANUAL, user)
        for i in range(3):
            store.add_member(session, business, make_account(session))
            invite(session, user, f"invited{unit}-{i}@example.jp")
        connection = get_connection(session, business, "gbizinfo")
        for _ in range(5):
            run_sync(session, self.app, connection, today())
        session.add_all([SavedItem(user_id=user.id, support_id=s) for s in supports[:4]] +
                        [SavedItem(user_id=user.id, case_id=cases[0])])
        session.add_all([Notification(user_id=user.id, key=f"q:{unit}:{i}", kind="search", title=f"新しい制度{i}",
                                      body="条件に合う制度が増えました。", url="/supports", created_at=clock.now(),
                                      read_at=clock.now() if i % 2 else None) for i in range(20)])
        session.commit()
        for i in range(3):
            save_search(session, user, "support", f"保存した検索{unit}-{i}", f"q=補助金{i}")
        for i in range(3):
            site = make_site(session, name=f"申請サイト{unit}-{i}")
            consent = grant_consent(session, business, session.get(OAuthClient, site.pk), user, list(ALL_SCOPES))
            log_access(session, site.pk, consent.id, user.id, business.id, "/api/v1/me/business", list(ALL_SCOPES))
        session.commit()
        for _ in range(5):
            page = text(self.web.get("/benchmark/"))
            response = self.web.post("/benchmark/", data={"csrf_token": csrf_from(page), **BAKERY, "action": "save"})
            assert response.status_code == 303, text(response)[:500]

    # --- the 支援者 and the 職員 ------------------------------------------------------------------

    def add_agency_businesses(self) -> None:
        if self.agency is None:
            self.agency, _ = store.upsert_agency(self.session, {
                "certification_number": "109913000555", "name": "みなと経営支援センター",
                "kind": AgencyKind.FINANCIAL_INSTITUTION, "prefecture": "14", "regions": ["14", "13"]})
            store.add_agency_member(self.session, self.agency,
                                    make_account(self.session, "shien@example.jp", role=Role.SUPPORTER))
        for i in range(20):
            owner = make_account(self.session)
            business = make_business(self.session, owner, kind="sole_proprietor", corporate_number=None,
                                     name=f"みなと商店{next(self.names)}")
            store.link_agency(self.session, business, self.agency, store.MANUAL, owner)
        self.session.commit()

    def add_expert_requests(self) -> None:
        """Three 専門家派遣依頼 of the business to the 支援者's agency (依頼中, 対応中, 日程確定), each read once."""
        from portal.experts.services import new_draft
        from portal.experts.states import AGENCY, BUSINESS, move
        from portal.models import ExpertRequestRead, RequestState

        for i, steps in enumerate(([], [RequestState.ACCEPTED], [RequestState.ACCEPTED, RequestState.SCHEDULED])):
            request = new_draft(self.session, self.business, self.owner)
            request.themes, request.agency_id = [["cash"], ["it_dx", "sales"], ["succession"]][i], self.agency.id
            request.consented_sections = ["basic", "period", "officer"]
            move(self.session, request, RequestState.SENT, BUSINESS, self.owner)
            for to in steps:
                if to is RequestState.SCHEDULED:
                    request.visit_on, request.visit_time, request.visit_place = today() + timedelta(days=9), "10:00", "本社"
                    request.expert_name = "専門家"
                move(self.session, request, to, AGENCY)
            self.session.add(ExpertRequestRead(request_id=request.id, business_id=self.business.id, sections=["basic"]))
        self.session.commit()

    def add_directory(self) -> None:
        """20 more agencies in the public directory (支援機関を探す)."""
        for i in range(20):
            n = next(self.names)
            store.upsert_agency(self.session, {
                "certification_number": f"2099{n:08d}", "name": f"みなと支援事務所{n}", "prefecture": "14",
                "kind": AgencyKind.TAX_ACCOUNTANT if i % 2 else AgencyKind.FINANCIAL_INSTITUTION,
                "specialties": ["事業承継", f"得意分野{i % 5}"], "regions": ["14", "13"],
                "valid_until": today() + timedelta(days=i - 3)})
        self.session.commit()

    def add_sites(self) -> None:
        for _ in range(20):
            make_site(self.session, name=f"登録された申請サイト{next(self.names)}")

    def grow(self) -> None:
        """One more unit of everything."""
        if self.owner is None:
            self.register_business()
        supports, cases = self.add_catalog()
        self.add_news()
        self.add_articles(supports)
        self.browse(supports, cases)
        self.add_business_data(supports, cases)
        self.add_agency_businesses()
        self.add_expert_requests()
        self.add_directory()
        self.add_sites()
        self.units += 1
        event_writer(self.app).flush()
        self.app.extensions.pop("recommend_model", None)  # refitted by the warm-up request

    # --- measuring -----------------------------------------------------------------------------

    def url(self, page: str) -> tuple[str, dict]:
        first_report = self.session.scalar(select(BenchmarkReport.id).order_by(BenchmarkReport.id))
        first_period = self.session.scalar(select(FinancialPeriod.id).order_by(FinancialPeriod.id))
        support, case = self.supports[0], self.cases[0]
        return {
            "support": (f"/supports/{support}", {}),
            "case": (f"/cases/{case}", {}),
            "/mypage/?region": ("/mypage/", {"headers": {**HX, "HX-Target": "periods"}}),
            "period": (f"/mypage/periods/{first_period}", {}),
            "report": (f"/benchmark/reports/{first_report}", {}),
            "datasheet": (f"/supports/{support}/datasheet", {}),
            "news": (f"/news/{self.news[0]}", {}),
            "article": (f"/articles/{self.articles[0]}", {}),
            "api article": (f"/api/v1/articles/{self.articles[0]}", {}),
            "support history": (f"/staff/supports/{support}/history", {}),
            "support diff": (f"/staff/supports/{support}/diff", {}),
            "support edit": (f"/staff/supports/{support}/edit", {}),
            "article edit": (f"/staff/articles/{self.articles[0]}/edit", {}),
            "/recommend/panel?place=top": ("/recommend/panel?place=top", {"headers": HX}),
            "/recommend/panel?place=mypage": ("/recommend/panel?place=mypage", {"headers": HX}),
            "similar support": (f"/recommend/similar/support/{support}", {"headers": HX}),
            "similar case": (f"/recommend/similar/case/{case}", {"headers": HX}),
            "agency": (f"/agencies/{self.agency.id}", {}),
            "expert request": (f"/expert-requests/{self._first_expert_request()}", {}),
            "agency expert request": (f"/agency/expert-requests/{self._first_expert_request()}", {}),
            "staff expert request": (f"/staff/expert-requests/{self._first_expert_request()}", {}),
            "agencies region": ("/agencies?specialty=事業承継", {"headers": {**HX, "HX-Target": "navi-region"}}),
        }.get(page, (page, {}))

    def _first_expert_request(self) -> int:
        from portal.models import ExpertRequest

        return self.session.scalar(select(ExpertRequest.id).order_by(ExpertRequest.id))

    def measure(self, client, pages, **extra) -> dict[str, Queries]:
        counted = {}
        for page in pages:
            url, kwargs = self.url(page)
            kwargs = {**kwargs, **extra}
            client.open(url, **kwargs)  # warm the per-process caches
            response, queries = queries_for(self.app, client, url, **kwargs)
            assert response.status_code == 200, (page, response.status_code)
            counted[page] = queries
        return counted


def logged_in(app, email: str):
    client = https_client(app)
    assert login(client, email=email, password=PASSWORD).status_code == 303
    return client


@pytest.fixture
def world(app, session):
    app.config["RECOMMEND_MODEL_MAX_AGE"] = 3600  # refitted only when `grow` drops it
    world = World(app, session)
    world.grow()
    return world


def check(world: World, bounds: dict[str, int], measure) -> None:
    """Counts at N and at 3N rows: equal, within the bound, and no statement repeated."""
    before = measure()
    world.grow()
    world.grow()
    after = measure()
    problems = []
    for page, bound in bounds.items():
        small, large = before[page], after[page]
        if len(small) != len(large):
            problems.append(f"{page}: {len(small)} statements with 1 unit of data, {len(large)} with 3\n{large}")
        elif len(large) > bound + MARGIN:
            problems.append(f"{page}: {len(large)} statements, more than {bound} + {MARGIN}\n{large}")
        if large.repeated():
            problems.append(f"{page}: the same statement ran twice: {large.repeated()}")
    assert not problems, "\n\n".join(problems)


def test_a_business_s_pages_do_not_grow_with_its_data(world):
    check(world, BUSINESS_PAGES, lambda: world.measure(world.web, BUSINESS_PAGES))


def test_the_once_only_api_reads_do_not_grow_with_the_data(world):
    check(world, API_PAGES, lambda: world.measure(world.web, API_PAGES, headers=bearer(world.token)))


def test_a_visitor_s_pages_do_not_grow_with_the_catalog(world):
    visitor = world.app.test_client()
    check(world, ANONYMOUS_PAGES, lambda: world.measure(visitor, ANONYMOUS_PAGES))


def test_the_supporter_s_list_does_not_grow_with_the_linked_businesses(world):
    supporter = logged_in(world.app, "shien@example.jp")
    check(world, SUPPORTER_PAGES, lambda: world.measure(supporter, SUPPORTER_PAGES))


def test_the_staff_s_screens_do_not_grow_with_the_registered_sites(world, session):
    make_account(session, "shokuin@example.jp", role=Role.STAFF)
    staff = logged_in(world.app, "shokuin@example.jp")
    check(world, STAFF_PAGES, lambda: world.measure(staff, STAFF_PAGES))


def test_the_header_asks_for_the_unread_count_once_per_page(world):
    """The badge is in the header of every page; a page that also shows the inbox must not count again."""
    for page in ("/", "/inbox", "/mypage/"):
        url, kwargs = world.url(page)
        _response, queries = queries_for(world.app, world.web, url, **kwargs)
        assert sum("count(notifications.id)" in s for s in queries.statements) == 1, (page, str(queries))


def test_the_counter_ignores_the_event_log_writer(world, session):
    """The log's batch insert runs on its own connection whenever its queue is due; it is not the page's."""
    writer, url = event_writer(world.app), world.url("support")[0]
    writer.batch_size = 1000  # the view this page notes stays queued
    world.web.get(url)
    _response, queued = queries_for(world.app, world.web, url)
    writer.batch_size = 1  # now it is written before the response
    logged = select(func.count(Event.id))
    before = session.scalar(logged)
    _response, written = queries_for(world.app, world.web, url)
    assert session.scalar(logged) > before
    assert not any("INSERT INTO events" in s for s in written.statements), str(written)
    assert len(written) == len(queued)
