"""マイページ routes for records of which a business has many: 決算期 (事業財務情報) and the lists
株主・役員・事業所. Each record is looked up through the user's own business, so an id of another
business's record is a 404 like any id that does not exist.
"""

from __future__ import annotations

from flask import Response, flash, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from portal import store
from portal.db import get_session
from portal.extensions import htmx
from portal.htmx import redirect_after_post, render, wants_fragment
from portal.mypage import forms
from portal.mypage.regions import LISTS, Editor, bp, current_business, edit_page, saved_message, show_region, submit

PERIOD_REGION = "period-values"


def _periods_url() -> str:
    return url_for("mypage.index", _anchor="periods")


def period_page(period_id: int, notice: str | None = None) -> Response:
    session = get_session()
    business = current_business(session)
    view = store.view_of(session, business, "period", period_id)
    block = "values" if notice or htmx.target == PERIOD_REGION else None
    return render("mypage/period.html", block=block, period=view, notice=notice,
                  cautions=store.SECTIONS["period"].cautions(view.record),
                  history=store.history(session, business, "period", period_id, limit=30))


@bp.get("/periods/new")
def new_period():
    current_business(get_session())
    editor = Editor("periods", "period", "決算期の追加", url_for("mypage.add_period"), _periods_url())
    return edit_page(editor, forms.section_form("period", {"months": "12"}))


@bp.post("/periods")
def add_period():
    editor = Editor("periods", "period", "決算期の追加", url_for("mypage.add_period"), _periods_url())

    def write(session: Session, values: dict[str, str]):
        return store.add_period(session, current_business(session), values, store.MANUAL, current_user)

    def saved(period, notes):
        section = store.SECTIONS["period"]
        message = saved_message(f"{section.record_label(period)}の決算期を追加しました。", notes, section.cautions(period))
        return show_region("periods", message, _periods_url())

    return submit(editor, write, saved)


@bp.get("/periods/<int:period_id>")
def period(period_id: int):
    return period_page(period_id)


def _period_editor(period_id: int) -> Editor:
    return Editor(PERIOD_REGION, "period", "事業財務情報の編集", url_for("mypage.save_period", period_id=period_id),
                  url_for("mypage.period", period_id=period_id))


@bp.get("/periods/<int:period_id>/edit")
def edit_period(period_id: int):
    session = get_session()
    record = store.get_record(session, current_business(session), "period", period_id)
    return edit_page(_period_editor(period_id), forms.section_form("period", store.form_values("period", record)))


@bp.post("/periods/<int:period_id>")
def save_period(period_id: int):
    session = get_session()
    store.get_record(session, current_business(session), "period", period_id)  # 404 before reading the form

    def write(session: Session, values: dict[str, str]):
        return store.update_period(session, current_business(session), period_id, values, store.MANUAL, current_user)

    def saved(changes, notes):
        message = saved_message("事業財務情報を保存しました。" if changes else "変更はありませんでした。", notes)
        if wants_fragment():
            return period_page(period_id, notice=message)
        flash(message, "success")
        return redirect_after_post("mypage.period", period_id=period_id)

    return submit(_period_editor(period_id), write, saved)


@bp.post("/periods/<int:period_id>/delete")
def delete_period(period_id: int):
    session = get_session()
    business = current_business(session)
    label = store.SECTIONS["period"].record_label(store.get_record(session, business, "period", period_id))
    store.remove_period(session, business, period_id, current_user)
    session.commit()
    flash(f"{label}の決算期を削除しました。削除した数字は変更履歴に残っています。", "success")
    return redirect_after_post("mypage.index", _anchor="periods")


def _list_editor(kind: str) -> Editor:
    _section, label = LISTS[kind]
    return Editor(kind, LISTS[kind][0], f"{label}の追加", url_for("mypage.add_item", kind=kind),
                  url_for("mypage.index", _anchor=kind))


@bp.get("/<any(shareholders, officers, offices):kind>/new")
def new_item(kind: str):
    current_business(get_session())
    return edit_page(_list_editor(kind), forms.section_form(LISTS[kind][0]))


@bp.post("/<any(shareholders, officers, offices):kind>")
def add_item(kind: str):
    section, label = LISTS[kind]

    def write(session: Session, values: dict[str, str]):
        return store.add_record(session, current_business(session), section, values, store.MANUAL, current_user)

    def saved(record, notes):
        spec = store.SECTIONS[section]
        message = saved_message(f"{label}「{spec.record_label(record)}」を追加しました。", notes, spec.cautions(record))
        return show_region(kind, message, url_for("mypage.index", _anchor=kind))

    return submit(_list_editor(kind), write, saved)


@bp.post("/<any(shareholders, officers, offices):kind>/<int:record_id>/delete")
def delete_item(kind: str, record_id: int):
    section, label = LISTS[kind]
    session = get_session()
    business = current_business(session)
    record_label = store.SECTIONS[section].record_label(store.get_record(session, business, section, record_id))
    store.remove_record(session, business, section, record_id, current_user)
    session.commit()
    return show_region(kind, f"{label}「{record_label}」を削除しました。", url_for("mypage.index", _anchor=kind))
