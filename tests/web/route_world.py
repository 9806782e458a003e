"""A small world for walking every route: two businesses with data of their own, a 支援者 of the
agency linked to the first, a 職員, and an anonymous visitor — each with a logged-in test client.

Everything is written the way the portal writes it (the store, the services, the 経営カルテ screen
over HTTP), so the ids the walker puts into URLs are real ones. Each business also carries strings
found nowhere else (its name, 法人番号, the owner's e-mail, a saved search, a notification, the vision
typed into a report) so a page that shows another business's data is caught by a plain `in`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal import clock, store
from portal.accounts import tokens
from portal.models import (
    AgencyKind,
    Business,
    LoginSession,
    NewsCategory,
    NewsItem,
    Notification,
    OAuthClient,
    ProposedChange,
    PushSubscription,
    Role,
    User,
)
from portal.mylist import services as mylist
from portal.notify.settings import renew_calendar_token, unsubscribe_token
from portal.oauth.services import grant_consent
from tests.business_factories import (
    PASSWORD,
    VALID_NUMBERS,
    make_account,
    make_business,
)
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import csrf_from, submit, text
from tests.oauth_helpers import make_site
from tests.web.test_accounts import login
from tests.web.test_benchmark_pages import BAKERY, save

ACTORS = ("anonymous", "a", "b", "supporter", "staff")


@dataclass
class Owner:
    """One business with its owner and the ids of its records."""

    user: User
    business: Business
    secrets: dict[str, str]  # what only this business (and whom it chose) may see: label → text
    shared_text: str  # the vision typed into the report it shares with its agency
    private_text: str  # the vision typed into the report it keeps to itself
    report_shared: int = 0
    report_private: int = 0
    period: int = 0
    shareholder: int = 0
    officer: int = 0
    office: int = 0
    consent: int = 0
    notification: int = 0
    saved_search: int = 0
    calendar_token: str = ""
    push_endpoint: str = ""
    login_session: int = 0  # the server-side session of the owner's logged-in client
    changes: list[int] = field(default_factory=list)
    member: int = 0  # a colleague sharing the business (removed by the walker)
    heir: int = 0  # another colleague (made 管理者 by the walker, last)
    invitation: int = 0
    invitation_token: str = ""
    expert_request: int = 0  # a 専門家派遣依頼 sent to the agency (日程確定), consenting to 事業財務情報 only


@dataclass
class World:
    app: object
    session: object
    clients: dict[str, object]
    a: Owner
    b: Owner
    support: int
    case: int
    site_pk: int
    site_client_id: str
    news_published: int
    news_draft: int
    throwaway: User  # an account with no data, whose e-mail tokens the walker may spend
    connectors: tuple[str, ...]
    article_published: int = 0
    article_draft: int = 0

    def csrf(self, actor: str) -> str:
        return csrf_from(text(self.clients[actor].get("/account/login" if actor == "anonymous" else "/account/")))


def _owner(app, session, client, key: str, name: str, number: str, email: str, agency=None) -> Owner:
    user = make_account(session, email)
    business = make_business(session, user, corporate_number=number, name=name)
    owner = Owner(user, business, secrets={}, shared_text=f"{key}社の共有した十年計画", private_text=f"{key}社の秘密の十年計画")
    assert login(client, email=email, password=PASSWORD).status_code == 303
    owner.login_session = session.scalar(select(LoginSession.id).where(LoginSession.user_id == user.id))
    owner.period = store.add_period(session, business, {"period_end": "2024-03-31", "months": "12",
                                                        "net_sales": "98,765,432"}, store.MANUAL, user).id
    owner.shareholder = store.add_record(session, business, "shareholder", {"name": f"{key}株主会"},
                                         store.MANUAL, user).id
    owner.officer = store.add_record(session, business, "officer", {"title": "取締役", "name": f"{key}役員太郎"},
                                     store.MANUAL, user).id
    owner.office = store.add_record(session, business, "office", {"name": f"{key}第二工場"}, store.MANUAL, user).id
    if agency is not None:
        store.link_agency(session, business, agency, store.MANUAL, user)
    session.commit()
    owner.report_shared = save(client, {**BAKERY, "nf_owner_vision": owner.shared_text})
    owner.report_private = save(client, {**BAKERY, "nf_owner_vision": owner.private_text})
    if agency is not None:
        shared = submit(client, "/benchmark/", {}, action=f"/benchmark/reports/{owner.report_shared}/share")
        assert shared.status_code == 303, text(shared)
    owner.saved_search = mylist.save_search(session, user, "support", f"{key}社の保存した検索", "q=補助金").id
    note = Notification(user_id=user.id, key=f"walk:{key}", kind="search", title=f"{key}社あての通知",
                        body="説明", url="/supports", created_at=clock.now())
    owner.push_endpoint = f"https://push.example.jp/{key}-endpoint"
    session.add_all([note, PushSubscription(user_id=user.id, endpoint=owner.push_endpoint, p256dh="k" * 20,
                                            auth="a" * 16)])
    session.commit()
    owner.notification = note.id
    owner.calendar_token = renew_calendar_token(session, user.id)
    session.commit()
    linked = submit(client, "/mypage/links/gbizinfo/link", {"mode": "sandbox"})
    assert linked.status_code == 303, text(linked)
    owner.changes = list(session.scalars(select(ProposedChange.id).where(ProposedChange.business_id == business.id)))
    _colleagues(app, session, owner, email)
    owner.secrets |= {"法人番号": number, "メール": email, "保存した検索": f"{key}社の保存した検索",
                     "通知": f"{key}社あての通知", "共有していないカルテ": owner.private_text,
                     "株主": f"{key}株主会", "役員": f"{key}役員太郎", "事業所": f"{key}第二工場"}
    return owner


def _colleagues(app, session, owner: Owner, email: str) -> None:
    """Two colleagues sharing the business and an invitation not yet used, as 会社のメンバー makes them."""
    from portal.members.invitations import invite, token_for

    owner.member = store.add_member(session, owner.business, make_account(session, email.replace("@", "+member@"))).id
    owner.heir = store.add_member(session, owner.business, make_account(session, email.replace("@", "+heir@"))).id
    invitation, _replaced = invite(session, owner.user, email.replace("@", "+invited@"))
    session.commit()
    owner.invitation = invitation.id
    with app.app_context():
        owner.invitation_token = token_for(invitation)
    owner.secrets.update({"メンバー": email.replace("@", "+member@"), "招待したメール": email.replace("@", "+invited@")})


def build_world(app, session) -> World:
    app.config["GBIZID_STANDIN"] = True  # so its routes and GビズID log-in answer instead of 404
    [support] = add_supports(session, support_record("歩き回り補助金", application_url="https://shinsei.example.jp/apply",
                                                     reception_end=date(2026, 12, 25)))
    [case] = add_cases(session, case_record("歩き回りの事例", supports=[]))
    agency, _ = store.upsert_agency(session, {"certification_number": "109914000109", "name": "みなと信用金庫",
                                              "kind": AgencyKind.FINANCIAL_INSTITUTION})
    session.commit()
    clients = {actor: app.test_client() for actor in ACTORS}
    a = _owner(app, session, clients["a"], "あかね", "株式会社あかね試験工房", VALID_NUMBERS[0], "akane@example.jp", agency)
    b = _owner(app, session, clients["b"], "ぶな", "株式会社ぶなの木商店", VALID_NUMBERS[1], "buna@example.jp")
    a.secrets["商号"], b.secrets["商号"] = "株式会社あかね試験工房", "株式会社ぶなの木商店"
    a.expert_request = _expert_request(session, a, agency)

    supporter = make_account(session, "shien@example.jp", role=Role.SUPPORTER)
    store.add_agency_member(session, agency, supporter)
    staff = make_account(session, "shokuin@example.jp", role=Role.STAFF)
    session.commit()
    for actor, user in (("supporter", supporter), ("staff", staff)):
        assert login(clients[actor], email=user.email, password=PASSWORD).status_code == 303

    site = make_site(session, name="歩き回り申請サイト")
    client_row = session.get(OAuthClient, site.pk)
    for owner in (a, b):
        owner.consent = grant_consent(session, owner.business, client_row, owner.user, list(client_row.scopes)).id
    published = NewsItem(category=NewsCategory.NOTICE, title="歩き回りのお知らせ", body="本文", published_at=clock.now())
    draft = NewsItem(category=NewsCategory.EVENT, title="歩き回りの下書き", body="まだ秘密", published_at=None)
    session.add_all([published, draft])
    session.commit()
    throwaway = make_account(session, "sutemi@example.jp")
    from portal.plugins import connectors

    with app.app_context():
        names = tuple(sorted(connectors()))
    from portal.models import Article, Support

    article = Article(category="basics", title="歩き回りの記事", body="本文", published_at=clock.now(),
                      supports=[session.get(Support, support)])
    article_draft = Article(category="finance", title="歩き回りの下書き記事", body="まだ秘密")
    session.add_all([article, article_draft])
    session.commit()
    return World(app, session, clients, a, b, support, case, site.pk, site.client_id, published.id, draft.id,
                 throwaway, names, article.id, article_draft.id)


def _expert_request(session, owner: Owner, agency) -> int:
    """A request of the owner's business sent to `agency`, accepted and scheduled, as the pages make it."""
    from datetime import timedelta

    from portal.experts.services import new_draft
    from portal.experts.states import AGENCY, BUSINESS, move
    from portal.models import RequestState

    request = new_draft(session, owner.business, owner.user)
    request.themes, request.agency_id, request.consented_sections = ["cash"], agency.id, ["period"]
    request.description = "歩き回りの相談"
    move(session, request, RequestState.SENT, BUSINESS, owner.user)
    move(session, request, RequestState.ACCEPTED, AGENCY)
    request.visit_on, request.visit_time = clock.today() + timedelta(days=10), "14:00"
    request.visit_place, request.expert_name = "本社", "歩き回り専門家"
    move(session, request, RequestState.SCHEDULED, AGENCY)
    request.report_photo, request.report_photo_type = b"walk-photo", "image/png"  # the photo routes (text: the walk reads bodies as text)
    session.commit()
    return request.id


def account_token(world: World, purpose: str) -> str:
    """A real confirmation, reset or e-mail change token of the throwaway account."""
    user = world.throwaway
    payload = {tokens.CONFIRM: {"uid": user.id, "email": user.email},
               tokens.RESET: {"uid": user.id, "pw": tokens.password_fingerprint(user.password_hash)},
               tokens.EMAIL_CHANGE: {"uid": user.id, "old": user.email, "new": "sutemi2@example.jp"}}[purpose]
    with world.app.app_context():
        return tokens.make_token(purpose, payload)


def unsubscribe_of(world: World, owner: Owner) -> str:
    return unsubscribe_token(world.app.config["SECRET_KEY"], owner.user)


def business_row(world: World, owner: Owner) -> Business:
    world.session.expire_all()
    return world.session.get(Business, owner.business.id)
