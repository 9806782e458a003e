"""The private iCal feed: RFC 5545 structure (CRLF, folding, DTSTAMP/UID), escaping, only the
owner's saved deadlines, and a token that can be renewed (the old URL stops working)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.clock import today
from portal.models import NotificationSettings, SavedItem
from portal.notify.calendar import escape_text, fold
from tests.factories import add_supports, support_record
from tests.helpers import submit, text
from tests.web.test_accounts import login, make_user

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]


def unfold(body: str) -> list[str]:
    assert "\n" not in body.replace("\r\n", "")  # every line ends with CRLF
    return body.replace("\r\n ", "").split("\r\n")


def events(lines: list[str]) -> list[dict[str, str]]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None and ":" in line and not line.startswith(("BEGIN:VALARM", "END:VALARM")):
            name, value = line.split(":", 1)
            current.setdefault(name, value)
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_escape_and_fold():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "締切" * 40
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def calendar_url(client) -> str:
    submit(client, "/notify/settings", {}, action="/notify/settings/calendar")
    match = re.search(r'value="http://portal\.test(/calendar/[^"]+\.ics)"', text(client.get("/notify/settings")))
    assert match, "no calendar URL on the settings page"
    return match.group(1)


def test_feed_lists_my_saved_deadlines_escaped(client, app, session):
    user = make_user(app)
    other = make_user(app, "other@example.jp")
    day = today()
    mine, no_deadline, theirs = add_supports(
        session,
        support_record("補助金A, 第2回; 特別枠\\新", reception_end=day + timedelta(days=10), summary="説明\n二行目"),
        support_record("常時受付の融資", reception_remarks="随時受付"),
        support_record("他人の補助金", reception_end=day + timedelta(days=5)),
    )
    session.add_all([SavedItem(user_id=user, support_id=mine), SavedItem(user_id=user, support_id=no_deadline),
                     SavedItem(user_id=other, support_id=theirs)])
    session.commit()
    login(client)
    url = calendar_url(client)
    client.post("/account/logout")  # calendar programs do not log in
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = text(response)
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    [event] = events(lines)
    assert unescape(event["SUMMARY"]) == "締切：補助金A, 第2回; 特別枠\\新"
    assert "\\," in event["SUMMARY"] and "\\;" in event["SUMMARY"]
    assert "説明\n二行目" in unescape(event["DESCRIPTION"])
    assert event["DTSTART;VALUE=DATE"] == f"{day + timedelta(days=10):%Y%m%d}"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert event["UID"].startswith(f"deadline-{mine}-") and "@" in event["UID"]
    assert event["URL"] == f"http://portal.test/supports/{mine}"
    assert "他人の補助金" not in body and "常時受付の融資" not in body
    assert all(len(raw.encode()) <= 75 for raw in body.split("\r\n"))


def test_renewing_the_token_retires_the_old_url(client, app, session):
    user = make_user(app)
    login(client)
    old = calendar_url(client)
    new = calendar_url(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert session.get(NotificationSettings, user).calendar_token in new


def test_unknown_token_is_not_found(client, app):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_mylist_links_to_the_calendar(client, app):
    make_user(app)
    login(client)
    assert "/notify/settings#calendar" in text(client.get("/mylist/"))
