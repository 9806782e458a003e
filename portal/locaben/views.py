"""The 経営カルテ screen (/benchmark/): figures in, scores and radar chart out, the 非財務 sheets, and
the saved reports (list, open, compare, print, Excel, share with the linked 支援機関).

A business user works on their own business only (found through their membership, never an id in
the URL). With htmx the results recompute as the user types (the `results` block); without
JavaScript the 「計算する」 button posts the same form and gets the whole page. Agency staff see
only reports shared with them, under /benchmark/shared/.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user

from portal import store
from portal.access import refuse_visitors
from portal.bounds import id_list
from portal.db import get_session
from portal.extensions import htmx
from portal.htmx import redirect_after_post, render, wants_fragment
from portal.locaben import baseline, display, excel, reports, screen, sheets
from portal.locaben.calc import CAVEAT
from portal.locaben.inputs import PERIOD_FIELDS, PERIOD_NAMES
from portal.locaben.serialize import evaluation_json
from portal.models import Role

bp = Blueprint("locaben", __name__, url_prefix="/benchmark")


bp.before_request(refuse_visitors)


@bp.context_processor
def locaben_context():
    return {"PERIOD_FIELDS": PERIOD_FIELDS, "PERIOD_NAMES": PERIOD_NAMES, "SHEETS": sheets,
            "industries": baseline.industries(), "attribution": baseline.attribution(), "caveat": CAVEAT,
            "field_name": screen.field_name, "label_of": screen.label_of}


def _business(session):
    if current_user.role is not Role.BUSINESS:
        abort(403)
    return store.business_for_user(session, current_user)


def _page(sheet: screen.Sheet, matches=None, show_errors: bool = True, http_status: int = 200) -> Response:
    results = evaluation_json(sheet.evaluation) if sheet.evaluation else None
    block = htmx.target if htmx.target in ("results", "industry-choices") else None
    block = {"industry-choices": "industry_choices"}.get(block, block)
    return render("locaben/index.html", block=block, http_status=http_status, sheet=sheet,
                  table=display.table(results) if results else None, radar=display.radar(results) if results else None,
                  matches=matches, query=request.values.get("jsic_q", ""), show_errors=show_errors,
                  oob_notes=block == "results" and wants_fragment())


@bp.get("/")
def index():
    session = get_session()
    if current_user.role is Role.SUPPORTER:
        return redirect(url_for("locaben.shared_list"))
    business = _business(session)
    if business is None:
        return render("locaben/no_business.html")
    sheet = screen.from_business(session, business)
    latest = reports.reports_of(session, business)[:1]
    if latest:
        screen.continue_from(sheet, latest[0].inputs, latest[0].sheets)
    return _page(screen.evaluate(sheet), show_errors=False)


@bp.post("/")
def calculate():
    session = get_session()
    business = _business(session)
    if business is None:
        return render("locaben/no_business.html")
    sheet = screen.evaluate(screen.from_form(request.form))
    action = request.form.get("action", "calculate")
    if action == "search":
        return _page(sheet, matches=baseline.search_jsic(request.form.get("jsic_q", "")), show_errors=False)
    if action == "add_step":
        sheet.steps = min(sheet.steps + 1, sheets.MAX_STEPS)
        return _page(sheet, show_errors=False)
    if action == "save":
        if sheet.errors or sheet.evaluation is None:
            return _page(sheet, http_status=422)
        report = reports.save_report(session, business, current_user, sheet.inputs_json(), sheet.evaluation,
                                     sheet.answers)
        session.commit()
        flash("経営カルテを保存しました。", "success")
        return redirect_after_post("locaben.report", report_id=report.id)
    return _page(sheet, http_status=200 if not sheet.errors else 422)


@bp.get("/industries")
def industries():
    """JSIC search results (htmx); without JavaScript the page's 検索 button posts the whole form."""
    session = get_session()
    business = _business(session)
    if business is None:
        return render("locaben/no_business.html")
    sheet = screen.evaluate(screen.from_business(session, business))
    return _page(sheet, matches=baseline.search_jsic(request.args.get("jsic_q", "")), show_errors=False)


# --- reports of the business ----------------------------------------------------------------------

def _own_business():
    session = get_session()
    business = _business(session)
    if business is None:
        abort(404)
    return session, business


def _report_context(report) -> dict:
    return {"report": report, "table": display.table(report.results), "radar": display.radar(report.results),
            "inputs": report.inputs, "answers": report.sheets, "steps": sheets.step_count(report.sheets),
            "industry": baseline.industry(report.industry_code), "weak": display.weak_indicators(report.results)}


@bp.get("/reports")
def report_list():
    session, business = _own_business()
    return render("locaben/reports.html", items=reports.reports_of(session, business), business=business,
                  agency=store.linked_agency(session, business))


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    session, business = _own_business()
    item = reports.get_report(session, business, report_id)
    return render("locaben/report.html", business=business, agency=store.linked_agency(session, business),
                  owner=True, **_report_context(item))


@bp.get("/reports/<int:report_id>/print")
def report_print(report_id: int):
    session, business = _own_business()
    return render("locaben/print.html", business=business,
                  **_report_context(reports.get_report(session, business, report_id)))


@bp.get("/reports/<int:report_id>/export.xlsx")
def report_excel(report_id: int):
    session, business = _own_business()
    item = reports.get_report(session, business, report_id)
    return send_file(excel.workbook(item, business.name), as_attachment=True,
                     download_name=f"keiei-karte-{item.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/compare")
def compare():
    session, business = _own_business()
    ids = id_list(request.args.getlist("report"))
    if len(ids) != 2 or ids[0] == ids[1]:
        flash("比べる経営カルテを2つ選んでください。", "error")
        return redirect(url_for("locaben.report_list"))
    pair = [reports.get_report(session, business, report_id) for report_id in ids]
    return render("locaben/compare.html", pair=[_report_context(item) for item in pair])


@bp.post("/reports/<int:report_id>/share")
def share(report_id: int):
    session, business = _own_business()
    item = reports.share_report(session, business, report_id)
    session.commit()
    flash(f"経営カルテを{store.linked_agency(session, business).name}と共有しました。", "success")
    return redirect_after_post("locaben.report", report_id=item.id)


@bp.post("/reports/<int:report_id>/withdraw")
def withdraw(report_id: int):
    session, business = _own_business()
    item = reports.withdraw_report(session, business, report_id)
    session.commit()
    flash("共有を取り消しました。支援機関からは見えなくなりました。", "success")
    return redirect_after_post("locaben.report", report_id=item.id)


# --- reports shared with a 支援機関 ----------------------------------------------------------------

@bp.get("/shared/")
def shared_list():
    return render("locaben/shared.html", items=reports.shared_with(get_session(), current_user))


@bp.get("/shared/<int:report_id>")
def shared(report_id: int):
    item, business = reports.shared_report(get_session(), current_user, report_id)
    return render("locaben/report.html", business=business, owner=False, **_report_context(item))
