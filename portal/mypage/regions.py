"""The regions of マイページ and the blueprint they belong to.

Every page finds the business through the logged-in user's membership, so there is no business id
in any URL and records of another business are simply not found (404). An edit form is a region:
with htmx the 編集 link swaps a section for its form and saving swaps the section back; without
JavaScript the same links open full pages and saving redirects to マイページ. The helpers here do
that once for every section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, redirect
from flask_login import current_user
from sqlalchemy.orm import Session

from portal import store
from portal.access import refuse_visitors
from portal.db import get_session
from portal.forms import attach
from portal.htmx import render, wants_fragment
from portal.models import Business
from portal.mypage import forms

bp = Blueprint("mypage", __name__, url_prefix="/mypage")

#: URL part of each list section → (store section, label).
LISTS = {"shareholders": ("shareholder", "株主"), "officers": ("officer", "役員"), "offices": ("office", "事業所")}
#: Regions of マイページ that can be requested on their own (htmx sends their id as HX-Target).
REGIONS = ("basic", "periods", *LISTS)


bp.before_request(refuse_visitors)


def current_business(session: Session) -> Business:
    """The business of the logged-in user; 404 when they have none yet."""
    return store.require_business(session, current_user)


def index_context(session: Session, business: Business) -> dict[str, Any]:
    return {"data": store.business_data(session, business), "members": store.members(session, business),
            "lists": LISTS}


@dataclass(frozen=True)
class Editor:
    """One form region: the element id the form and the saved section share, and its URLs."""

    region: str
    section: str
    title: str
    action: str
    back: str


def edit_page(editor: Editor, form, http_status: int = 200) -> Response:
    return render("mypage/edit.html", block="form", http_status=http_status, form=form, editor=editor,
                  groups=forms.grouped_fields(form, editor.section), heading="h2" if wants_fragment() else "h1")


def submit(editor: Editor, write: Callable[[Session, dict[str, str]], Any],
           saved: Callable[[Any, list[str]], Response]):
    """Posts the form of `editor` through `write`; shows the form again, as typed, when refused.
    `saved` gets the result and what the page should say it understood (「1000万円」 → 10,000,000円)."""
    session = get_session()
    form = forms.section_form(editor.section)
    if form.validate_on_submit():
        values = forms.values_of(form, editor.section)
        try:
            result = write(session, values)
        except store.InvalidValues as error:
            session.rollback()
            attach(form, error.errors)
        else:
            session.commit()
            return saved(result, understood(editor.section, values))
    return edit_page(editor, form, http_status=422)


def understood(section: str, values: dict[str, str]) -> list[str]:
    """「資本金：「1000万円」を10,000,000円として読み取りました。」 for each amount typed in 万・億・千円."""
    notes = (store.SECTIONS[section].spec(name).reading_note(typed) for name, typed in values.items())
    return [note for note in notes if note]


def saved_message(message: str, notes: list[str], cautions: list[store.Caution] = ()) -> str:
    """The notice after a save: what was saved, how amounts were read, and what looks wrong."""
    return " ".join([message, *notes, *(f"確認してください：{c.message}" for c in cautions)])


def show_region(region: str, message: str, anchor_url: str) -> Response:
    """After a save: the region of マイページ for htmx, else a redirect to it with the message."""
    if wants_fragment():
        session = get_session()
        return render("mypage/index.html", block=region, notice=message,
                      **index_context(session, current_business(session)))
    flash(message, "success")
    return redirect(anchor_url, code=303)
