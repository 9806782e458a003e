"""The agency's side: `/agency/expert-requests/` (the inbox, by tab), each request with the 事業データ
the business consented to (each read logged and shown to the business), accept, decline with a
reason, assign to a colleague, schedule (and the .ics), and the 支援実施報告.

Only 支援者 of the agency a request was sent to see it, and only from sending on (a 下書き is never
theirs): `services.for_agency` answers 404 to everyone else, including 支援者 of other agencies.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, request as http, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from portal import clock
from portal.access import refuse_visitors
from portal.db import get_session
from portal.experts import calendar, notices, services
from portal.experts.forms import AssignForm, DeclineForm, OnBehalfForm, ReportForm, ScheduleForm
from portal.experts.themes import THEMES
from portal.experts.states import AGENCY, TransitionRefused, can_move, move
from portal.experts.themes import theme_labels
from portal.htmx import redirect_after_post, render
from portal.locaben import display
from portal.models import AgencyMember, Business, ExpertRequest, RequestState as S, Role, SupportAgency, User

bp = Blueprint("expert_inbox", __name__, url_prefix="/agency/expert-requests")
bp.before_request(refuse_visitors)

TABS: dict[str, tuple[str, tuple[S, ...]]] = {
    "new": ("新着", (S.SENT,)), "accepted": ("対応中", (S.ACCEPTED,)), "scheduled": ("日程確定", (S.SCHEDULED,)),
    "done": ("実施済", (S.DONE,)), "completed": ("完了", (S.COMPLETED,)),
    "closed": ("辞退・期限切れ", (S.DECLINED, S.EXPIRED, S.WITHDRAWN)),
}


def _agency_ids() -> list[int]:
    if current_user.role is not Role.SUPPORTER:
        abort(403)
    return services.agency_ids_of(get_session(), current_user)


def _request(request_id: int) -> ExpertRequest:
    if current_user.role is not Role.SUPPORTER:
        abort(404)
    return services.for_agency(get_session(), current_user, request_id)


@bp.get("/")
def index():
    session = get_session()
    ids = _agency_ids()
    tab = http.args.get("tab", "new")
    if tab not in TABS:
        tab = "new"
    counts = dict(session.execute(select(ExpertRequest.state, func.count(ExpertRequest.id))
                                  .where(ExpertRequest.agency_id.in_(ids), ExpertRequest.state != S.DRAFT)
                                  .group_by(ExpertRequest.state)).all()) if ids else {}
    rows = session.execute(select(ExpertRequest, Business.name).join(Business, Business.id == ExpertRequest.business_id)
                           .where(ExpertRequest.agency_id.in_(ids), ExpertRequest.state.in_(TABS[tab][1]))
                           .order_by(ExpertRequest.sent_at.desc(), ExpertRequest.id.desc()).limit(200)).all() \
        if ids else []
    tab_counts = {key: sum(counts.get(state, 0) for state in states) for key, (_label, states) in TABS.items()}
    return render("experts/inbox.html", tabs=TABS, tab=tab, tab_counts=tab_counts, rows=rows,
                  theme_labels=theme_labels, has_agency=bool(ids))


def _colleagues(session, request: ExpertRequest) -> list[User]:
    return list(session.scalars(select(User).join(AgencyMember, AgencyMember.user_id == User.id)
                                .where(AgencyMember.agency_id == request.agency_id, User.active.is_(True))
                                .order_by(User.id)))


def _assignees(users: list[User]) -> list[SelectChoice]:
    return [SelectChoice(0, "（担当者なし）")] + [SelectChoice(u.id, u.name_for_display) for u in users]


def _page(session, request: ExpertRequest, status: int = 200, **forms):
    business = session.get(Business, request.business_id)
    agency = session.get(SupportAgency, request.agency_id)
    colleagues = _colleagues(session, request)
    assign = forms.get("assign_form") or AssignForm(formdata=None, assignee=request.assignee_id or 0)
    assign.assignee.choices = _assignees(colleagues)
    schedule = forms.get("schedule_form") or ScheduleForm(
        formdata=None, visit_on=request.visit_on.isoformat() if request.visit_on else "",
        visit_time=request.visit_time, visit_place=request.visit_place, online_url=request.online_url,
        expert_name=request.expert_name)
    data = services.consented_data(session, request, current_user) if http.method == "GET" else []
    karte = services.shared_report(session, request) if http.method == "GET" else None
    session.commit()  # the read is logged
    assignee = session.get(User, request.assignee_id) if request.assignee_id else None
    return render("experts/agency_detail.html", request=request, business=business, agency=agency,
                  themes=theme_labels(request.themes), timeline=services.timeline(session, request), data=data,
                  sections=services.SECTION_LABELS, assignee=assignee,
                  karte=karte, karte_table=display.table(karte.results) if karte is not None else None,
                  decline_form=forms.get("decline_form") or DeclineForm(formdata=None), assign_form=assign,
                  schedule_form=schedule, report_form=forms.get("report_form") or ReportForm(formdata=None),
                  can_accept=can_move(request, S.ACCEPTED, AGENCY), can_decline=can_move(request, S.DECLINED, AGENCY),
                  can_schedule=can_move(request, S.SCHEDULED, AGENCY), can_report=can_move(request, S.DONE, AGENCY),
                  state_label=services.state_label, http_status=status)


def _linked_businesses(session) -> list[tuple[Business, SupportAgency]]:
    """The businesses linked to the 支援者's agencies (the ones it may file a request for)."""
    from portal.models import BusinessAgencyLink

    ids = _agency_ids()
    if not ids:
        return []
    return [tuple(row) for row in session.execute(
        select(Business, SupportAgency).join(BusinessAgencyLink, BusinessAgencyLink.business_id == Business.id)
        .join(SupportAgency, SupportAgency.id == BusinessAgencyLink.agency_id)
        .where(BusinessAgencyLink.agency_id.in_(ids)).order_by(Business.name, Business.id))]


@bp.get("/new")
def new():
    """Filing a request on behalf of a linked business (the 中小企業119 path): it becomes the business's
    下書き, which the business reads, completes and sends itself."""
    session = get_session()
    return render("experts/agency_new.html", businesses=_linked_businesses(session), form=OnBehalfForm(formdata=None),
                  themes=THEMES)


@bp.post("/new")
def create():
    session = get_session()
    linked = {business.id: (business, agency) for business, agency in _linked_businesses(session)}
    form = OnBehalfForm()
    chosen = form.business.data if isinstance(form.business.data, int) else None
    if chosen is not None and chosen not in linked:
        abort(404)  # not a business linked to the 支援者's agency
    if not form.validate_on_submit() or chosen is None:
        return render("experts/agency_new.html", businesses=list(linked.values()), form=form, themes=THEMES,
                      http_status=422)
    business, agency = linked[chosen]
    request = services.new_draft(session, business, current_user, actor=AGENCY)
    request.agency_id = agency.id
    request.themes = [t for t in form.themes.data or [] if t in THEMES]
    request.description = (form.description.data or "").strip()
    request.consented_sections = []
    notices.filed_for(session, request)
    session.commit()
    flash(f"{business.name}の下書きを作りました。事業者が内容を確かめて送ると、新着に届きます。", "success")
    return redirect_after_post("expert_inbox.index")


@bp.get("/<int:request_id>")
def detail(request_id: int):
    return _page(get_session(), _request(request_id))


def _moved(session, request, to: S, note: str = "", after=None, message: str = ""):
    try:
        move(session, request, to, AGENCY, current_user, note=note)
    except TransitionRefused as refused:
        session.rollback()
        flash(str(refused), "error")
        return redirect_after_post("expert_inbox.detail", request_id=request.id)
    if after is not None:
        after()
    session.commit()
    flash(message, "success")
    return redirect_after_post("expert_inbox.detail", request_id=request.id)


def _csrf_only() -> None:
    from flask_wtf import FlaskForm

    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.post("/<int:request_id>/accept")
def accept(request_id: int):
    session = get_session()
    request = _request(request_id)
    _csrf_only()
    if request.assignee_id is None:
        request.assignee_id = current_user.id
    return _moved(session, request, S.ACCEPTED, after=lambda: notices.accepted(session, request),
                  message="依頼を受けました。事業者に連絡し、日程を決めてください。")


@bp.post("/<int:request_id>/decline")
def decline(request_id: int):
    session = get_session()
    request = _request(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _page(session, request, 422, decline_form=form)
    return _moved(session, request, S.DECLINED, note=form.reason.data.strip(),
                  after=lambda: notices.declined(session, request), message="依頼を辞退しました。")


@bp.post("/<int:request_id>/assign")
def assign(request_id: int):
    session = get_session()
    request = _request(request_id)
    form = AssignForm()
    form.assignee.choices = _assignees(_colleagues(session, request))
    if not form.validate_on_submit():
        return _page(session, request, 422, assign_form=form)
    request.assignee_id = form.assignee.data or None
    request.updated_at = clock.now()
    session.commit()
    flash("担当者を変更しました。", "success")
    return redirect_after_post("expert_inbox.detail", request_id=request.id)


@bp.post("/<int:request_id>/schedule")
def schedule(request_id: int):
    session = get_session()
    request = _request(request_id)
    form = ScheduleForm()
    valid = form.validate_on_submit()
    if valid:
        try:
            day = date.fromisoformat(form.visit_on.data)
        except ValueError:
            form.visit_on.errors = ["実施日が正しくありません。"]
            valid = False
        else:
            if day < clock.today():
                form.visit_on.errors = ["実施日は今日以降の日にしてください。"]
                valid = False
    if valid and not (form.visit_place.data or "").strip() and not (form.online_url.data or "").strip():
        form.visit_place.errors = ["場所かオンライン会議のURLのどちらかを入力してください。"]
        valid = False
    if not valid:
        return _page(session, request, 422, schedule_form=form)
    request.visit_on = day
    request.visit_time = form.visit_time.data
    request.visit_place = (form.visit_place.data or "").strip()
    request.online_url = (form.online_url.data or "").strip()
    request.expert_name = form.expert_name.data.strip()
    note = f"{day:%Y年%m月%d日} {request.visit_time}　{request.visit_place or request.online_url}（{request.expert_name}）"

    def after():
        session.flush()
        notices.scheduled(session, request, calendar.schedule_version(session, request))

    return _moved(session, request, S.SCHEDULED, note=note, after=after,
                  message="日程を確定し、事業者に知らせました。")


@bp.post("/<int:request_id>/report")
def report(request_id: int):
    session = get_session()
    request = _request(request_id)
    form = ReportForm()
    valid = form.validate_on_submit()
    photo = services.read_photo(form.photo)  # errors beside the field; None: none chosen or refused
    if not valid or form.photo.errors:
        return _page(session, request, 422, report_form=form)
    if photo is not None:
        request.report_photo, request.report_photo_type = photo
    request.report_discussed = form.discussed.data.strip()
    request.report_advice = form.advice.data.strip()
    request.report_next_steps = (form.next_steps.data or "").strip()
    request.report_minutes = round(float(form.hours.data) * 60)
    return _moved(session, request, S.DONE, after=lambda: notices.reported(session, request),
                  message="支援実施報告を提出しました。事業者の確認を待っています。")


@bp.get("/<int:request_id>/photo")
def photo(request_id: int):
    return services.photo_response(_request(request_id))


@bp.get("/<int:request_id>/calendar.ics")
def ics(request_id: int):
    session = get_session()
    request = _request(request_id)
    return calendar.response(session, request, url_for("expert_inbox.detail", request_id=request.id, _external=True))
