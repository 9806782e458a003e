"""外部サービス連携 on マイページ: the connectors and their state, consent and linking, the changes a
sync proposes (accept or reject), and unlinking.

The routes belong to the マイページ blueprint, so they share its login check and, like every
マイページ page, find the business through the logged-in user: there is no business id in any URL.
A connector this business has not linked, or a proposal of another business, is simply not found
(404). Everything works as plain forms and links without JavaScript.

In this version the live auth steps of e-Tax (file upload) and of the cloud-accounting services
(OAuth sign-in) are not offered: those connectors can be linked in sandbox mode only, and the
consent page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal import clock, linking, store
from portal.connector_registry import ConnectorInfo
from portal.db import get_session
from portal.htmx import redirect_after_post, render
from portal.linking.services import DEFAULT_SYNC_INTERVAL_HOURS
from portal.models import Connection, ConnectionState, ProposedChange, SyncOutcome
from portal.mypage.regions import bp, current_business
from portal.plugins import connectors
from portal.store.sections import SECTIONS

MODE_LABELS = {"sandbox": "お試し（サンドボックス）", "live": "本番"}
#: Auth kinds whose live step this version runs; the others are linked in sandbox mode only.
LIVE_KINDS = ("api_key", "none")
AUTH_LATER = {
    "file_upload": "本番の連携（e-Taxの申告データのCSVファイルのアップロード）は、今後のバージョンで利用できるようになります。"
                   "現在は、お試し（サンドボックス）のデータで連携の流れを確かめられます。",
    "oauth2": "本番の連携（このサービスのアカウントでのログインと許可）は、今後のバージョンで利用できるようになります。"
              "現在は、お試し（サンドボックス）のデータで連携の流れを確かめられます。",
}
KEEP_CHOICES = [SelectChoice("keep", "取り込んだデータを残す")]


def _info(name: str) -> ConnectorInfo:
    info = connectors().get(name)
    if info is None:
        abort(404)
    return info


def available_modes(info: ConnectorInfo) -> list[str]:
    connector = info.connector
    modes = ["sandbox"] if "sandbox" in connector.modes else []
    if "live" in connector.modes and connector.auth.kind in LIVE_KINDS:
        modes.append("live")
    return modes


def interval_hours() -> float:
    return float(current_app.config.get("SYNC_INTERVAL_HOURS", DEFAULT_SYNC_INTERVAL_HOURS))


def consent_form(info: ConnectorInfo) -> FlaskForm:
    """Mode choice plus, for an API-key service, one input per declared field (`credential_0`, …)."""
    modes = available_modes(info)

    class ConsentForm(FlaskForm):
        mode = RadioField("連携の方法", choices=[SelectChoice(m, MODE_LABELS[m]) for m in modes], default=modes[0],
                          validators=[InputRequired("連携の方法を選んでください。")])

    if info.connector.auth.kind == "api_key" and "live" in modes:
        for index, spec in enumerate(info.connector.auth.fields):
            field_class = PasswordField if spec.secret else StringField
            setattr(ConsentForm, f"credential_{index}",
                    field_class(spec.label, description="「本番」を選んだときに入力してください。"))
    return ConsentForm()


def credential_fields(form: FlaskForm) -> list:
    return [form[name] for name in form._fields if name.startswith("credential_")]


def credentials_from(info: ConnectorInfo, form: FlaskForm) -> dict[str, str] | None:
    """The typed-in credentials for a live API-key link; None (with errors on the form) if incomplete."""
    if form.mode.data != "live" or info.connector.auth.kind != "api_key":
        return {}
    values: dict[str, str] = {}
    for spec, field in zip(info.connector.auth.fields, credential_fields(form), strict=True):
        value = (field.data or "").strip()
        if not value:
            field.errors = [*field.errors, f"{spec.label}を入力してください。"]
        values[spec.name] = value
    return None if any(f.errors for f in credential_fields(form)) else values


@dataclass(frozen=True)
class Service:
    info: ConnectorInfo
    connection: Connection | None

    @property
    def state(self) -> ConnectionState:
        return self.connection.state if self.connection is not None else ConnectionState.UNLINKED

    @property
    def linked(self) -> bool:
        return self.state is not ConnectionState.UNLINKED


@bp.get("/links")
def links():
    session = get_session()
    business = current_business(session)
    by_name = {c.connector: c for c in session.scalars(select(Connection).where(Connection.business_id == business.id))}
    services = [Service(info, by_name.get(name)) for name, info in sorted(connectors().items())]
    pending = len(linking.pending_changes(session, business))
    return render("mypage/linking/index.html", services=services, pending=pending, mode_labels=MODE_LABELS,
                  interval=interval_hours())


@bp.route("/links/<name>/link", methods=["GET", "POST"])
def link_service(name: str):
    session = get_session()
    business = current_business(session)
    info = _info(name)
    if not available_modes(info):
        abort(404)
    form = consent_form(info)
    if request.method == "POST" and form.validate_on_submit():
        credentials = credentials_from(info, form)
        if credentials is not None:
            connection = linking.link(session, business, name, form.mode.data, credentials, user=current_user)
            session.commit()
            run = linking.run_sync(session, current_app._get_current_object(), connection, clock.today())
            session.commit()
            if run.outcome is SyncOutcome.ERROR:
                flash(f"{info.connector.title}と連携しましたが、最初の取得に失敗しました：{run.error}", "error")
                return redirect_after_post("mypage.links")
            flash(f"{info.connector.title}と連携し、データを取得しました。反映する変更を選んでください。", "success")
            return redirect_after_post("mypage.proposals")
    status = 422 if request.method == "POST" else 200
    return render("mypage/linking/consent.html", http_status=status, info=info, form=form,
                  fields=credential_fields(form), interval=interval_hours(),
                  later=AUTH_LATER.get(info.connector.auth.kind), reads=[str(r) for r in info.connector.reads])


@dataclass(frozen=True)
class Line:
    change: ProposedChange
    record: str
    field: str
    old: str
    new: str


def _shown(section: str, field: str, value: str | None) -> str:
    if value is None:
        return ""
    spec = SECTIONS[section].spec(field)
    try:
        return spec.display(spec.from_text(value))
    except (TypeError, ValueError):
        return value


def proposal_groups(changes: list[ProposedChange]) -> list[tuple[str, list[tuple[str, list[Line]]]]]:
    """(connector title, [(section label, lines)]) in the order the changes were proposed."""
    registry = connectors()
    groups: dict[str, dict[str, list[Line]]] = {}
    for change in changes:
        section = SECTIONS[change.section]
        info = registry.get(change.source)
        title = info.connector.title if info is not None else store.source_label(change.source)
        record = "" if not section.is_list else str((change.record_key or [""])[0])
        line = Line(change, record, section.spec(change.field).label,
                    _shown(change.section, change.field, change.old_value),
                    _shown(change.section, change.field, change.new_value))
        groups.setdefault(title, {}).setdefault(section.label, []).append(line)
    return [(title, list(sections.items())) for title, sections in groups.items()]


@bp.get("/links/proposals")
def proposals():
    session = get_session()
    business = current_business(session)
    return render("mypage/linking/proposals.html",
                  groups=proposal_groups(linking.pending_changes(session, business)))


@bp.post("/links/proposals")
def decide_proposals():
    session = get_session()
    business = current_business(session)
    try:
        ids = {int(value) for value in request.form.getlist("change")}
    except ValueError:
        abort(400)
    if ids:
        owned = set(session.scalars(select(ProposedChange.id).where(ProposedChange.id.in_(ids),
                                                                    ProposedChange.business_id == business.id)))
        if owned != ids:
            abort(404)
    if not ids:
        flash("変更が選ばれていません。反映する（または反映しない）変更にチェックを入れてください。", "error")
        return redirect_after_post("mypage.proposals")
    if request.form.get("decision") == "accept":
        try:
            done = linking.accept(session, current_user, sorted(ids))
        except store.InvalidValues:
            session.rollback()
            flash("マイページの値と合わないため、選んだ変更を反映できませんでした。変更は未確認のまま残っています。", "error")
            return redirect_after_post("mypage.proposals")
        session.commit()
        flash(f"{len(done)}件の変更をマイページに反映しました。", "success")
    else:
        done = linking.reject(session, current_user, sorted(ids))
        session.commit()
        flash(f"{len(done)}件の変更を反映しないことにしました。", "success")
    return redirect_after_post("mypage.proposals")


def _linked_connection(session, business, name: str) -> Connection:
    connection = linking.get_connection(session, business, name)
    if connection is None or connection.state is ConnectionState.UNLINKED:
        abort(404)
    return connection


class UnlinkForm(FlaskForm):
    keep = RadioField("取り込んだデータの扱い", choices=KEEP_CHOICES, default="keep",
                      validators=[InputRequired("取り込んだデータの扱いを選んでください。")])


@bp.route("/links/<name>/unlink", methods=["GET", "POST"])
def unlink_service(name: str):
    session = get_session()
    business = current_business(session)
    info = _info(name)
    connection = _linked_connection(session, business, name)
    form = UnlinkForm()
    if request.method == "POST" and form.validate_on_submit():
        # Accepted values stay (the store cannot remove one source's values yet); pending proposals go.
        pending = [c.id for c in linking.pending_changes(session, business) if c.connection_id == connection.id]
        linking.unlink(session, business, name, keep_data=True, user=current_user)
        linking.reject(session, current_user, pending)
        session.commit()
        flash(f"{info.connector.title}との連携を解除しました。保存していた認証情報は削除しました。", "success")
        return redirect_after_post("mypage.links")
    pending = sum(1 for c in linking.pending_changes(session, business) if c.connection_id == connection.id)
    status = 422 if request.method == "POST" else 200
    return render("mypage/linking/unlink.html", http_status=status, info=info, form=form, pending=pending)
