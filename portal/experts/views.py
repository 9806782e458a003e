"""The business's side: `/expert-requests/` (its requests), `/expert-requests/new`, each request with
its timeline and what the agency read, withdrawing, and confirming and rating after 実施済.

Every route finds the business through the logged-in user's membership and the request through
`services.for_business`, so another business's request is 404 on every route.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, request as http, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal import clock, store
from portal.access import refuse_visitors
from portal.db import get_session
from portal.experts import calendar, notices, programme as programmes, services
from portal.experts.forms import ConfirmForm, RequestForm, WithdrawForm
from portal.experts.states import BUSINESS, TransitionRefused, can_move, move
from portal.experts.themes import THEMES, theme_labels
from portal.htmx import redirect_after_post, render
from portal.models import ExpertRequest, RequestFormat, RequestState as S, SupportAgency, Support

bp = Blueprint("experts", __name__, url_prefix="/expert-requests")
bp.before_request(refuse_visitors)


def _business():
    business = store.business_for_user(get_session(), current_user)
    if business is None:
        abort(404)
    return business


@bp.get("/")
def index():
    session = get_session()
    business = _business()
    requests = list(session.scalars(select(ExpertRequest).where(ExpertRequest.business_id == business.id)
                                    .order_by(ExpertRequest.created_at.desc(), ExpertRequest.id.desc())))
    agencies = {a.id: a for a in session.scalars(select(SupportAgency).where(
        SupportAgency.id.in_({r.agency_id for r in requests if r.agency_id})))}
    return render("experts/index.html", business=business, requests=requests, agencies=agencies,
                  theme_labels=theme_labels,
                  allowances=services.allowances(session, business, programmes.current()).values())


def _choices(session, business, themes, chosen: int | None, excluding=frozenset(), **linked):
    suggestions = services.suggest_agencies(session, business, themes, excluding=excluding, **linked)
    ids = {s.agency.id for s in suggestions}
    extra = None
    if chosen and chosen not in ids:
        extra = session.get(SupportAgency, chosen)
    return suggestions, extra


def _form_page(session, business, form, draft: ExpertRequest | None, status=200, refused: str = "",
               excluding: frozenset[int] = frozenset(), report=None, **linked):
    themes = form.themes.data or []
    chosen = form.agency_id.data if isinstance(form.agency_id.data, int) and 0 < form.agency_id.data < 2**31 else None
    suggestions, extra = _choices(session, business, themes, chosen, excluding, **linked)
    form.agency_id.choices = [SelectChoice(s.agency.id, s.agency.name) for s in suggestions] + (
        [SelectChoice(extra.id, extra.name)] if extra is not None else [])
    support_arg = http.args.get("support", "")
    support = session.get(Support, int(support_arg)) if support_arg.isdigit() and len(support_arg) < 10 else None
    if report is None:
        raw = http.form.get("report") if http.method == "POST" else http.args.get("report")
        report = services.attachable_report(session, business, raw or (draft.benchmark_report_id if draft else None))
    return render("experts/new.html", business=business, form=form, draft=draft, suggestions=suggestions,
                  extra=extra, refused=refused, support=support, karte=report,
                  allowances=services.allowances(session, business, programmes.current(),
                                                 excluding=draft.id if draft else None).values(),
                  http_status=status)


@bp.get("/new")
def new():
    session = get_session()
    business = _business()
    form = RequestForm(formdata=None)
    form.description.data = services.prefill(session, business)
    form.sections.data = ["basic"]
    agency = http.args.get("agency", "")
    linked = store.linked_agency(session, business)
    earlier = _earlier(session, business)
    excluding = frozenset()
    if earlier is not None:  # 辞退 or 期限切れ: the same request to the next suggestion
        form.themes.data, form.description.data = list(earlier.themes), earlier.description
        form.format.data, form.preferred_dates.data = earlier.format.value, earlier.preferred_dates
        form.sections.data = [s for s in earlier.consented_sections if s in services.SHAREABLE_SECTIONS]
        form.share_report.data = services.REPORT in earlier.consented_sections
        excluding = frozenset({earlier.agency_id})
        suggestions = services.suggest_agencies(session, business, list(earlier.themes), excluding=excluding,
                                                linked=linked)
        form.agency_id.data = suggestions[0].agency.id if suggestions else None
    elif agency.isdigit() and len(agency) < 10 and session.get(SupportAgency, int(agency)) is not None:
        form.agency_id.data = int(agency)
    else:
        form.agency_id.data = linked.id if linked is not None else None
    report = services.attachable_report(session, business, http.args.get("report"))
    if report is None and earlier is not None:
        report = services.attachable_report(session, business, earlier.benchmark_report_id)
    elif report is not None:  # from the weak indicators of a saved 経営カルテ
        form.description.data = services.prefill(session, business).replace(
            "\n\nご相談したいこと：", "\n" + services.report_prefill(report) + "\n\nご相談したいこと：")
    return _form_page(session, business, form, None, linked=linked, excluding=excluding, report=report)


def _earlier(session, business) -> ExpertRequest | None:
    """The business's own declined or expired request named by `?again=`, else None."""
    again = http.args.get("again", "")
    if not (again.isdigit() and len(again) < 10):
        return None
    request = session.get(ExpertRequest, int(again))
    if request is None or request.business_id != business.id or request.state not in (S.DECLINED, S.EXPIRED):
        return None
    return request


def _save(session, business, draft: ExpertRequest | None):
    form = RequestForm()
    form.agency_id.choices = None
    if not form.validate_on_submit():
        return _form_page(session, business, form, draft, 422)
    if draft is None:
        draft = services.new_draft(session, business, current_user)
    draft.themes = [t for t in form.themes.data or [] if t in THEMES]
    draft.description = form.description.data or ""
    draft.format = RequestFormat(form.format.data) if form.format.data in {f.value for f in RequestFormat} \
        else RequestFormat.VISIT
    draft.preferred_dates = form.preferred_dates.data or ""
    draft.consented_sections = [s for s in form.sections.data or [] if s in services.SHAREABLE_SECTIONS]
    report = services.attachable_report(session, business, http.form.get("report"))
    draft.benchmark_report_id = report.id if report is not None else None
    if report is not None and form.share_report.data:
        draft.consented_sections = [*draft.consented_sections, services.REPORT]
    chosen = form.agency_id.data
    agency = session.get(SupportAgency, chosen) if isinstance(chosen, int) and 0 < chosen < 2**31 else None
    draft.agency_id = agency.id if agency is not None else None
    support = http.form.get("support", "")
    if support.isdigit() and len(support) < 10 and session.get(Support, int(support)) is not None:
        draft.support_id = int(support)
    draft.updated_at = clock.now()
    if http.form.get("action") != "send":
        session.commit()
        flash("下書きを保存しました。", "success")
        return redirect_after_post("experts.detail", request_id=draft.id)
    try:
        services.send(session, business, draft, current_user, programmes.current())
    except TransitionRefused as refused:
        session.commit()  # the draft is kept, with what was typed
        target = getattr(form, refused.field or "themes", form.themes)
        target.errors = [str(refused)]
        return _form_page(session, business, form, draft, 422, refused=str(refused))
    notices.sent(session, draft)
    session.commit()
    flash("依頼を送りました。支援機関からの連絡をお待ちください。", "success")
    return redirect_after_post("experts.detail", request_id=draft.id)


@bp.post("/new")
def create():
    session = get_session()
    return _save(session, _business(), None)


@bp.get("/<int:request_id>/edit")
def edit(request_id: int):
    session = get_session()
    business, draft = services.for_business(session, current_user, request_id)
    if draft.state is not S.DRAFT:
        return redirect_after_post("experts.detail", request_id=draft.id)
    form = RequestForm(formdata=None)
    form.themes.data = list(draft.themes)
    form.description.data = draft.description
    form.format.data = draft.format.value
    form.preferred_dates.data = draft.preferred_dates
    form.sections.data = [s for s in draft.consented_sections if s in services.SHAREABLE_SECTIONS]
    form.share_report.data = services.REPORT in draft.consented_sections
    form.agency_id.data = draft.agency_id
    return _form_page(session, business, form, draft)


@bp.get("/<int:request_id>/photo")
def photo(request_id: int):
    _business_row, request = services.for_business(get_session(), current_user, request_id)
    return services.photo_response(request)


@bp.post("/<int:request_id>/edit")
def update(request_id: int):
    session = get_session()
    business, draft = services.for_business(session, current_user, request_id)
    if draft.state is not S.DRAFT:
        abort(409)
    return _save(session, business, draft)


@bp.get("/<int:request_id>")
def detail(request_id: int):
    session = get_session()
    business, request = services.for_business(session, current_user, request_id)
    agency = session.get(SupportAgency, request.agency_id) if request.agency_id else None
    return render("experts/detail.html", business=business, request=request, agency=agency,
                  themes=theme_labels(request.themes), timeline=services.timeline(session, request),
                  reads=services.reads_of(session, request), sections=services.SECTION_LABELS,
                  karte=services.attachable_report(session, business, request.benchmark_report_id),
                  filed_by_agency=request.created_by_id != current_user.id and _agency_drafted(session, request),
                  withdraw_form=WithdrawForm(), confirm_form=ConfirmForm(),
                  can_withdraw=can_move(request, S.WITHDRAWN, BUSINESS),
                  can_confirm=can_move(request, S.COMPLETED, BUSINESS), state_label=services.state_label)


def _agency_drafted(session, request: ExpertRequest) -> bool:
    from portal.models import ExpertRequestTransition

    first = session.scalar(select(ExpertRequestTransition.actor).where(
        ExpertRequestTransition.request_id == request.id).order_by(ExpertRequestTransition.id).limit(1))
    return first == "agency"


@bp.post("/<int:request_id>/withdraw")
def withdraw(request_id: int):
    session = get_session()
    _business_row, request = services.for_business(session, current_user, request_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        move(session, request, S.WITHDRAWN, BUSINESS, current_user, note=form.note.data or "")
    except TransitionRefused as refused:
        flash(str(refused), "error")
        return redirect_after_post("experts.detail", request_id=request.id)
    notices.withdrawn(session, request)
    session.commit()
    flash("依頼を取り下げました。", "success")
    return redirect_after_post("experts.detail", request_id=request.id)


@bp.post("/<int:request_id>/confirm")
def confirm(request_id: int):
    session = get_session()
    business, request = services.for_business(session, current_user, request_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        agency = session.get(SupportAgency, request.agency_id) if request.agency_id else None
        return render("experts/detail.html", business=business, request=request, agency=agency,
                      themes=theme_labels(request.themes), timeline=services.timeline(session, request),
                      reads=services.reads_of(session, request), sections=services.SECTION_LABELS,
                      withdraw_form=WithdrawForm(), confirm_form=form, filed_by_agency=False,
                      can_withdraw=can_move(request, S.WITHDRAWN, BUSINESS),
                      can_confirm=can_move(request, S.COMPLETED, BUSINESS), state_label=services.state_label,
                      http_status=422)
    try:
        move(session, request, S.COMPLETED, BUSINESS, current_user)
    except TransitionRefused as refused:
        flash(str(refused), "error")
        return redirect_after_post("experts.detail", request_id=request.id)
    request.rated_contacted = form.contacted.data == "yes"
    request.rated_useful = form.useful.data == "yes"
    notices.completed(session, request)
    session.commit()
    flash("確認と評価をありがとうございました。", "success")
    return redirect_after_post("experts.detail", request_id=request.id)


@bp.get("/<int:request_id>/calendar.ics")
def ics(request_id: int):
    session = get_session()
    business, request = services.for_business(session, current_user, request_id)
    return calendar.response(session, request, url_for("experts.detail", request_id=request.id, _external=True))
