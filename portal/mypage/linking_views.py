"""外部サービス連携 on マイページ: the connectors and their state, consent and linking, and unlinking.
The changes a sync proposes are reviewed in `portal.mypage.review_views`, each connection's page
with its sync history is `portal.mypage.connection_views`.

The routes belong to the マイページ blueprint, so they share its login check and, like every
マイページ page, find the business through the logged-in user: there is no business id in any URL.
A connector this business has not linked, or a proposal of another business, is simply not found
(404). Everything works as plain forms and links without JavaScript.

The consent page runs each connector's auth step. Sandbox (お試し) is offered wherever the connector
has it. Live (本番) means: for an API-key service, the typed-in key (a public value such as a 認定番号
is asked for in the sandbox too when the connector requires it, and checked against its pattern;
the first sync is part of linking, so a value the service refuses is shown beside its field and
nothing is stored); for a public one, nothing more;
for e-Tax (file upload), the statement CSVs chosen on the consent page, read by the first sync at
once and not kept afterwards (a file the connector cannot read is refused beside its field, and
nothing is stored); for the cloud-accounting services (OAuth 2.0), a sign-in at the service:
the consent form redirects there with a state and a PKCE challenge kept (encrypted, ten minutes) in
the session, and `oauth_callback` checks the state, exchanges the code and links. Live OAuth is
offered only when the operator has configured the portal's client for that service
(`CONNECTOR_SETTINGS`); otherwise the consent page says why only the sandbox is available.

解除 destroys the credentials and offers the choice: keep the values that came from the service, or
delete them through the store, which puts back what each field held before (`store.remove_source_values`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Response, abort, current_app, flash, make_response, redirect, request, url_for
from flask import session as cookie
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import RadioField
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
from portal.linking.services import DEFAULT_SYNC_INTERVAL_HOURS, register_labels
from portal.models import Business, Connection, ConnectionState, Decision, ProposedChange, SyncOutcome
from portal.mypage.consent import (MODE_LABELS, attach_upload_error, auth_note, available_modes, consent_form,
                                   credential_fields, credentials_from, file_fields, oauth_client, uploads_from)
from portal.mypage.regions import bp, current_business
from portal.plugins import connectors
from portal.sdk import UploadedFile

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
    return _after_first_sync_done(info, run)


def _after_first_sync_done(info: ConnectorInfo, run) -> Response:
    if run.outcome is SyncOutcome.ERROR:
        flash(f"{info.connector.title}と連携しましたが、最初の取得に失敗しました：{run.error}", "error")
        return redirect_after_post("mypage.links")
    waiting = get_session().scalar(select(func.count(ProposedChange.id)).where(
        ProposedChange.connection_id == run.connection_id, ProposedChange.decision == Decision.PENDING))
    if waiting:
        flash(f"{info.connector.title}と連携し、データを取得しました。反映する変更を選んでください。", "success")
        return redirect_after_post("mypage.proposals")
    flash(f"{info.connector.title}と連携し、データを取得しました（{run.records}件を読み取りました）。"
          "マイページの値と違うところはなかったため、確認する変更はありません。", "success")
    return redirect_after_post("mypage.connection_page", name=info.name)


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
            if credentials is not None and kind == "api_key":
                response = _link_checked(session, info, business, form, credentials)
                if response is not None:
                    return response
            elif credentials is not None:
                connection = linking.link(session, business, name, form.mode.data, credentials, user=current_user)
                session.commit()
                return _after_first_sync(session, info, connection)
    return _consent_page(info, form, 422 if request.method == "POST" else 200)


def _link_checked(session: Session, info: ConnectorInfo, business: Business, form: FlaskForm,
                  credentials: dict[str, str]) -> Response | None:
    """Link an API-key service and run its first sync in one transaction: what the service refuses
    (an unknown 認定番号, a wrong key) undoes both, and its message goes beside the first field typed
    in (None is returned so the form is shown again). An earlier link stays as it was."""
    connection = linking.link(session, business, info.name, form.mode.data, credentials, user=current_user)
    run = linking.run_sync(session, current_app._get_current_object(), connection, clock.today())
    if run.outcome is SyncOutcome.ERROR:
        session.rollback()
        fields = credential_fields(form)
        target = next((f for f in fields if (f.data or "").strip()), fields[0] if fields else form.mode)
        target.errors = [*target.errors, f"連携できませんでした：{run.error} 何も保存していません。"]
        return None
    session.commit()
    return _after_first_sync_done(info, run)


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
    done = []
    if removal.restored:
        done.append(f"{removal.restored}項目を{title}から取り込む前の値（手入力やほかのサービスの値）に戻し")
    if removal.cleared:
        done.append(f"ほかに値のなかった{removal.cleared}項目を空にし")
    if removal.removed_records:
        done.append(f"{title}からだけ来た記録（決算期など）を{removal.removed_records}件削除し")
    if done:
        message += f"{title}から取り込んだ値のうち、" + "、".join(done) + "ました。変更履歴に、削除と復元の両方を残しています。"
    else:
        message += f"{title}から取り込んだ値で、いまマイページにあるものはありませんでした。"
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
