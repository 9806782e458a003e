"""職員: registering application sites for the once-only API, changing and disabling them.

Only staff accounts may open these pages (others get 403, anonymous visitors the log-in). The
secret of a confidential site is shown once, on the page that answers the registration, and is
never stored in clear or put in a cookie.
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from portal.db import get_session
from portal.forms import attach
from portal.htmx import redirect_after_post, render
from portal.oauth import clients
from portal.oauth.scopes import SCOPES
from portal.staff import refuse_unless_staff

bp = Blueprint("staff_clients", __name__, url_prefix="/staff/clients")

KIND_CHOICES = [SelectChoice("confidential", "サーバーで動く申請サイト（クライアントシークレットを発行）"),
                SelectChoice("public", "シークレットを安全に持てないアプリ（PKCEのみ）")]


bp.before_request(refuse_unless_staff)


class ClientForm(FlaskForm):
    name = StringField("申請サイトの名前")
    description = TextAreaField("説明（同意画面に表示されます）")
    redirect_uris = TextAreaField("リダイレクトURI（1行に1つ）")
    scopes = SelectMultipleField("読み取りを認める情報", choices=[SelectChoice(s.name, s.label) for s in SCOPES.values()],
                                 option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))
    start_url = StringField("申請の開始ページのURL")
    # Labelled choices, not raw ids; invalid values are left to `_values` and clients.py for Japanese messages.
    support_ids = SelectMultipleField("この申請サイトで申請できる支援制度（複数選べます）", choices=[],
                                      validate_choice=False, render_kw={"size": 10})


class NewClientForm(ClientForm):
    kind = RadioField("申請サイトの種類", choices=KIND_CHOICES, default="confidential")


def _values(form: ClientForm) -> clients.ClientValues | None:
    ids: list[int] = []
    parts = [p for raw in (form.support_ids.data or []) for p in re.split(r"[,、\s]+", raw)]
    for part in parts:
        if not part:
            continue
        if not part.isascii() or not part.isdigit():
            form.support_ids.errors = ["支援制度のIDは数字で、カンマで区切って入力してください（例：12, 34）。"]
            return None
        ids.append(int(part))
    return clients.ClientValues(
        name=form.name.data or "", redirect_uris=clients.split_lines(form.redirect_uris.data),
        scopes=form.scopes.data or [], public=getattr(form, "kind", None) is not None and form.kind.data == "public",
        description=form.description.data or "", start_url=form.start_url.data or "", support_ids=ids)


def _with_measures(form: ClientForm) -> ClientForm:
    """The measures to choose from, by title (with the id, as the staff's other screens name them)."""
    from sqlalchemy import select

    from portal.models import Support

    rows = get_session().execute(select(Support.id, Support.title).order_by(Support.title, Support.id)).all()
    form.support_ids.choices = [SelectChoice(str(row.id), f"{row.title}（ID {row.id}）") for row in rows]
    return form


@bp.get("/")
def index():
    return render("staff/clients/index.html", clients=clients.all_clients(get_session()), scopes=SCOPES)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _with_measures(NewClientForm())
    if request.method == "POST" and form.validate_on_submit():
        values = _values(form)
        if values is not None:
            session = get_session()
            try:
                client, secret = clients.register_client(session, values, current_user)
            except clients.InvalidClient as error:
                session.rollback()
                attach(form, error.errors)
            else:
                session.commit()
                return render("staff/clients/created.html", client=client, secret=secret)
    status = 422 if request.method == "POST" else 200
    return render("staff/clients/form.html", http_status=status, form=form, client=None,
                  action=url_for("staff_clients.new"))


@bp.route("/<int:client_pk>/edit", methods=["GET", "POST"])
def edit(client_pk: int):
    session = get_session()
    client = clients.get_client(session, client_pk)
    form = _with_measures(ClientForm())
    if request.method == "GET":
        form.name.data, form.description.data = client.name, client.description
        form.redirect_uris.data = "\n".join(client.redirect_uris)
        form.scopes.data = list(client.scopes)
        form.start_url.data = client.start_url
        form.support_ids.data = [str(i) for i in client.support_ids]
    elif form.validate_on_submit() and (values := _values(form)) is not None:
        try:
            clients.change_client(session, client, values)
        except clients.InvalidClient as error:
            session.rollback()
            attach(form, error.errors)
        else:
            session.commit()
            flash(f"{client.name}の登録内容を保存しました。", "success")
            return redirect_after_post("staff_clients.index")
    status = 422 if request.method == "POST" else 200
    return render("staff/clients/form.html", http_status=status, form=form, client=client,
                  action=url_for("staff_clients.edit", client_pk=client.id))


@bp.post("/<int:client_pk>/active")
def set_active(client_pk: int):
    session = get_session()
    client = clients.get_client(session, client_pk)
    active = request.form.get("active") == "1"
    clients.set_active(session, client, active)
    session.commit()
    flash(f"{client.name}の利用を{'再開' if active else '停止'}しました。", "success")
    return redirect_after_post("staff_clients.index")
