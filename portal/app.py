"""The application factory: a readable list of `configure_*` steps."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import PROJECT_ROOT, build_config


def create_app(
    config: Mapping[str, Any] | str | os.PathLike | None = None,
    instance_path: str | os.PathLike | None = None,
) -> Flask:
    """Build the portal. `config` is a mapping or a Python settings file; the environment wins."""
    app = Flask(
        "portal",
        root_path=str(PROJECT_ROOT / "portal"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(Path(instance_path or os.environ.get("PORTAL_INSTANCE_PATH")
                                or PROJECT_ROOT / "instance").resolve()),
    )
    configure_settings(app, config)
    configure_plugins(app)
    configure_database(app)
    configure_jobs(app)
    configure_extensions(app)
    configure_security(app)
    configure_templates(app)
    configure_blueprints(app)
    configure_errors(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, config: Mapping[str, Any] | str | os.PathLike | None) -> None:
    app.config.update(build_config(Path(app.instance_path), config))


def configure_plugins(app: Flask) -> None:
    from portal.plugins import configure_plugins as load_plugins

    load_plugins(app)


def configure_database(app: Flask) -> None:
    from portal.db import Database

    Database(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"], settings=app.config).init_app(app)


def configure_jobs(app: Flask) -> None:
    from portal import jobs

    jobs.init_app(app)  # the job queue (portal/jobs), its task modules, and /readyz


def configure_extensions(app: Flask) -> None:
    from portal.abuse.limiter import configure_storage
    from portal.accounts.signin import init_signin, load_user
    from portal.extensions import csrf, htmx, limiter, login_manager

    csrf.init_app(app)
    htmx.init_app(app)
    configure_storage(app)  # short Redis timeouts; limits fall back to memory while Redis is away
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)  # server-side sessions: an ended one loads nobody
    init_signin(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "このページを見るにはログインしてください。"
    login_manager.login_message_category = "info"


def configure_security(app: Flask) -> None:
    from portal.bounds import install_converter
    from portal.request_limits import allow_uploads, init_request_limits
    from portal.security import HttpsAwareSessionInterface, add_security_headers, refuse_nul_bytes

    install_converter(app)  # before the blueprints: every <int:…> is bounded (portal/bounds.py)
    init_request_limits(app)
    allow_uploads(app, "mypage.link_service")
    allow_uploads(app, "expert_inbox.report")  # the optional photo of the 支援実施報告  # the e-Tax files chosen on the consent page

    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)


def configure_templates(app: Flask) -> None:
    from portal.ui import init_templates

    init_templates(app)


def configure_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts
    from portal.agencies.views import bp as agencies
    from portal.experts import register as register_experts
    from portal.articles.views import bp as articles
    from portal.editorial.views import bp as editorial
    from portal.api.views import bp as api
    from portal.gbizid import register as register_gbizid
    from portal.health import init_health
    from portal.locaben import api as _locaben_api  # noqa: F401  (adds POST /benchmark to the api blueprint)
    from portal.locaben.views import bp as locaben
    from portal.main.views import bp as main
    from portal.members import register as register_members
    from portal.mylist.views import bp as mylist
    from portal.mypage.agency import bp as agency
    from portal.mypage.views import bp as mypage
    from portal.navi.views import bp as navi
    from portal.news.views import bp as news
    from portal.notify.views import bp as notify
    from portal.oauth import register as register_oauth
    from portal.pwa.views import bp as pwa
    from portal.recommend import register as register_recommend
    from portal.site import register as register_site
    from portal.ui import add_nav_item

    for blueprint in (main, accounts, navi, mylist, mypage, api, pwa,
                      agency,  # マイページ's 支援機関・申請履歴 sections, and the 支援者's list of linked businesses
                      locaben,  # 経営カルテ (ローカルベンチマーク): the screen, saved reports, sharing
                      news,  # お知らせ, its feeds and the 職員's editor
                      notify,  # inbox, 通知の設定, push subscriptions, unsubscribe, calendar feed
                      agencies,  # 支援機関を探す: the public directory of 認定支援機関
                      editorial,  # /staff/: the 職員 home, editing with history and review
                      articles):  # 経営お役立ちコンテンツ: articles, their search and feed
        app.register_blueprint(blueprint)
    register_oauth(app)  # the once-only API: authorization server, /api/v1/me, consents, 職員's site register
    register_gbizid(app)  # GビズID log-in, linking, and the local stand-in provider (GBIZID_STANDIN)
    register_recommend(app)  # the event log, おすすめ pages and fragments, interests on マイページ
    register_members(app)  # 会社のメンバー: invitations by e-mail, the members page, the guide
    register_experts(app)  # 専門家派遣依頼: the business's requests, the agency's inbox, the 職員's list
    register_site(app)  # 利用規約, プライバシーポリシー, お問い合わせ…, agreeing again to new terms, own your data
    init_health(app)  # /readyz: the database, Redis, and the checks other features register

    add_nav_item(app, "navi.support_search", "支援制度を探す", 10)
    add_nav_item(app, "navi.case_search", "事例を探す", 20)
    add_nav_item(app, "agencies.search", "支援機関を探す", 25)
    # マイページ holds 事業データ, which only a business has; a 職員 saves nothing: no dead-end links for them.
    add_nav_item(app, "mylist.index", "マイリスト", 30, roles=("business", "supporter"))
    add_nav_item(app, "mypage.index", "マイページ", 40, roles=("business",))
    add_nav_item(app, "locaben.index", "経営カルテ", 45, roles=("business",))
    add_nav_item(app, "news.index", "お知らせ", 50)
    add_nav_item(app, "articles.index", "経営お役立ち", 52)
    add_nav_item(app, "agency.businesses", "連携している事業者", 60, roles=("supporter",))
    add_nav_item(app, "locaben.shared_list", "共有された経営カルテ", 61, roles=("supporter",))
    add_nav_item(app, "expert_inbox.index", "専門家派遣依頼", 62, roles=("supporter",))
    add_nav_item(app, "editorial.home", "職員のページ", 69, roles=("staff",))
    add_nav_item(app, "news.manage", "お知らせの管理", 70, roles=("staff",))
    add_nav_item(app, "staff_clients.index", "申請サイトの登録", 71, roles=("staff",))
    add_nav_item(app, "site.inquiries", "お問い合わせ一覧", 72, roles=("staff",))


def configure_errors(app: Flask) -> None:
    from portal.errors import register_error_handlers

    register_error_handlers(app)


def configure_cli(app: Flask) -> None:
    from portal.cli import register_commands

    register_commands(app)
