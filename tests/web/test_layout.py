"""The shared layout: navigation without dead links, fragments for htmx, Japanese error pages."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint

from portal.htmx import render
from portal.models import Role
from tests.helpers import text
from tests.web.test_accounts import login, make_user


def header_links(html: str) -> list[str]:
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    return re.findall(r'href="([^"]+)"', header)


def test_header_navigation_has_no_dead_links_logged_out(client):
    links = header_links(text(client.get("/")))
    assert links, "the header has links"
    for href in links:
        with client.get(href) as response:
            assert response.status_code == 200, href


def test_header_navigation_has_no_dead_links_logged_in(client, app):
    make_user(app)
    login(client)
    html = text(client.get("/"))
    assert "アカウント設定" in html and "ログアウト" in html and "新規登録" not in html
    for href in header_links(html):
        with client.get(href) as response:
            assert response.status_code == 200, href


ROLE_ITEMS = {"supporter": ["連携している事業者", "共有された経営カルテ"], "staff": ["お知らせの管理", "申請サイトの登録"]}


@pytest.mark.parametrize("role", [Role.BUSINESS, Role.SUPPORTER, Role.STAFF])
def test_role_screens_are_in_the_menu_of_that_role_only_and_open(client, app, role):
    make_user(app, role=role)
    login(client)
    html = text(client.get("/"))
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    for owner, labels in ROLE_ITEMS.items():
        for label in labels:
            assert (label in header) == (owner == role.value), (role, label)
    for href in header_links(html):
        with client.get(href) as response:
            assert response.status_code == 200, href


def test_role_screens_are_not_in_the_menu_logged_out(client):
    header = text(client.get("/")).split("<header", 1)[1].split("</header>", 1)[0]
    assert not any(label in header for labels in ROLE_ITEMS.values() for label in labels)


def test_page_has_landmarks_skip_link_and_japanese_language(client):
    html = text(client.get("/"))
    assert '<html lang="ja">' in html
    assert 'href="#main"' in html and "本文へスキップ" in html
    for landmark in ("<header", "<main id=\"main\"", "<footer", 'aria-label="メインメニュー"'):
        assert landmark in html


def test_htmx_fragment_or_full_page_is_decided_by_one_helper(app):
    bp = Blueprint("probe", __name__)

    @bp.get("/probe")
    def probe():
        return render("probe.html", block="result", value="42")

    app.register_blueprint(bp)
    app.jinja_loader.mapping = None
    from jinja2 import ChoiceLoader, DictLoader

    app.jinja_loader  # noqa: B018 (created lazily)
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"probe.html": '{% extends "base.html" %}{% block content %}<h1>見出し</h1>'
                                  '{% block result %}<p id="r">{{ value }}</p>{% endblock %}{% endblock %}'}),
        app.jinja_env.loader,
    ])
    client = app.test_client()
    full = client.get("/probe")
    fragment = client.get("/probe", headers={"HX-Request": "true"})
    boosted = client.get("/probe", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in text(full) and "見出し" in text(full)
    assert text(fragment).strip() == '<p id="r">42</p>'
    assert "<html" in text(boosted)  # boosted navigation wants the whole page
    for response in (full, fragment, boosted):
        assert "HX-Request" in response.headers["Vary"]


def test_not_found_page_is_japanese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "ページが見つかりません" in text(response)


def test_server_error_page_is_japanese_and_hides_details(app):
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True  # the logger is shared by every app in the process: restore it
    try:
        response = app.test_client().get("/boom")
    finally:
        app.logger.disabled = False
    assert response.status_code == 500
    assert "サーバーでエラーが発生しました" in text(response)
    assert "secret internal detail" not in text(response)


def test_api_errors_answer_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"] == "ページが見つかりません"
