"""外部サービス連携 on マイページ: the connectors and their state, consent and linking, the changes a
sync proposes (accept or reject), and unlinking.

The routes belong to the マイページ blueprint, so they share its login check and, like every
マイページ page, find the business through the logged-in user: there is no business id in any URL.
A connector this business has not linked, or a proposal of another business, is simply not found
(404). Everything works as plain forms and links without JavaScript.

The consent page runs each connector's auth step. Sandbox (お試し) is offered wherever the connector
has it. Live (本番) means: for an API-key service, the typed-in key; for a public one, nothing more;
for e-Tax (file upload), the statement CSVs chosen on the consent page, read by the first sync at
once and not kept afterwards (a file the connector cannot read is refused beside its field, and
nothing is stored); for the cloud-accounting services (OAuth 2.0), a sign-in at the service:
the consent form redirects there with a state and a PKCE challenge kept (encrypted, ten minutes) in
the session, and `oauth_callback` checks the state, exchanges the code and links. Live OAuth is
offered only when the operator has configured the portal's client for that service
(`CONNECTOR_SETTINGS`); otherwise the consent page says why only the sandbox is available.

解除 destroys the credentials and offers the choice the issue asks for: keep the values that came
from the service, or delete them through the store (`store.remove_source_values`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Response, abort, current_app, flash, make_response, redirect, request, url_for
from flask import session as cookie
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal import clock, linking, store
from portal.connector_registry import ConnectorInfo
from portal.db import get_session
from portal.extensions import htmx
from portal.htmx import redirect_after_post, render
from portal.linking import oauth
from portal.linking.crypto import seal, unseal
from portal.linking.jobs import first_sync_state, queue_first_sync
from portal.linking.proposals import KEY_FIELD
from portal.linking.services import DEFAULT_SYNC_INTERVAL_HOURS, register_labels
from portal.models import Business, Connection, ConnectionState, ProposedChange, SyncOutcome
from portal.mypage.regions import bp, current_business
from portal.plugins import connectors
from portal.sdk import UploadedFile
from portal.store.sections import SECTIONS

MODE_LABELS = {"sandbox": "お試し（サンドボックス）", "live": "本番"}
KEEP_CHOICES = [SelectChoice("keep", "取り込んだデータを残す"), SelectChoice("delete", "取り込んだデータを削除")]
#: Seconds a started OAuth sign-in may take before its state is no longer accepted.
AUTHORIZATION_MAX_AGE = 600
PENDING_KEY = "linking_oauth"


def _info(name: str) -> ConnectorInfo:
    info = connectors().get(name)
    if info is None:
        abort(404)
    return info


@bp.record_once
def _name_sources(state) -> None:
    """Source names for マイページ and its history from the start, not only after a first sync."""
    register_labels(state.app)


def oauth_client(info: ConnectorInfo) -> oauth.OAuthClient | None:
    return oauth.oauth_client(current_app.config, info.name, info.connector.auth)


def live_available(info: ConnectorInfo) -> bool:
    """Live mode needs the operator's part first: an OAuth client, and the settings it declares."""
    connector = info.connector
    if "live" not in connector.modes:
        return False
    configured = linking.services.connector_settings(current_app, info.name)
    if any(not configured.get(name, "").strip() for name in connector.live_settings):
        return False
    return connector.auth.kind != "oauth2" or oauth_client(info) is not None


def available_modes(info: ConnectorInfo) -> list[str]:
    modes = ["sandbox"] if "sandbox" in info.connector.modes else []
    if live_available(info):
        modes.append("live")
    return modes


def auth_note(info: ConnectorInfo) -> str | None:
    """What the live step is, or why there is none, in the user's words."""
    title, kind = info.connector.title, info.connector.auth.kind
    if kind != "oauth2" and "live" in info.connector.modes and not live_available(info):
        return (f"本番の連携（{title}）は、このポータルの運営者が取得先などの設定をしたときに使えるように"
                "なります。まだ設定されていないため、現在はお試し（サンドボックス）だけを利用できます。")
    if kind == "oauth2" and "live" in info.connector.modes:
        if not live_available(info):
            return (f"本番の連携（{title}のアカウントでログインして許可する方法）は、このポータルの運営者が"
                    f"{title}にこのポータルを登録し、その情報を設定したときに使えるようになります。"
                    "まだ設定されていないため、現在はお試し（サンドボックス）だけを利用できます。")
        return (f"「本番」を選ぶと{title}のログイン画面に移ります。そこでログインして許可すると、"
                "このページに戻り、すぐに最初の取得を行います。このポータルが受け取るのは読み取りの許可だけで、"
                f"{title}のパスワードは受け取りません。")
    if kind == "file_upload" and "live" in info.connector.modes:
        return ("「本番」では、e-Taxで申告したときの財務諸表のCSVファイルを選んでください。ファイルはその場で読み取り、"
                "読み取った数字を「変更の確認」に表示します。ファイルそのものは保存しません。"
                "次の決算の数字を取り込むときは、もう一度「再連携」からファイルを選んでください。")
    return None


def upload_max_bytes() -> int:
    return int(current_app.config["LINKING_UPLOAD_MAX_BYTES"])


def size_text(size: int) -> str:
    """2097152 → 「2MB」, 800 → 「800バイト」."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,}{unit}"
    return f"{size:,}バイト"


def consent_form(info: ConnectorInfo) -> FlaskForm:
    """Mode choice plus, for live mode, the API-key fields (`credential_0`, …) or the file fields
    (`file_0`, … one per declared FileKind, each taking several files)."""
    modes = available_modes(info)
    auth = info.connector.auth

    class ConsentForm(FlaskForm):
        mode = RadioField("連携の方法", choices=[SelectChoice(m, MODE_LABELS[m]) for m in modes], default=modes[0],
                          validators=[InputRequired("連携の方法を選んでください。")])

    if auth.kind == "api_key":
        for index, spec in enumerate(auth.fields):
            if spec.secret and "live" not in modes:
                continue  # a secret is only ever sent to the real service
            if spec.secret:
                field = PasswordField(spec.label, description="「本番」を選んだときに入力してください。")
            else:
                # A public value (e.g. an agency's 認定番号) is used by the sandbox too, and may come in the
                # address: 支援機関を探す links here with the number filled in.
                field = StringField(spec.label, default=request.args.get(spec.name, type=str),
                                    description="「本番」では必ず入力してください。お試しでも、入力した内容で取得します。")
            setattr(ConsentForm, f"credential_{index}", field)
    if "live" in modes and auth.kind == "file_upload":
        limit = size_text(upload_max_bytes())
        for index, kind in enumerate(auth.file_kinds):
            accept = ",".join(kind.extensions) if kind.extensions else None
            setattr(ConsentForm, f"file_{index}", MultipleFileField(
                kind.label, render_kw={"accept": accept} if accept else {},
                description=f"「本番」を選んだときに選んでください。複数の年度のファイルを選べます（1ファイル{limit}まで）。"))
    return ConsentForm()


def credential_fields(form: FlaskForm) -> list:
    return [form[name] for name in form._fields if name.startswith("credential_")]


def file_fields(form: FlaskForm) -> list:
    return [form[name] for name in form._fields if name.startswith("file_")]


def credentials_from(info: ConnectorInfo, form: FlaskForm) -> dict[str, str] | None:
    """The typed-in values of an API-key link: live needs every field (None, with errors on the form,
    if one is missing); the sandbox takes the public ones that were typed."""
    if info.connector.auth.kind != "api_key":
        return {}
    live = form.mode.data == "live"
    values: dict[str, str] = {}
    for index, spec in enumerate(info.connector.auth.fields):
        field = form._fields.get(f"credential_{index}")
        if field is None or (spec.secret and not live):
            continue
        value = (field.data or "").strip()
        if live and not value:
            field.errors = [*field.errors, f"{spec.label}を入力してください。"]
        if value:
            values[spec.name] = value
    return None if any(f.errors for f in credential_fields(form)) else values


def uploads_from(info: ConnectorInfo, form: FlaskForm) -> list[UploadedFile] | None:
    """The chosen files as `UploadedFile`s (kind = the FileKind's name); None, with errors beside the
    fields, when a file has the wrong extension or is too large, or when none was chosen."""
    limit = upload_max_bytes()
    files: list[UploadedFile] = []
    for kind, field in zip(info.connector.auth.file_kinds, file_fields(form), strict=True):
        for storage in field.data or []:
            if not getattr(storage, "filename", ""):
                continue  # an empty file input sends one part without a name
            name = storage.filename
            if kind.extensions and not name.lower().endswith(tuple(e.lower() for e in kind.extensions)):
                field.errors = [*field.errors, f"{name} は選べません。{'・'.join(kind.extensions)} のファイルを選んでください。"]
                continue
            content = storage.stream.read(limit + 1)
            if len(content) > limit:
                field.errors = [*field.errors, f"{name} は大きすぎます（1ファイル{size_text(limit)}まで）。"]
                continue
            files.append(UploadedFile(name, content, kind.name))
    fields = file_fields(form)
    if not files and not any(f.errors for f in fields):
        labels = "・".join(kind.label for kind in info.connector.auth.file_kinds)
        fields[0].errors = [*fields[0].errors, f"ファイルを選んでください（{labels}）。"]
    return None if any(f.errors for f in fields) else files


def attach_upload_error(info: ConnectorInfo, form: FlaskForm, files: list[UploadedFile], message: str) -> None:
    """Show the connector's message beside the field of the file it names (else the first field)."""
    fields = file_fields(form)
    kinds = [kind.name for kind in info.connector.auth.file_kinds]
    named = next((upload for upload in files if upload.filename and upload.filename in message), None)
    target = fields[kinds.index(named.kind)] if named is not None and named.kind in kinds else fields[0]
    target.errors = [*target.errors, f"{message} ファイルを確かめて、もう一度選んでください。"]


def interval_hours() -> float:
    return float(current_app.config.get("SYNC_INTERVAL_HOURS", DEFAULT_SYNC_INTERVAL_HOURS))


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


def _after_first_sync(session: Session, info: ConnectorInfo, connection: Connection) -> Response:
    """The first sync is a job (no request waits for a service): the status page says 取得中 until a
    worker is done. When it already is (immediate mode), the result is shown at once as before."""
    queue_first_sync(session, connection)
    session.commit()
    state, run = first_sync_state(session, connection)
    if state == "waiting" or run is None:
        flash(f"{info.connector.title}と連携しました。", "success")  # the status region says 取得中
        return redirect_after_post("mypage.first_sync_status", name=info.name)
    if run.outcome is SyncOutcome.ERROR:
        flash(f"{info.connector.title}と連携しましたが、最初の取得に失敗しました：{run.error}", "error")
        return redirect_after_post("mypage.links")
    flash(f"{info.connector.title}と連携し、データを取得しました。反映する変更を選んでください。", "success")
    return redirect_after_post("mypage.proposals")


@bp.get("/links/<name>/status")
def first_sync_status(name: str):
    """取得中 while the first sync after linking waits for a worker, then its result. The status region
    asks again every two seconds (htmx) until it is done; without JavaScript, reloading shows it."""
    session = get_session()
    business = current_business(session)
    info = _info(name)
    connection = _linked_connection(session, business, name)
    state, run = first_sync_state(session, connection)
    pending = sum(1 for c in linking.pending_changes(session, business) if c.connection_id == connection.id)
    return render("mypage/linking/status.html", block="status", info=info, state=state, run=run, pending=pending)


def _consent_page(info: ConnectorInfo, form: FlaskForm, status: int) -> Response:
    return render("mypage/linking/consent.html", http_status=status, info=info, form=form,
                  fields=credential_fields(form), files=file_fields(form), interval=interval_hours(),
                  note=auth_note(info), reads=[str(r) for r in info.connector.reads])


@bp.route("/links/<name>/link", methods=["GET", "POST"])
def link_service(name: str):
    session = get_session()
    business = current_business(session)
    info = _info(name)
    if not available_modes(info):
        abort(404)
    form = consent_form(info)
    if request.method == "POST" and form.validate_on_submit():
        live, kind = form.mode.data == "live", info.connector.auth.kind
        if live and kind == "oauth2":
            return _start_authorization(info, business)
        if live and kind == "file_upload":
            uploads = uploads_from(info, form)
            if uploads is not None:
                response = _link_with_files(session, info, business, form, uploads)
                if response is not None:
                    return response
        else:
            credentials = credentials_from(info, form)
            if credentials is not None:
                connection = linking.link(session, business, name, form.mode.data, credentials, user=current_user)
                session.commit()
                return _after_first_sync(session, info, connection)
    return _consent_page(info, form, 422 if request.method == "POST" else 200)


def _link_with_files(session: Session, info: ConnectorInfo, business: Business, form: FlaskForm,
                     uploads: list[UploadedFile]) -> Response | None:
    """Link and read the files in one transaction: a file the connector refuses undoes both, and its
    message goes beside the field (None is returned so the form is shown again)."""
    connection = linking.link(session, business, info.name, "live", {}, user=current_user)
    run = linking.run_sync(session, current_app._get_current_object(), connection, clock.today(), uploads)
    if run.outcome is SyncOutcome.ERROR:
        session.rollback()
        attach_upload_error(info, form, uploads, run.error or "")
        return None
    session.commit()
    flash(f"{info.connector.title}のファイルを読み取りました（{run.records}期分）。反映する変更を選んでください。", "success")
    return redirect_after_post("mypage.proposals")


# --- OAuth 2.0 sign-in --------------------------------------------------------------------------------

def _redirect_uri(name: str) -> str:
    return url_for("mypage.oauth_callback", name=name, _external=True)


def _start_authorization(info: ConnectorInfo, business: Business) -> Response:
    client = oauth_client(info)
    state, verifier = oauth.new_state(), oauth.new_verifier()
    cookie[PENDING_KEY] = seal(current_app.config, {"connector": info.name, "business": str(business.id),
                                                    "state": state, "verifier": verifier})
    target = oauth.authorization_url(client, _redirect_uri(info.name), state, verifier)
    if htmx:  # a boosted form cannot follow a redirect to another site; let the browser go there
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


def _failed(message: str) -> Response:
    flash(message, "error")
    return redirect(url_for("mypage.links"), code=303)


@bp.get("/links/<name>/callback")
def oauth_callback(name: str):
    """Where the service sends the user back. Nothing is stored unless the state is the one this
    session started for this connector and business, the user allowed it, and the code exchange
    succeeded."""
    session = get_session()
    business = current_business(session)
    info = _info(name)
    client = oauth_client(info)
    if client is None:
        abort(404)
    title = info.connector.title
    pending = unseal(current_app.config, cookie.pop(PENDING_KEY, None), AUTHORIZATION_MAX_AGE)
    state = request.args.get("state", "")
    if (pending is None or pending.get("connector") != name or pending.get("business") != str(business.id)
            or not hmac.compare_digest(pending.get("state", "").encode(), state.encode())):
        return _failed(f"{title}との連携を確認できませんでした（時間がたちすぎたか、別の画面で始めた連携です）。"
                       "何も保存していません。もう一度「連携」からやり直してください。")
    error = request.args.get("error")
    if error == "access_denied":
        return _failed(f"{title}で連携が許可されなかったため、連携しませんでした。何も保存していません。")
    if error or not request.args.get("code"):
        return _failed(f"{title}でのログインと許可がうまくいかなかったため、連携しませんでした。何も保存していません。"
                       "時間をおいて、もう一度お試しください。")
    try:
        credentials = oauth.exchange_code(client, request.args["code"], _redirect_uri(name), pending["verifier"])
    except oauth.OAuthError as failure:
        return _failed(f"{failure.message}（{title}）何も保存していません。")
    connection = linking.link(session, business, name, "live", credentials, user=current_user)
    session.commit()
    return _after_first_sync(session, info, connection)


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


def _record_label(section: str, key: list | None) -> str:
    """The record a change is for, as マイページ names it: 「2025年3月31日決算」, a shareholder's name."""
    if not SECTIONS[section].is_list or not key:
        return ""
    if section in KEY_FIELD:
        shown = _shown(section, KEY_FIELD[section], str(key[0]))
        return f"{shown}決算" if section == "period" else shown
    return str(key[0])


def proposal_groups(changes: list[ProposedChange]) -> list[tuple[str, list[tuple[str, list[Line]]]]]:
    """(connector title, [(section label, lines)]) in the order the changes were proposed."""
    registry = connectors()
    groups: dict[str, dict[str, list[Line]]] = {}
    for change in changes:
        section = SECTIONS[change.section]
        info = registry.get(change.source)
        title = info.connector.title if info is not None else store.source_label(change.source)
        record = _record_label(change.section, change.record_key)
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


def _values_from(session: Session, business: Business, name: str) -> int:
    return sum(1 for row in store.sources_of(session, business).values() if row.source == name)


def _unlinked_message(title: str, result: linking.services.Unlinked) -> str:
    message = f"{title}との連携を解除しました。保存していた認証情報は削除しました。"
    removal = result.removal
    if removal is None:
        return message + "取り込んだ値はそのまま残しています。"
    message += f"{title}から取り込んだ値を{removal.cleared}項目削除"
    if removal.removed_records:
        message += f"し、{title}からだけ来た記録（決算期など）を{removal.removed_records}件削除"
    message += "しました。削除した値は変更履歴に残っています。"
    if removal.kept:
        message += f"商号や決算年月日など空にできない{len(removal.kept)}項目は残しました。"
    return message


@bp.route("/links/<name>/unlink", methods=["GET", "POST"])
def unlink_service(name: str):
    session = get_session()
    business = current_business(session)
    info = _info(name)
    connection = _linked_connection(session, business, name)
    form = UnlinkForm()
    if request.method == "POST" and form.validate_on_submit():
        result = linking.unlink(session, business, name, keep_data=form.keep.data == "keep", user=current_user)
        session.commit()
        flash(_unlinked_message(info.connector.title, result), "success")
        return redirect_after_post("mypage.links")
    pending = sum(1 for c in linking.pending_changes(session, business) if c.connection_id == connection.id)
    status = 422 if request.method == "POST" else 200
    return render("mypage/linking/unlink.html", http_status=status, info=info, form=form, pending=pending,
                  values=_values_from(session, business, name))
