"""One portal on two machines: two real gunicorn instances (2 workers each) with separate instance
folders over one PostgreSQL schema and one Redis, configured as the README's production section says
(SECRET_KEY given, nothing else shared but the database and Redis). A session made on A works on B
and a form from A posts to B; both offer the same Web Push key; the log-in limit holds across both;
`portal notify --inline` run on both at once sends the digest once; a measure imported through A is
found by B's search within the stated bound."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

import portal
from portal.config import PROJECT_ROOT
from portal.db import get_db, upgrade_database
from portal.jobs.queue import queue_of
from portal.models import NotificationSettings, SavedSearch
from tests.conftest import make_test_app
from tests.factories import add_supports, support_record
from tests.helpers import csrf_from
from tests.queues import close_app
from tests.web.test_accounts import PASSWORD, make_user

REDIS = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
CATCH_UP_SECONDS = 5.0  # the bound the README states for an import made anywhere to be found everywhere


@dataclass
class Instance:
    url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path


def _listening_port(log: Path, process: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # refused, or its workers are still booting
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


@pytest.fixture(scope="module")
def machines(fresh_database_url, smtp_server, tmp_path_factory):
    db_url = fresh_database_url("postgresql")
    work = tmp_path_factory.mktemp("machines")
    name = f"i13_two_{secrets.token_hex(4)}"
    shared = {"DATABASE_URL": db_url, "SECRET_KEY": secrets.token_urlsafe(32), "PORTAL_QUEUE_URL": REDIS,
              "PORTAL_QUEUE_NAME": name, "PORTAL_RATELIMIT_KEY_PREFIX": name,
              "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(smtp_server.port),
              "PORTAL_PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "PORTAL_NOTIFY_DIGEST_HOUR": "0"}
    setup = make_test_app(db_url, work / "setup", smtp_server.port, QUEUE_URL="immediate")
    upgrade_database(setup)
    instances = []
    for label in ("a", "b"):
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}, **shared,
               "PORTAL_INSTANCE_PATH": str(work / label)}
        log = work / f"{label}.log"
        with log.open("ab") as output:
            process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2",
                                        "--bind", "127.0.0.1:0", "wsgi:app"],
                                       cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        instances.append(Instance("", env, process, log))
    try:
        for instance in instances:
            instance.url = f"http://127.0.0.1:{_listening_port(instance.log, instance.process)}"
            _wait_ready(instance.url)
        yield setup, instances
    finally:
        _stop(instances, name, db_url, work, setup)


def _stop(instances: list[Instance], name: str, db_url: str, work: Path, setup) -> None:
    for instance in instances:
        instance.process.send_signal(signal.SIGTERM)
    for instance in instances:
        try:
            instance.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait()
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)
    client.close()
    queue = make_test_app(db_url, work / "cleanup", QUEUE_URL=REDIS, QUEUE_NAME=name)
    queue_of(queue).huey.flush()
    close_app(queue)
    close_app(setup)


def _token(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, (url, page.status_code)
    return csrf_from(page.text)


def _push_key(page: str) -> str:
    return re.search(r'id="push-settings" data-key="([^"]+)"', page).group(1)


def test_two_instances_share_sessions_forms_push_key_log_in_limit_and_notify_once(machines, mailbox):
    setup, (a, b) = machines
    user_id = make_user(setup, email="futatsu@example.jp")
    browser = requests.Session()

    # A session made on A is a session on B, and a form A served is accepted by B.
    logged_in = browser.post(f"{a.url}/account/login", allow_redirects=False, timeout=10,
                             data={"csrf_token": _token(browser, f"{a.url}/account/login"),
                                   "email": "futatsu@example.jp", "password": PASSWORD})
    assert logged_in.status_code == 303
    on_b = browser.get(f"{b.url}/notify/settings", allow_redirects=False, timeout=10)
    assert on_b.status_code == 200, "B refused A's session"
    form_from_a = _token(browser, f"{a.url}/notify/settings")
    posted = browser.post(f"{b.url}/notify/settings", allow_redirects=False, timeout=10,
                          data={"csrf_token": form_from_a, "email_frequency": "daily"})
    assert posted.status_code == 303, posted.text[:300]
    with Session(get_db(setup).engine) as session:
        assert session.scalar(select(NotificationSettings.email_frequency)
                              .where(NotificationSettings.user_id == user_id)) == "daily"

    # The same Web Push key on both (so a subscription made through one is served by any worker).
    key_a = _push_key(browser.get(f"{a.url}/notify/settings", timeout=10).text)
    assert key_a == _push_key(on_b.text)

    # `portal notify --inline` on both machines at once: one digest.
    with Session(get_db(setup).engine, expire_on_commit=False) as session:  # closed at the end, whatever happens
        session.info["app"] = setup
        session.add(SavedSearch(user_id=user_id, kind="support", name="事業承継", query="purpose=6"))
        session.commit()
        add_supports(session, support_record("二台のサーバーで届く事業承継の補助金", purpose=[6]))
    runs = [subprocess.Popen([sys.executable, "-c", "from portal.cli import main; main()", "notify", "--inline"],
                             cwd=PROJECT_ROOT, env=machine.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for machine in (a, b)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert len(mailbox.to("futatsu@example.jp")) == 1
    assert sum(int(re.search(r"まとめメール: (\d+) 通", out).group(1)) for out, _ in outputs) == 1

    # The log-in limit (10 a minute per address) holds across 2 instances × 2 processes: Redis.
    allowed = 0
    for attempt in range(30):
        stranger = requests.Session()
        token = _token(stranger, f"{a.url}/account/login")
        target = (a, b)[attempt % 2]
        answer = stranger.post(f"{target.url}/account/login", allow_redirects=False, timeout=10,
                               data={"csrf_token": token, "email": "futatsu@example.jp", "password": "wrong-Password-1"})
        allowed += answer.status_code != 429
    assert allowed <= 10 - 1  # the log-in above counted too


def _measure_file(tmp_path: Path) -> Path:
    demo = json.loads((Path(portal.__file__).parent / "demo" / "supports.json").read_text(encoding="utf-8"))
    item = dict(demo["items"][0], id="two-machines-1", title="八ヶ岳高原カーボンニュートラル設備補助金", related=[],
                reception_start_offset=-1, reception_end_offset=30)
    path = tmp_path / "measure.json"
    path.write_text(json.dumps({**demo, "items": [item]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_measure_imported_through_a_is_found_by_bs_search_within_the_bound(machines, tmp_path):
    setup, (a, b) = machines
    query = f"{b.url}/api/v1/supports?q=カーボンニュートラル設備"
    assert requests.get(query, timeout=10).json()["total"] == 0  # B has answered before: its index exists
    imported = subprocess.run([sys.executable, "-c", "from portal.cli import main; main()", "import", "supports",
                               str(_measure_file(tmp_path)), "--format", "demo"],
                              cwd=PROJECT_ROOT, env=a.env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    deadline = time.monotonic() + CATCH_UP_SECONDS
    titles: list[str] = []
    while time.monotonic() < deadline and "八ヶ岳高原カーボンニュートラル設備補助金" not in titles:
        titles = [item["title"] for item in requests.get(query, timeout=10).json()["items"]]
        time.sleep(0.2)
    assert "八ヶ岳高原カーボンニュートラル設備補助金" in titles
