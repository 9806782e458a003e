"""Issue 7's "done when", end to end: a search saved on the page, then a matching measure arrives
through `portal import`; `portal notify` puts it in the inbox and mails the digest over SMTP, and a
second run sends nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import portal
from tests.helpers import submit, text
from tests.web.test_accounts import login, make_user


def measure_file(tmp_path) -> tuple[str, int]:
    """One open measure in the project's demo format (as `portal import supports --format demo` reads
    it) and one of its 目的 ids."""
    demo = json.loads((Path(portal.__file__).parent / "demo" / "supports.json").read_text(encoding="utf-8"))
    item = dict(demo["items"][0], id="alert-flow-1", title="省力化ロボット導入支援補助金（通知テスト）", related=[],
                reception_start_offset=-1, reception_end_offset=30)
    path = tmp_path / "new-measure.json"
    path.write_text(json.dumps({**demo, "items": [item]}, ensure_ascii=False), encoding="utf-8")
    return str(path), item["purposes"][0]


def entries(page: str) -> list[str]:
    return re.findall(r'<h2 class="result__title"><a href="[^"]*">([^<]+)</a></h2>', page)


def test_a_saved_search_and_a_new_matching_measure_reach_the_inbox_and_the_digest(app, client, mailbox, tmp_path,
                                                                                   clock):
    app.config["NOTIFY_DIGEST_HOUR"] = 0  # a daily digest is due at any hour of the test
    make_user(app, email="alert@example.jp")
    login(client, email="alert@example.jp")
    assert submit(client, "/notify/settings", {"email_frequency": "daily"}).status_code == 303
    path, purpose = measure_file(tmp_path)
    saved = submit(client, f"/mylist/searches/new?kind=support&query=purpose%3D{purpose}",
                   {"kind": "support", "name": "設備投資の制度", "query": f"purpose={purpose}"}, action="/mylist/searches")
    assert saved.status_code == 303

    clock.advance(minutes=5)  # the measure arrives after the search was saved
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["import", "supports", path, "--format", "demo"])
    assert imported.exit_code == 0, imported.output
    first = runner.invoke(args=["notify", "--inline"])
    assert first.exit_code == 0, first.output

    inbox = text(client.get("/inbox"))
    assert entries(inbox) == ["省力化ロボット導入支援補助金（通知テスト）"] and "設備投資の制度" in inbox
    [mail] = mailbox.to("alert@example.jp")
    assert "省力化ロボット導入支援補助金（通知テスト）" in mail.get_body(preferencelist=("plain",)).get_content()
    assert mail["List-Unsubscribe"]

    mailbox.clear()
    again = runner.invoke(args=["notify", "--inline"])
    assert again.exit_code == 0 and mailbox.to("alert@example.jp") == []
    assert entries(text(client.get("/inbox"))) == ["省力化ロボット導入支援補助金（通知テスト）"]
