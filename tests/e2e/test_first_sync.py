"""The first sync after linking, in the browser, on a portal with a real queue: the page says 取得中,
and when a real `portal worker` has done the job the result appears without a reload (htmx); with
JavaScript off, reloading shows it. axe on both states."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal import store
from portal.accounts.services import create_user
from portal.config import PROJECT_ROOT
from portal.db import get_session, upgrade_database
from portal.models import Role
from tests.conftest import make_test_app
from tests.e2e.conftest import PASSWORD, Credentials
from tests.e2e.pages import whole_bodies
from tests.queues import close_app, drain

MINATO = "7123456789012"


@pytest.fixture
def queued_server(fresh_database_url, smtp_server, tmp_path):
    db_url = fresh_database_url("sqlite")
    app = make_test_app(db_url, tmp_path / "instance", smtp_server.port, SERVER_NAME=None, QUEUE_URL="",
                        LOGIN_RATE_LIMIT="1000 per minute")
    upgrade_database(app)
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="queued-live-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", db_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.extensions["event_writer"].flush()
        close_app(app)


def owner(app, email: str) -> Credentials:
    with app.app_context():
        session = get_session()
        user = create_user(session, email, PASSWORD, Role.BUSINESS, confirmed=True)
        store.create_business(session, user, "corporation", MINATO, "株式会社みなと製作所")
        session.commit()
    return Credentials(email, PASSWORD)


def log_in(page, url: str, user: Credentials) -> None:
    """As tests/e2e/pages.log_in, on this test's own server (its URLs are absolute)."""
    page.goto(f"{url}/account/login")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード", exact=True).fill(user.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("status")).to_contain_text("ログインしました")


def link_sandbox(page, url: str) -> None:
    """freee お試し: its first sync is a job (an API-key service's first sync is part of linking, so
    that a refused key is shown beside its field)."""
    page.goto(f"{url}/mypage/links/freee/link")
    page.get_by_label("お試し（サンドボックス）", exact=False).check()
    page.get_by_role("button", name="同意して連携する").click()
    expect(page).to_have_url(re.compile(r"/mypage/links/freee/status$"))


def test_the_page_says_fetching_then_shows_the_result_when_the_worker_is_done(queued_server, new_context,
                                                                              assert_accessible, tmp_path):
    app, url, db_url = queued_server
    page = new_context().new_page()
    log_in(page, url, owner(app, "fetch-js@example.jp"))
    link_sandbox(page, url)
    status = page.locator("#first-sync")
    expect(status).to_contain_text("取得中")
    assert_accessible(page)

    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret-key",
           "PORTAL_INSTANCE_PATH": app.instance_path}
    with (tmp_path / "worker.log").open("ab") as log:
        worker = subprocess.Popen([sys.executable, "-c", "from portal.cli import main; main()", "worker"],
                                  cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        expect(status).to_contain_text("取得しました", timeout=30_000)  # no reload: htmx asked again
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    expect(page.get_by_role("link", name=re.compile("反映する変更を選ぶ"))).to_be_visible()
    assert_accessible(page)


def test_without_javascript_a_reload_shows_the_result(queued_server, new_context):
    app, url, _ = queued_server
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, url, owner(app, "fetch-nojs@example.jp"))
    link_sandbox(page, url)
    expect(page.locator("#first-sync")).to_contain_text("取得中")
    drain(app)  # a worker does the job
    page.get_by_role("link", name="このページを再読み込み").click()
    expect(page.locator("#first-sync")).to_contain_text("取得しました")
