"""The 職員's view of 専門家派遣依頼: every sent request with filters (state, theme, agency,
prefecture, month), the programme's figures over what the filters keep, and the same rows as CSV.

Figures: the share accepted within 72 hours and within 5 days of sending, the median days from
sending to the visit, and satisfaction (the share of rated requests the business found useful, and
the share where the agency got in touch).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from flask import Blueprint, Response, current_app, flash, request as http
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import JST
from portal.db import get_session
from portal.experts.themes import THEMES, theme_labels
from portal.experts import programme as programmes
from portal.experts.forms import ProgrammeForm
from portal.htmx import redirect_after_post, render
from portal.models import Business, ExpertRequest, RequestState as S, SupportAgency
from portal.staff import refuse_unless_staff
from portal.taxonomy import PREFECTURES

bp = Blueprint("staff_experts", __name__, url_prefix="/staff/expert-requests")
bp.before_request(refuse_unless_staff)

SENT_STATES = tuple(state for state in S if state is not S.DRAFT)


@dataclass(frozen=True)
class Figures:
    sent: int
    within_72h: float | None
    within_5d: float | None
    median_days_to_visit: float | None
    useful: float | None
    contacted: float | None
    rated: int


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures(rows: list[ExpertRequest]) -> Figures:
    accepted = [r.accepted_at - r.sent_at for r in rows if r.accepted_at and r.sent_at]
    visits = [(r.visit_on - r.sent_at.astimezone(JST).date()).days for r in rows
              if r.visit_on and r.sent_at and r.state in (S.SCHEDULED, S.DONE, S.COMPLETED)]
    rated = [r for r in rows if r.rated_useful is not None]
    return Figures(
        sent=len(rows), within_72h=_share(sum(d <= timedelta(hours=72) for d in accepted), len(rows)),
        within_5d=_share(sum(d <= timedelta(days=5) for d in accepted), len(rows)),
        median_days_to_visit=median(visits) if visits else None,
        useful=_share(sum(bool(r.rated_useful) for r in rated), len(rated)),
        contacted=_share(sum(bool(r.rated_contacted) for r in rated), len(rated)), rated=len(rated))


def _filtered(session: Session, args) -> tuple[list[tuple[ExpertRequest, str, str, str | None]], dict]:
    chosen = {name: (args.get(name) or "").strip() for name in ("state", "theme", "agency", "prefecture", "month")}
    query = (select(ExpertRequest, Business.name, SupportAgency.name, Business.prefecture)
             .join(Business, Business.id == ExpertRequest.business_id)
             .join(SupportAgency, SupportAgency.id == ExpertRequest.agency_id)
             .where(ExpertRequest.state.in_(SENT_STATES)).order_by(ExpertRequest.sent_at.desc(), ExpertRequest.id))
    if chosen["state"] in {s.value for s in SENT_STATES}:
        query = query.where(ExpertRequest.state == S(chosen["state"]))
    if chosen["agency"].isdigit() and len(chosen["agency"]) < 10:
        query = query.where(ExpertRequest.agency_id == int(chosen["agency"]))
    if chosen["prefecture"] in PREFECTURES:
        query = query.where(Business.prefecture == chosen["prefecture"])
    rows = [tuple(row) for row in session.execute(query)]
    if chosen["theme"] in THEMES:
        rows = [row for row in rows if chosen["theme"] in row[0].themes]
    if chosen["month"]:
        rows = [row for row in rows if row[0].sent_at and f"{row[0].sent_at.astimezone(JST):%Y-%m}" == chosen["month"]]
    return rows, chosen


@bp.get("/")
def index():
    session = get_session()
    rows, chosen = _filtered(session, http.args)
    agencies = session.execute(select(SupportAgency.id, SupportAgency.name).join(
        ExpertRequest, ExpertRequest.agency_id == SupportAgency.id).distinct().order_by(SupportAgency.id)).all()
    return render("experts/staff.html", rows=rows, chosen=chosen, figures=figures([row[0] for row in rows]),
                  states=SENT_STATES, themes=THEMES, agencies=agencies, prefectures=PREFECTURES,
                  theme_labels=theme_labels)


@bp.get("/<int:request_id>")
def detail(request_id: int):
    """One sent request as 職員 oversee it: what was asked, the timeline, the schedule, report and rating
    (not the business's 事業データ, which only the agency it chose may read)."""
    from werkzeug.exceptions import NotFound

    from portal.experts import services

    session = get_session()
    request = session.get(ExpertRequest, request_id)
    if request is None or request.state is S.DRAFT or request.agency_id is None:
        raise NotFound()
    return render("experts/staff_detail.html", request=request, business=session.get(Business, request.business_id),
                  agency=session.get(SupportAgency, request.agency_id), themes=theme_labels(request.themes),
                  timeline=services.timeline(session, request), state_label=services.state_label)


@bp.get("/<int:request_id>/photo")
def photo(request_id: int):
    from werkzeug.exceptions import NotFound

    from portal.experts import services

    request = get_session().get(ExpertRequest, request_id)
    if request is None or request.state is S.DRAFT or request.agency_id is None:
        raise NotFound()
    return services.photo_response(request)


CSV_HEADINGS = ("依頼ID", "状態", "事業者", "都道府県", "支援機関", "テーマ", "依頼日時", "受付日時", "実施日",
                "支援時間（分）", "連絡があった", "役に立った")


@bp.get("/export.csv")
def export():
    session = get_session()
    rows, _chosen = _filtered(session, http.args)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS)

    def when(value):
        return f"{value.astimezone(JST):%Y-%m-%d %H:%M}" if value else ""

    def yes_no(value):
        return "" if value is None else ("はい" if value else "いいえ")

    for request, business, agency, prefecture in rows:
        writer.writerow((request.id, request.state.label, business, PREFECTURES.get(prefecture or "", ""), agency,
                         "・".join(theme_labels(request.themes)), when(request.sent_at), when(request.accepted_at),
                         request.visit_on.isoformat() if request.visit_on else "",
                         "" if request.report_minutes is None else request.report_minutes,
                         yes_no(request.rated_contacted), yes_no(request.rated_useful)))
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="expert-requests.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the programme's settings ----------------------------------------------------------------------

def _whole(form: ProgrammeForm, name: str, low: int, high: int) -> int | None:
    field = getattr(form, name)
    text = (field.data or "").strip()
    if not text:
        field.errors = ["入力してください。"]
        return None
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        field.errors = [f"{low}から{high}までの整数で入力してください。"]
        return None
    return int(text)


def _programme(form: ProgrammeForm) -> programmes.Programme | None:
    """The settings typed, or None with a Japanese message beside each field that is wrong."""
    allowance = _whole(form, "allowance", 0, 50)
    allowance_it_dx = _whole(form, "allowance_it_dx", 0, 50)
    expiry = _whole(form, "expiry_days", 2, 365)
    business = _whole(form, "business_reminder_days", 1, 364)
    confirm = _whole(form, "confirm_reminder_days", 1, 365)
    days: tuple[int, ...] | None = None
    text = (form.agency_reminder_days.data or "").strip()
    try:
        days = programmes.parse_days(text)
    except ValueError:
        days = None
    if not text:
        form.agency_reminder_days.errors, days = ["入力してください（例：3,9）。"], None
    elif days is None or not days or any(day < 1 or day > 364 for day in days):
        form.agency_reminder_days.errors, days = ["1から364までの日数をカンマで区切って入力してください（例：3,9）。"], None
    elif len(set(days)) != len(days):
        form.agency_reminder_days.errors, days = ["同じ日が2回あります。"], None
    if expiry is not None:
        if days is not None and max(days) >= expiry:
            form.agency_reminder_days.errors, days = ["催促は期限切れの日より前にしてください。"], None
        if business is not None and business >= expiry:
            form.business_reminder_days.errors, business = ["期限切れの日より前にしてください。"], None
    values = (allowance, allowance_it_dx, days, business, expiry, confirm)
    if any(value is None for value in values):
        return None
    return programmes.Programme(allowance, allowance_it_dx, tuple(sorted(days)), business, expiry, confirm)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Allowances and reminder days, kept in the database; the config's values until 職員 save them."""
    session = get_session()
    stored = programmes.load(session, current_app.config)
    form = ProgrammeForm()
    if http.method == "GET":
        form.allowance.data, form.allowance_it_dx.data = str(stored.allowance), str(stored.allowance_it_dx)
        form.agency_reminder_days.data = stored.days_text()
        form.business_reminder_days.data = str(stored.business_reminder_days)
        form.expiry_days.data = str(stored.expiry_days)
        form.confirm_reminder_days.data = str(stored.confirm_reminder_days)
    elif form.validate_on_submit():
        chosen = _programme(form)
        if chosen is not None:
            programmes.store(session, chosen, current_user.id)
            session.commit()
            flash("専門家派遣の設定を保存しました。", "success")
            return redirect_after_post("staff_experts.settings")
    status = 422 if form.errors or any(f.errors for f in form) else 200
    return render("experts/staff_settings.html", form=form), status
