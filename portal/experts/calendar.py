"""The iCalendar invitation (RFC 5545, METHOD:PUBLISH) of a scheduled visit, for both sides.

The visit is two hours from the start time, in Japan time (TZID=Asia/Tokyo with its VTIMEZONE), at
the place or the online address; its UID stays the same when the agency reschedules, and SEQUENCE
counts the schedule's versions so a calendar program replaces the earlier one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, abort, request as http
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Business, ExpertRequest, ExpertRequestTransition, RequestState as S, SupportAgency
from portal.notify.calendar import _stamp, escape_text, fold

VISIT_HOURS = 2
VTIMEZONE = ["BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "BEGIN:STANDARD", "DTSTART:19700101T000000",
             "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST", "END:STANDARD", "END:VTIMEZONE"]


def schedule_version(session: Session, request: ExpertRequest) -> int:
    return session.scalar(select(func.count(ExpertRequestTransition.id)).where(
        ExpertRequestTransition.request_id == request.id,
        ExpertRequestTransition.to_state == S.SCHEDULED.value)) or 0


def ics_text(session: Session, request: ExpertRequest, url: str, host: str) -> str:
    business = session.get(Business, request.business_id)
    agency = session.get(SupportAgency, request.agency_id)
    hour, minute = (int(part) for part in request.visit_time.split(":"))
    start = datetime(request.visit_on.year, request.visit_on.month, request.visit_on.day, hour, minute)
    end = start + timedelta(hours=VISIT_HOURS)
    where = request.online_url or request.visit_place
    description = f"{agency.name}（専門家：{request.expert_name}）と{business.name}の専門家派遣。{url}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//sme-portal//expert-requests//JA", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", *VTIMEZONE, "BEGIN:VEVENT",
             f"UID:expert-request-{request.id}@{host}",
             f"SEQUENCE:{max(schedule_version(session, request) - 1, 0)}",
             f"DTSTAMP:{_stamp(clock.now())}",
             f"DTSTART;TZID=Asia/Tokyo:{start:%Y%m%dT%H%M%S}",
             f"DTEND;TZID=Asia/Tokyo:{end:%Y%m%dT%H%M%S}",
             f"SUMMARY:{escape_text('専門家派遣：' + business.name + '（' + agency.name + '）')}",
             f"LOCATION:{escape_text(where)}",
             f"DESCRIPTION:{escape_text(description)}",
             f"URL:{url}", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def response(session: Session, request: ExpertRequest, url: str) -> Response:
    if request.visit_on is None or request.state not in (S.SCHEDULED, S.DONE, S.COMPLETED):
        abort(404)
    body = ics_text(session, request, url, http.host.split(":")[0] or "localhost")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="expert-request-{request.id}.ics"'})
