"""The private iCalendar feed (RFC 5545) of a user's saved measures' deadlines.

Each saved measure with a deadline becomes an all-day VEVENT on the deadline day with a reminder a
week before. Text values are escaped (backslash, semicolon, comma, newline) and lines folded at 75
octets without splitting a UTF-8 character, as calendar programs require.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.content.status import status_of
from portal.models import SavedItem, Support, User


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Splits a content line into chunks of at most 75 octets, continuation lines starting with a space."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74  # a continuation line's leading space counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_for(session: Session, user: User, host: str, base_url: str, name: str) -> str:
    """The VCALENDAR text; `base_url` makes each event's link absolute, `host` its UID unique."""
    today = clock.today()
    now = clock.now()
    rows = session.scalars(select(Support).join(SavedItem, SavedItem.support_id == Support.id)
                           .where(SavedItem.user_id == user.id, Support.reception_end.is_not(None))
                           .order_by(Support.reception_end, Support.id))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//sme-portal//deadlines//JA", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Asia/Tokyo"]
    for support in rows:
        status = status_of(support, today)
        end = support.reception_end
        url = f"{base_url.rstrip('/')}/supports/{support.id}"
        description = f"{status.label}。{support.summary or ''}".strip()
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{support.id}-{end:%Y%m%d}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"LAST-MODIFIED:{_stamp(support.imported_at)}",
            f"DTSTART;VALUE=DATE:{end:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text('締切：' + support.title)}",
            f"DESCRIPTION:{escape_text(description[:1000])}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text('締切まで1週間：' + support.title)}",
            "TRIGGER:-P7D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
