"""Every route of the portal, requested by everyone: an anonymous visitor, the owners of two
businesses A and B, a 支援者 of the agency A works with, and a 職員 (SQLite and PostgreSQL).

The routes come from `app.url_map`, so a new route is walked without anyone adding it here. Its
path parameters are filled from the world in `route_world` by parameter name (an id of A, a public
measure, a connector name…); a route with a parameter the walker does not know fails the test until
it is taught here (or listed in UNFILLABLE with the reason). Who may open what is written down in a
few tables — public pages, 職員 pages, the 支援者 page, the capability links whose secret is in the
URL, the CSRF exemptions — and every table is checked against the routes that exist, both ways.

The rules asserted for each request:
- no 5xx, for GET and HEAD and for every POST;
- an anonymous visitor never gets a page that needs a log-in (the log-in redirect, 401, 403 or 404);
- a URL holding one of A's ids answers 403/404 to everyone A did not choose (B, 職員, the 支援者 —
  who may open A's shared 経営カルテ, and only that one), and a success to those A did choose;
- no response to B, a visitor, the 職員 or the 支援者 contains A's private strings (and A never sees
  B's); the 支援者 sees A's name and the shared report, never the other report;
- 職員 pages refuse every other account with 403;
- every POST without a CSRF token is refused (400), except the listed, reasoned exemptions;
- B, the 支援者 and the 職員 posting against A's ids get 403/404 and the database is unchanged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter

from portal.db import Base, get_db
from portal.extensions import csrf
from tests.helpers import text
from tests.web.route_world import (
    ACTORS,
    World,
    account_token,
    build_world,
    unsubscribe_of,
)

pytestmark = pytest.mark.usefixtures("clock")

# --- what the walker must be told ----------------------------------------------------------------

#: Open to everyone; the reason is what makes each one public.
PUBLIC = {
    "main.index": "トップページ", "main.healthz": "監視用の死活確認",
    "health.readyz": "監視用の準備確認（依存先ごとの状態だけ、中身は出さない）",
    "oauth.metadata": "RFC 8414: 申請サイトが読む認可サーバーの情報",
    "oauth.authorize": "申請サイトからの依頼をまず確かめ、それからログインへ送る",
    "accounts.login": "ログイン", "accounts.register": "新規登録", "accounts.registered": "登録後の案内",
    "accounts.resend": "確認メールの再送", "accounts.reset_request": "パスワード再設定の依頼",
    "accounts.reset_sent": "再設定メール送信の案内",
    "gbizid.login": "GビズIDでログインの開始", "gbizid.callback": "GビズIDからの戻り先",
    "navi.support_search": "支援制度ナビ", "navi.support_detail": "支援制度の詳細", "navi.case_search": "事例ナビ",
    "navi.case_detail": "事例の詳細", "agencies.search": "支援機関を探す（公表された認定支援機関の一覧）",
    "agencies.detail": "支援機関の詳細（公表された項目だけ）", "events.apply": "電子申請サイトへの転送（URLは制度の登録値）",
    "news.index": "お知らせ", "news.detail": "公開済みのお知らせ", "news.rss": "RSS", "news.atom": "Atom",
    "recommend.index": "おすすめ（訪問者にも）", "recommend.panel": "おすすめの部分表示",
    "recommend.similar": "この制度を見た人は", "recommend.go": "おすすめのクリック計測",
    "pwa.manifest": "PWA", "pwa.service_worker": "PWA", "pwa.offline": "PWA", "pwa.favicon": "PWA",
    "api.supports": "公開API", "api.support": "公開API", "api.cases": "公開API", "api.case": "公開API",
    "api.openapi": "公開API", "api.benchmark": "公開API（計算だけ、保存しない）",
    "gbizid_standin.discovery": "開発用GビズIDの公開情報", "gbizid_standin.jwks": "開発用GビズIDの公開鍵",
    "gbizid_standin.authorize": "開発用GビズIDの利用者選択", "gbizid_standin.token": "開発用GビズIDのトークン",
    "gbizid_standin.userinfo": "開発用GビズIDのUserInfo（アクセストークンで守る）",
    "joining.guide": "会社のメンバーの追加のしかた（説明だけ）",
    "articles.index": "経営お役立ちコンテンツ（公開済みの記事だけ）", "articles.detail": "公開済みの記事（下書きは404）",
    "articles.atom": "記事のAtomフィード", "api.articles": "公開API", "api.article": "公開API（下書きは404）",
    "site.terms": "利用規約", "site.privacy": "プライバシーポリシー", "site.faq": "よくある質問",
    "site.accessibility": "アクセシビリティ方針", "site.sitemap": "サイトマップ",
    "site.contact": "お問い合わせ（誰でも送れる。CSRFと回数の制限つき）", "site.contact_sent": "お問い合わせ受付の案内",
    "site.account_deleted": "アカウント削除後の案内（ログアウトした後に表示する）",
}

#: Links sent by mail or pasted into a calendar program: the secret in the URL is the authorization,
#: so whoever holds the link may open it. Guessing and reuse are tested in test_capability_links.py.
CAPABILITY = {
    "accounts.confirm": "メールアドレス確認のリンク（署名つき、期限つき）",
    "accounts.reset_password": "パスワード再設定のリンク（署名つき、期限つき、使うと無効）",
    "accounts.confirm_email_change": "メールアドレス変更のリンク（署名つき、期限つき）",
    "notify.unsubscribe": "配信停止のリンク（署名つき）", "notify.unsubscribe_confirm": "RFC 8058 のワンクリック配信停止",
    "notify.calendar_feed": "カレンダー購読のURL（推測できない乱数、作り直すと無効）",
    "joining.join": "会社のメンバーへの招待のリンク（署名つき、期限つき、一度だけ。参加できるのは招待されたアカウントだけ）",
}

#: What a capability link shows to whoever holds it, because that is what it is about: the invitation
#: names the business that invites and the address it was sent to.
CAPABILITY_SHOWS = {"joining.join": {"A の商号", "A の招待したメール"}}

#: What 職員 pages show to 職員 because overseeing it is their job: the list of 専門家派遣依頼 names the
#: business that sent each one (A's request to its agency).
STAFF_SHOWS = {"staff_experts.index": {"A の商号"}, "staff_experts.export": {"A の商号"},
               "staff_experts.detail": {"A の商号"}}

#: Only 職員 (the staff role): every other account gets 403.
STAFF_ONLY = {"news.manage", "news.create", "news.edit", "news.publish", "staff_clients.index", "staff_clients.new",
               "staff_clients.edit", "staff_clients.set_active", "staff_experts.index", "staff_experts.export",
               "staff_experts.detail", "staff_experts.settings", "staff_experts.photo",
               "editorial.home", "editorial.support_list", "editorial.article_list", "editorial.support_edit",
               "editorial.article_new", "editorial.article_edit", "editorial.case_list", "editorial.case_edit",
               "editorial.support_new", "editorial.case_new", "editorial.audit",
               *(f"editorial.{kind}_{action}" for kind in ("support", "article", "case")
                 for action in ("history", "diff", "submit", "review", "publish", "revert")),
               "site.inquiries"}

#: Only 支援者: every other account gets 403.
SUPPORTER_ONLY = {"agency.businesses", "expert_inbox.index", "expert_inbox.new", "expert_inbox.create"}

#: POSTs that take no CSRF token, and why.
CSRF_EXEMPT = {
    "api.benchmark": "公開API: Cookie を使わない計算だけの JSON API（/api/*）",
    "oauth.token": "RFC 6749: 申請サイトのサーバーがクライアント認証つきで呼ぶ（ブラウザではない）",
    "oauth.revoke": "RFC 7009: 申請サイトのサーバーがクライアント認証つきで呼ぶ",
    "notify.unsubscribe_confirm": "RFC 8058: メールソフトがフォームなしで POST する（署名が守る）",
    "gbizid_standin.token": "開発用GビズID: ポータルのサーバーがクライアント認証つきで呼ぶ",
    "gbizid_standin.userinfo": "開発用GビズID: アクセストークンで呼ぶ",
}
#: Whole blueprints exempt from CSRF, and why.
CSRF_EXEMPT_BLUEPRINTS = {
    "api": "公開API（/api/v1）: Cookie による認証がない",
    "api_me": "ワンスオンリーAPI（/api/v1/me）: Bearer トークンだけで認証する",
}

#: Routes the walker does not request, and why.
UNFILLABLE = {"static": "ファイルの配信（ページではない）。ヘッダーは test_security.py が確かめる"}

#: Data that legitimately changes when someone is refused (the log of log-ins and events).
VOLATILE_TABLES = {"audit_events": "ログインなどの記録", "events": "閲覧・クリックの記録（利用分析）"}


# --- filling path parameters ----------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One URL to request, and who may succeed on it (None: the route's own rules decide)."""

    endpoint: str
    url: str
    allowed: frozenset[str] | None = None
    values: tuple[tuple[str, object], ...] = ()

    @property
    def owned(self) -> bool:
        return self.allowed is not None


A_ONLY = frozenset({"a"})
SHARED = frozenset({"supporter"})  # A's shared report, opened on the 支援者's page
NOBODY = frozenset()


def _values(world: World, endpoint: str, name: str, rule) -> list[tuple[object, frozenset | None]]:
    """The values to try for one parameter, each with who may open the result."""
    a = world.a
    if name == "report_id":
        if endpoint == "locaben.shared":
            return [(a.report_shared, SHARED), (a.report_private, NOBODY)]
        return [(a.report_shared, A_ONLY), (a.report_private, A_ONLY)]
    if name == "token":
        return [(_token(world, endpoint), None), ("x" * 43, None)]
    if name == "item_id" and endpoint.startswith("news."):
        return [(world.news_published, None), (world.news_draft, None)]
    if name == "article_id":
        return [(world.article_published, None), (world.article_draft, None)]
    if name == "kind":
        return [(kind, None) for kind in sorted(rule._converters["kind"].items)]
    if name == "member_id":  # a colleague of A: removed by one route, made 管理者 by the other
        return [(a.heir if endpoint == "members.pass_owner" else a.member, A_ONLY)]
    if name == "invitation_id":
        return [(a.invitation, A_ONLY)]
    if name == "request_id":  # A's 専門家派遣依頼: A's own pages, and the inbox of the agency it was sent to
        if endpoint.startswith("staff_experts."):
            return [(a.expert_request, frozenset({"staff"}))]
        return [(a.expert_request, SHARED if endpoint.startswith("expert_inbox.") else A_ONLY)]
    if name == "agency_id":  # the public directory entry of the agency A works with
        from portal.store import find_agency

        return [(find_agency(world.session, "109914000109").id, None)]
    simple = {
        "period_id": [(a.period, A_ONLY)], "consent_id": [(a.consent, A_ONLY)],
        "notification_id": [(a.notification, A_ONLY)], "search_id": [(a.saved_search, A_ONLY)],
        "session_id": [(a.login_session, A_ONLY)],
        "support_id": [(world.support, None)], "case_id": [(world.case, None)], "client_pk": [(world.site_pk, None)],
        "name": [(connector, None) for connector in world.connectors],
    }
    if name not in simple:
        raise LookupError(name)
    return simple[name]


def _token(world: World, endpoint: str) -> str:
    from portal.accounts import tokens

    return {"accounts.confirm": lambda: account_token(world, tokens.CONFIRM),
            "accounts.reset_password": lambda: account_token(world, tokens.RESET),
            "accounts.confirm_email_change": lambda: account_token(world, tokens.EMAIL_CHANGE),
            "notify.unsubscribe": lambda: unsubscribe_of(world, world.a),
            "notify.unsubscribe_confirm": lambda: unsubscribe_of(world, world.a),
            "notify.calendar_feed": lambda: world.a.calendar_token,
            "joining.join": lambda: world.a.invitation_token}[endpoint]()


def _coupled(world: World, endpoint: str, rule) -> list[dict] | None:
    """Parameters that only make sense together."""
    a = world.a
    if set(rule.arguments) == {"kind", "record_id"}:
        return [({"kind": "shareholders", "record_id": a.shareholder}, A_ONLY),
                ({"kind": "officers", "record_id": a.officer}, A_ONLY),
                ({"kind": "offices", "record_id": a.office}, A_ONLY)]
    if set(rule.arguments) == {"item_type", "item_id"}:
        return [({"item_type": "support", "item_id": world.support}, None),
                ({"item_type": "case", "item_id": world.case}, None),
                ({"item_type": "nothing", "item_id": 1}, None)]
    return None


def targets_of(world: World, rule) -> list[Target]:
    if not rule.arguments:
        return [Target(rule.endpoint, rule.rule)]
    combos = _coupled(world, rule.endpoint, rule)
    if combos is None:
        names = sorted(rule.arguments)
        choices = [_values(world, rule.endpoint, name, rule) for name in names]
        combos = []
        for picked in itertools.product(*choices):
            owners = [allowed for _value, allowed in picked if allowed is not None]
            combos.append(({n: v for n, (v, _a) in zip(names, picked, strict=True)}, owners[0] if owners else None))
    with world.app.test_request_context():
        adapter = world.app.url_map.bind("portal.test")
        return [Target(rule.endpoint, adapter.build(rule.endpoint, values, method=_method(rule)), allowed,
                       tuple(values.items())) for values, allowed in combos]


def extra_targets(world: World) -> list[Target]:
    """Ids carried in the query string rather than the path."""
    a = world.a
    authorize = "/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": world.site_client_id, "redirect_uri": "https://shinsei.example.jp/callback",
        "state": "walk", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    return [
        Target("locaben.compare", f"/benchmark/compare?report={a.report_shared}&report={a.report_private}", A_ONLY),
        Target("oauth.authorize", authorize),
        Target("mypage.history", "/mypage/history?section=period"),
        Target("mylist.new_search", "/mylist/searches/new?kind=case&query=q%3D%E8%A3%9C%E5%8A%A9"),
    ]


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def walked_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in UNFILLABLE]


# --- what each answer must be ---------------------------------------------------------------------

def is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == "/account/login"


def forbidden_strings(world: World, actor: str) -> dict[str, str]:
    """What `actor` must never see: label → text."""
    a, b = world.a, world.b
    if actor == "a":
        return {f"B の{k}": v for k, v in b.secrets.items()} | {"B の共有カルテ": b.shared_text}
    hidden = {f"A の{k}": v for k, v in a.secrets.items()} | {"A の共有カルテ": a.shared_text}
    if actor == "supporter":
        del hidden["A の商号"], hidden["A の共有カルテ"]  # A linked this agency and shared that report
    if actor == "b":
        return hidden
    return hidden | {f"B の{k}": v for k, v in b.secrets.items()} | {"B の共有カルテ": b.shared_text}


def check(world: World, actor: str, target: Target, method: str, response) -> list[str]:
    """The broken rules, as readable lines."""
    status = response.status_code
    where = f"{method} {target.url} as {actor} → {status}"
    problems = []
    if status >= 500:
        problems.append(f"{where}: server error")
    endpoint = target.endpoint
    public = endpoint in PUBLIC or endpoint in CAPABILITY
    if actor == "anonymous" and not public and not (status in (401, 403, 404) or is_login_redirect(response)):
        problems.append(f"{where}: a page that needs a log-in answered a visitor")
    if target.owned:
        if actor in target.allowed and status >= 400:
            problems.append(f"{where}: refused someone it belongs to (the walker's id is wrong, or a bug)")
        if actor not in target.allowed and actor != "anonymous" and status not in (403, 404):
            problems.append(f"{where}: someone else's id was not refused with 403/404")
    if endpoint in STAFF_ONLY | SUPPORTER_ONLY and actor not in ("anonymous",):
        wanted = "staff" if endpoint in STAFF_ONLY else "supporter"
        if actor != wanted and status != 403:
            problems.append(f"{where}: a {wanted}-only page did not refuse with 403")
        if actor == wanted and method in ("GET", "HEAD") and status >= 400:
            problems.append(f"{where}: refused the {wanted} it is for")
    body = response.get_data(as_text=True) if response.mimetype and not response.mimetype.startswith(
        ("application/vnd", "image/")) else ""
    shown = body + response.headers.get("Location", "")
    problems += [f"{where}: shows {label} ({value})" for label, value in forbidden_strings(world, actor).items()
                 if value in shown and label not in CAPABILITY_SHOWS.get(endpoint, ())
                 and not (actor == "staff" and label in STAFF_SHOWS.get(endpoint, ()))]
    return problems


def snapshot(world: World) -> dict[str, list[str]]:
    """Every row of every table but the volatile ones."""
    with get_db(world.app).engine.connect() as connection:
        return {table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for table in Base.metadata.sorted_tables if table.name not in VOLATILE_TABLES}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- the tables agree with the routes -------------------------------------------------------------

def test_every_listed_endpoint_exists_and_every_route_can_be_filled(app, session):
    world = build_world(app, session)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for table in (PUBLIC, CAPABILITY, STAFF_ONLY, SUPPORTER_ONLY, CSRF_EXEMPT, UNFILLABLE, STAFF_SHOWS):
        assert set(table) <= endpoints, f"listed but gone: {sorted(set(table) - endpoints)}"
    unknown = []
    for rule in walked_rules(app):
        try:
            assert targets_of(world, rule)
        except LookupError as missing:
            unknown.append(f"{rule.rule} (parameter {missing})")
    assert not unknown, ("routes the walker cannot fill; teach _values/_coupled or list them in UNFILLABLE: "
                         f"{unknown}")
    assert all(isinstance(rule._converters.get("kind"), AnyConverter) for rule in app.url_map.iter_rules()
               if "kind" in rule.arguments)


def test_the_csrf_exemptions_are_exactly_the_listed_ones(app):
    exempt_views = set(csrf._exempt_views)
    exempt_blueprints = {bp.name for bp in csrf._exempt_blueprints}
    assert exempt_blueprints == set(CSRF_EXEMPT_BLUEPRINTS)
    found = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        blueprint = rule.endpoint.rpartition(".")[0]
        if "POST" in rule.methods and (f"{view.__module__}.{view.__name__}" in exempt_views
                                       or blueprint in exempt_blueprints):
            found.add(rule.endpoint)
    assert found == set(CSRF_EXEMPT), f"unlisted: {sorted(found - set(CSRF_EXEMPT))}, stale: {sorted(set(CSRF_EXEMPT) - found)}"
    assert all(rule.startswith("/api/") for rule in (r.rule for r in app.url_map.iter_rules()
                                                     if r.endpoint.rpartition(".")[0] in exempt_blueprints))


# --- GET and HEAD ---------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_every_page_as_everyone(app, session, actor):
    world = build_world(app, session)
    client = world.clients[actor]
    problems = []
    rules = [rule for rule in walked_rules(app) if "GET" in rule.methods]
    targets = [t for rule in rules for t in targets_of(world, rule)]
    assert {t.endpoint for t in targets} == {rule.endpoint for rule in rules}
    for target in targets + extra_targets(world):
        for method in ("GET", "HEAD"):
            response = client.open(target.url, method=method)
            problems += check(world, actor, target, method, response)
            response.close()
    assert not problems, "\n".join(problems)


def test_the_supporter_opens_the_shared_report_and_only_that(app, session):
    world = build_world(app, session)
    supporter, a = world.clients["supporter"], world.a
    shared = supporter.get(f"/benchmark/shared/{a.report_shared}")
    assert shared.status_code == 200
    assert a.shared_text in text(shared) and a.secrets["商号"] in text(shared)
    listing = text(supporter.get("/benchmark/shared/"))
    assert f"/benchmark/shared/{a.report_shared}" in listing and f"/benchmark/shared/{a.report_private}" not in listing
    assert supporter.get(f"/benchmark/shared/{a.report_private}").status_code == 404
    for b_report in (world.b.report_shared, world.b.report_private):
        assert supporter.get(f"/benchmark/shared/{b_report}").status_code == 404


# --- POST -----------------------------------------------------------------------------------------

def post_targets(world: World) -> list[Target]:
    return [t for rule in walked_rules(world.app) if "POST" in rule.methods for t in targets_of(world, rule)]


def test_every_post_without_a_csrf_token_is_refused(app, session):
    world = build_world(app, session)
    before = snapshot(world)
    problems = []
    for target in post_targets(world):
        if target.endpoint in CSRF_EXEMPT:
            continue
        for actor in ("a", "anonymous"):
            response = world.clients[actor].post(target.url, data={"decision": "accept", "keep": "delete"})
            if response.status_code != 400:
                problems.append(f"POST {target.url} as {actor} without a token → {response.status_code}")
    assert not problems, "\n".join(problems)
    assert changed_tables(before, snapshot(world)) == []


def test_the_csrf_exempt_posts_do_no_harm_without_their_secret(app, session):
    """Exempt POSTs without credentials: refused, never a 5xx, nothing written."""
    world = build_world(app, session)
    before = snapshot(world)
    for target in post_targets(world):
        if target.endpoint not in CSRF_EXEMPT or target.endpoint == "api.benchmark":
            continue
        if target.endpoint == "notify.unsubscribe_confirm" and "x" * 43 not in target.url:
            continue  # the real link works by design; see test_capability_links.py
        response = world.clients["anonymous"].post(target.url, data={"grant_type": "authorization_code",
                                                                      "code": "guess", "token": "guess"})
        assert 400 <= response.status_code < 500, f"{target.url} → {response.status_code}"
    assert changed_tables(before, snapshot(world)) == []


DESTRUCTIVE_PAYLOAD = {"decision": "accept", "keep": "delete", "active": "0", "publish": "1", "mode": "sandbox",
                       "email_frequency": "none", "name": "乗っ取り", "title": "乗っ取り", "months": "12",
                       "period_end": "2020-03-31", "net_sales": "1"}


def _last_if_destructive(target: Target) -> tuple[bool, bool]:
    """Destructive posts last, and passing on 管理者 after everything (the owner is a member after it)."""
    return (target.endpoint == "members.pass_owner",
            any(word in target.url for word in ("delete", "revoke", "withdraw", "unlink", "logout", "/sessions/")))


def refused_posts(world: World, actor: str) -> list[Target]:
    """The POSTs `actor` may not make: against A's ids (unless A chose them), 職員 and 支援者 ones."""
    found = [t for t in post_targets(world)
             if (t.owned and actor not in t.allowed) or (t.endpoint in STAFF_ONLY and actor != "staff")
             or (t.endpoint in SUPPORTER_ONLY and actor != "supporter")]
    if actor != "a":  # A's proposed changes, named in the form rather than the path
        found.append(Target("mypage.decide_proposals", "/mypage/links/proposals", A_ONLY))
    return sorted(found, key=_last_if_destructive)


def _payload(world: World, token: str) -> dict:
    return {**DESTRUCTIVE_PAYLOAD, "csrf_token": token, "change": [str(i) for i in world.a.changes]}


@pytest.mark.parametrize("actor", ["a", "b", "supporter", "staff"])
def test_posting_where_one_may_not_is_refused_and_changes_nothing(app, session, actor):
    world = build_world(app, session)
    client, token = world.clients[actor], world.csrf(actor)
    targets = refused_posts(world, actor)
    assert len(targets) >= (4 if actor == "a" else 10)
    problems = []
    for target in targets:
        before = snapshot(world)
        response = client.post(target.url, data=_payload(world, token))
        if response.status_code not in (403, 404):
            problems.append(f"POST {target.url} as {actor} → {response.status_code}")
        if changed := changed_tables(before, snapshot(world)):
            problems.append(f"POST {target.url} as {actor} changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_same_posts_from_the_owner_are_not_refused(app, session):
    """So the refusals above are about who asks, not about ids that do not exist."""
    world = build_world(app, session)
    own, token = world.clients["a"], world.csrf("a")
    for target in refused_posts(world, "b"):
        if target.endpoint in STAFF_ONLY | SUPPORTER_ONLY or (target.owned and "a" not in target.allowed):
            continue  # not A's to make (the agency's side of A's 専門家派遣依頼 is the 支援者's)
        response = own.post(target.url, data=_payload(world, token))
        assert response.status_code not in (403, 404) and response.status_code < 500, (target.url, response.status_code)


def test_push_subscriptions_of_another_user_cannot_be_removed(app, session):
    world = build_world(app, session)
    before = snapshot(world)
    response = world.clients["b"].post("/notify/push/remove", json={"endpoint": world.a.push_endpoint},
                                       headers={"X-CSRFToken": world.csrf("b")})
    assert response.status_code < 500 and response.get_json()["ok"] is False
    assert changed_tables(before, snapshot(world)) == []


# --- hostile query strings --------------------------------------------------------------------------

HOSTILE_QUERY = {"page": ["-1", "99999999999999999999", "abc"], "next": ["/\n/evil.example", "/\t/evil.example"],
                 "section": "<script>alert(1)</script>", "category": "<script>", "kind": "<b>x</b>",
                 "query": "q=a\r\nSet-Cookie: x=y", "q": "補助\x01金%", "report": ["abc", "-1"], "place": "\u2028",
                 "jsic_q": "\x7f'\"<>", "sort": "zz'", "per_page": "-5", "m": "<script>", "p": "<script>",
                 "email": "<script>@example.jp", "purpose": ["9999999999", "x'"], "stage": "-1",
                 "prefecture": "99", "industry": "<>", "service": "-1", "subkind": "x", "status": "\r\n",
                 "open": "maybe", "deadline": "2026-13-45", "employees": "-1", "capital": "1e309", "id": "%",
                 "response_type": "<script>", "client_id": "\x01", "redirect_uri": "javascript:alert(1)",
                 "state": "\r\n<script>", "scope": "<img src=x>", "error": "<script>", "error_description": "\x01<b>"}


@pytest.mark.parametrize("actor", ["anonymous", "a"])
def test_every_page_survives_hostile_query_strings(app, session, actor):
    world = build_world(app, session)
    client = world.clients[actor]
    query = urlencode(HOSTILE_QUERY, doseq=True)
    problems = []
    for rule in walked_rules(app):
        if "GET" not in rule.methods:
            continue
        for target in targets_of(world, rule):
            for headers in ({}, {"HX-Request": "true", "HX-Target": "results"}):
                response = client.get(f"{target.url}?{query}", headers=headers)
                body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) \
                    else ""
                if response.status_code >= 500:
                    problems.append(f"{target.url} as {actor} {headers} → {response.status_code}")
                if "<script>alert(1)" in body or "<script>@" in body or "<img src=x>" in body:
                    problems.append(f"{target.url} as {actor} {headers}: reflects markup unescaped")
                location = response.headers.get("Location", "")
                if location and urlsplit(location).netloc not in ("", "portal.test") and \
                        target.endpoint not in ("events.apply",):
                    problems.append(f"{target.url} as {actor}: redirects off-site to {location}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("actor", ["anonymous", "a"])
def test_a_nul_character_anywhere_is_refused_not_a_server_error(app, session, actor):
    """PostgreSQL cannot store NUL: in a path, a query, a form or a JSON body it is a 400."""
    world = build_world(app, session)
    client = world.clients[actor]
    problems = []
    for rule in walked_rules(app):
        for target in targets_of(world, rule)[:1]:
            method = "GET" if "GET" in rule.methods else "POST"
            urls = [f"{target.url}?q=%E8%A3%9C%00"]
            strings = [name for name, converter in rule._converters.items() if type(converter).__name__ ==
                       "UnicodeConverter"]
            if strings:
                with app.test_request_context():
                    urls.append(app.url_map.bind("portal.test").build(
                        rule.endpoint, dict(target.values) | {name: "a\x00b" for name in strings}, method=method))
            for url in urls:
                response = client.open(url, method=method)
                if response.status_code != 400:
                    problems.append(f"{method} {url} as {actor} → {response.status_code}")
            if method == "POST":
                token = world.csrf(actor)
                for kwargs in ({"data": {"csrf_token": token, "name": "a\x00b", "q": "\x00"}},
                               {"json": {"endpoint": "https://push.example.jp/\u0000"}, "headers": {"X-CSRFToken": token}}):
                    response = client.post(target.url, **kwargs)
                    if response.status_code != 400:
                        problems.append(f"POST {target.url} {list(kwargs)} as {actor} → {response.status_code}")
    assert not problems, "\n".join(problems)



HOSTILE_FORM = {"name": "<script>alert(1)</script>" * 30, "title": "x" * 5000, "query": "q=a\r\nSet-Cookie: x=y",
                "kind": "<b>", "id": "-1", "next": "/\t/evil.example", "mode": "live", "decision": "maybe",
                "change": ["abc", "-1"], "keep": "<script>", "email_frequency": "hourly", "period_end": "2026-02-30",
                "months": "-3", "net_sales": "1e309", "corporate_number": "1" * 40, "purpose": "x'", "stage": "9" * 30,
                "sections": "<img src=x>", "active": "maybe", "publish": "\u2028", "category": "<script>",
                "redirect_uris": "javascript:alert(1)", "support_ids": "１２, -3", "jsic_q": "%'",
                "action": "save", "p0_sales": "1e309", "capital": "-0", "email": "<script>@example.jp",
                "password": "x", "grant_type": "password", "code": "'", "token": "\u2028", "identity": "<script>"}

#: Short enough to pass the length checks, so that the values reach the services and the redirects.
HOSTILE_SHORT = {**HOSTILE_FORM, "name": "<script>alert(1)</script>", "title": "<script>alert(1)</script>",
                 "mode": "sandbox", "decision": "accept", "months": "12", "period_end": "2025-03-31",
                 "corporate_number": "", "summary": "<img src=x>", "body": "<script>alert(1)</script>",
                 "status": "published", "category": "notice", "kind": "support", "change": []}


@pytest.mark.parametrize("payload", ["long", "short"])
@pytest.mark.parametrize("actor", ["anonymous", "a", "staff"])
def test_every_form_survives_hostile_input(app, session, actor, payload):
    """Every POST with a valid CSRF token and nonsense in every field: refused or accepted, never a
    5xx, never the markup echoed unescaped, never a redirect off the site."""
    world = build_world(app, session)
    client = world.clients[actor]
    problems, token = [], world.csrf(actor)
    for target in sorted(post_targets(world), key=_last_if_destructive):
        values = HOSTILE_FORM if payload == "long" else HOSTILE_SHORT
        response = client.post(target.url, data={**values, "csrf_token": token},
                               headers={"HX-Request": "true"})
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
        location = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
        if response.status_code >= 500:
            problems.append(f"POST {target.url} as {actor} → {response.status_code}")
        if "<script>alert(1)" in body or "<img src=x>" in body or "<script>@" in body:
            problems.append(f"POST {target.url} as {actor}: reflects markup unescaped")
        if location and urlsplit(location).netloc not in ("", "portal.test") and "mode" not in target.url:
            problems.append(f"POST {target.url} as {actor}: redirects off-site to {location}")
    assert not problems, "\n".join(problems)
