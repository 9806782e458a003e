"""The linking use cases: link, unlink, run a sync (accepting or rejecting what it proposes is
`portal.linking.decisions`).

Like the store, nothing here commits: the caller commits once per use case. `run_sync` never
raises for a connector's failure — a ConnectorError, any other exception from a buggy plugin, or
a sync past `SYNC_TIMEOUT` seconds (checked between records) puts the connection in エラー with a
Japanese `last_error`, records the run, and writes no proposals from that fetch.

Before giving up, the host recovers from the two failures that are its own business rather than
the connector's: an expired OAuth token (`AuthExpired`, or a stored expiry that has passed) is
refreshed once at the service's token endpoint — the connector never sees the refresh token or
the client secret — the new tokens are stored encrypted and the fetch is retried once; a
`RateLimited` fetch is retried after its Retry-After, capped at `SYNC_RETRY_MAX_WAIT` seconds, at
most `SYNC_RETRY_ATTEMPTS` times. A refresh that fails leaves the connection in エラー with a
message asking the user to link again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts.services import record_event
from portal.linking.crypto import (
    CredentialsError,
    decrypt_credentials,
    encrypt_credentials,
)
from portal.linking.http import RequestsHttpClient
from portal.linking.oauth import (
    HOST_SETTINGS,
    OAuthError,
    expired,
    oauth_client,
    refresh,
)
from portal.linking.proposals import (
    forget_routed,
    proposals_for,
    route_records,
    save_proposals,
)
from portal.models import (
    Business,
    Connection,
    ConnectionState,
    Decision,
    ProposedChange,
    SyncOutcome,
    SyncRun,
    User,
)
from portal.plugins import connectors
from portal.records import Record
from portal.sdk import (
    MODES,
    AuthExpired,
    ConnectorError,
    Credentials,
    FetchContext,
    RateLimited,
    UploadedFile,
)
from portal.store import (
    Removal,
    register_source_label,
    register_unlinked_label,
    remove_source_values,
)

log = logging.getLogger(__name__)

DEFAULT_SYNC_TIMEOUT = 300.0
DEFAULT_SYNC_INTERVAL_HOURS = 24.0
UNAVAILABLE = "この連携先は現在利用できません（プラグインが読み込まれていません）。"
FAILED = "連携先からのデータ取得中に予期しないエラーが発生しました。時間をおいて再度お試しください。"


class LinkingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SyncTimeout(ConnectorError):
    default_message = "連携先からの取得が制限時間内に終わりませんでした。時間をおいて再度お試しください。"


class RefreshFailed(ConnectorError):
    """The token could not be renewed: only linking again (a new sign-in) helps."""


def refresh_failed_message(title: str) -> str:
    return (f"{title}の認証の有効期限が切れ、自動での更新にも失敗しました。"
            "お手数ですが、外部サービス連携の「再連携」から、もう一度連携してください。")


def register_labels(app: Flask) -> None:
    """Name every registered connector as a source (and its unlink note) for the store's pages."""
    for name, info in connectors(app).items():
        register_source_label(name, info.connector.title)
        register_unlinked_label(name, info.connector.title)


def _app(session: Session) -> Flask:
    return session.info.get("app") or current_app._get_current_object()


def get_connection(session: Session, business: Business, connector_name: str) -> Connection | None:
    return session.scalar(select(Connection).where(Connection.business_id == business.id,
                                                   Connection.connector == connector_name))


def link(session: Session, business: Business, connector_name: str, mode: str, credentials: Mapping[str, str],
         user: User | None = None) -> Connection:
    """Stores the credentials encrypted and marks the connection 連携中 (the consent was just given)."""
    app = _app(session)
    info = connectors(app).get(connector_name)
    if info is None:
        raise LinkingError(UNAVAILABLE)
    if mode not in MODES or mode not in info.connector.modes:
        raise LinkingError(f"{info.connector.title}は「{mode}」モードに対応していません。")
    connection = get_connection(session, business, connector_name)
    if connection is None:
        connection = Connection(business_id=business.id, connector=connector_name)
        session.add(connection)
    now = clock.now()
    connection.mode, connection.state, connection.consented_at = mode, ConnectionState.LINKED, now
    connection.credentials = encrypt_credentials(app.config, credentials)
    connection.last_error = None
    register_source_label(connector_name, info.connector.title)
    register_unlinked_label(connector_name, info.connector.title)
    record_event(session, "connection_linked", user, detail=f"business={business.id} connector={connector_name}")
    session.flush()
    return connection


@dataclass(frozen=True)
class Unlinked:
    connection: Connection
    discarded: int
    """Pending proposals of this connection, now rejected."""
    removal: Removal | None
    """What was removed from the store (None when the data was kept)."""


def withdrawn_sources(session: Session, business: Business) -> dict[str, datetime]:
    """The services whose data the business deleted on unlinking, and when: their earlier values are
    not brought back when another service's values are removed."""
    rows = session.execute(select(Connection.connector, Connection.data_removed_at).where(
        Connection.business_id == business.id, Connection.data_removed_at.is_not(None)))
    return {name: at for name, at in rows}


def unlink(session: Session, business: Business, connector_name: str, keep_data: bool,
           user: User | None = None) -> Unlinked:
    """Destroys the credentials at once and rejects the connection's pending proposals. With
    `keep_data` the accepted values stay (the connector still shown as their source); without it the
    store puts back, for each value whose current source is this connector, what the field held
    before — hand-typed or from a service whose data is still kept — and empties the rest
    (`store.remove_source_values`). Either way the choice is logged as `connection_unlinked`."""
    connection = get_connection(session, business, connector_name)
    if connection is None:
        raise LinkingError("この連携先とは連携していません。")
    connection.credentials = None
    connection.state, connection.last_error = ConnectionState.UNLINKED, None
    pending = _pending_of(session, connection)
    _decide(session, pending, Decision.REJECTED)
    removal = None
    if not keep_data:
        removal = remove_source_values(session, business, connector_name, user,
                                       withdrawn=withdrawn_sources(session, business))
        connection.data_removed_at = clock.now()
        forget_routed(session, business, connector_name, user)  # 申請履歴, the agency link
    detail = f"business={business.id} connector={connector_name} data={'keep' if keep_data else 'delete'}"
    if removal is not None:
        detail += f" {removal.summary()}"
    record_event(session, "connection_unlinked", user, detail=detail)
    session.flush()
    return Unlinked(connection, len(pending), removal)


def _pending_of(session: Session, connection: Connection) -> list[ProposedChange]:
    return list(session.scalars(select(ProposedChange).where(ProposedChange.connection_id == connection.id,
                                                             ProposedChange.decision == Decision.PENDING)))


def pending_changes(session: Session, business: Business) -> list[ProposedChange]:
    return list(session.scalars(select(ProposedChange).where(ProposedChange.business_id == business.id,
                                                             ProposedChange.decision == Decision.PENDING)
                                .order_by(ProposedChange.id)))


def connector_settings(app: Flask, connector_name: str) -> dict[str, str]:
    """The operator's settings a connector is handed: the shared top-level values and its own, without
    the OAuth client (`oauth.HOST_SETTINGS`), which only the host uses."""
    settings = app.config.get("CONNECTOR_SETTINGS") or {}
    settings = settings if isinstance(settings, Mapping) else {}  # e.g. a string from the environment
    flat = {k: str(v) for k, v in settings.items() if not isinstance(v, Mapping)}
    own = settings.get(connector_name) or {}
    flat.update({k: str(v) for k, v in own.items() if k not in HOST_SETTINGS})
    return flat


def _fetch(app: Flask, connection: Connection, business: Business, today: date, stored: Mapping[str, str],
           uploaded_files: Sequence[UploadedFile] = ()) -> list[Record]:
    info = connectors(app).get(connection.connector)
    if info is None:
        raise ConnectorError(UNAVAILABLE)
    connector_cls = info.connector
    declared = {f.name for f in connector_cls.auth.fields} if connector_cls.auth.kind == "api_key" else set()
    credentials = Credentials(access_token=stored.get("access_token"),
                              fields={k: v for k, v in stored.items() if k in declared})
    flat = connector_settings(app, connection.connector)
    limit = float(app.config.get("SYNC_TIMEOUT", DEFAULT_SYNC_TIMEOUT))
    started = time.monotonic()
    records: list[Record] = []
    with RequestsHttpClient.from_config(app.config) as http:
        context = FetchContext(corporate_number=business.corporate_number or "", mode=connection.mode, http=http,
                               today=today, credentials=credentials, uploaded_files=tuple(uploaded_files),
                               settings=flat)
        for record in connector_cls().fetch(context):
            if not isinstance(record, Record):
                raise TypeError(f"{connector_cls.name} yielded {type(record).__name__}, not a Record")
            records.append(record)
            if time.monotonic() - started > limit:
                raise SyncTimeout(detail=f"over {limit}s after {len(records)} records")
    return records


def _refreshed(app: Flask, connection: Connection, stored: Mapping[str, str]) -> dict[str, str] | None:
    """New tokens, stored encrypted on the connection; None when this connection cannot refresh
    (not live OAuth, no client configured, no refresh token); RefreshFailed when the service refuses."""
    info = connectors(app).get(connection.connector)
    if info is None or connection.mode != "live" or not stored.get("refresh_token"):
        return None
    client = oauth_client(app.config, connection.connector, info.connector.auth)
    if client is None:
        return None
    try:
        renewed = refresh(client, stored)
    except OAuthError as error:
        raise RefreshFailed(refresh_failed_message(info.connector.title), detail=error.detail) from None
    connection.credentials = encrypt_credentials(app.config, renewed)
    log.info("refreshed the token of %s for business %s", connection.connector, connection.business_id)
    return renewed


def _fetch_with_recovery(app: Flask, connection: Connection, business: Business, today: date,
                         uploaded_files: Sequence[UploadedFile]) -> list[Record]:
    """`_fetch`, refreshing an expired token once and waiting out rate limits a bounded number of times."""
    stored = decrypt_credentials(app.config, connection.credentials)
    refreshed = False
    if expired(stored):
        renewed = _refreshed(app, connection, stored)
        if renewed is not None:
            stored, refreshed = renewed, True
    max_wait = max(0.0, float(app.config["SYNC_RETRY_MAX_WAIT"]))
    attempts = int(app.config["SYNC_RETRY_ATTEMPTS"])
    waited = 0
    while True:
        try:
            return _fetch(app, connection, business, today, stored, uploaded_files)
        except AuthExpired:
            renewed = None if refreshed else _refreshed(app, connection, stored)
            if renewed is None:
                raise
            stored, refreshed = renewed, True
        except RateLimited as error:
            if waited >= attempts:
                raise
            waited += 1
            pause = max_wait if error.retry_after is None else min(error.retry_after, max_wait)
            log.info("%s rate-limited; retry %d after %.1fs", connection.connector, waited, pause)
            time.sleep(pause)


def run_sync(session: Session, app: Flask, connection: Connection, today: date,
             uploaded_files: Sequence[UploadedFile] = ()) -> SyncRun:
    """Fetches, proposes the differing fields, records the run; returns it (outcome ok or error).
    `uploaded_files` go to a file-upload connector in its `FetchContext`; they are not stored."""
    if connection.state is ConnectionState.UNLINKED:
        raise LinkingError("解除済みの連携は取得できません。")
    business = session.get(Business, connection.business_id)
    run = SyncRun(connection_id=connection.id, started_at=clock.now(), outcome=SyncOutcome.RUNNING,
                  mode=connection.mode)
    session.add(run)
    session.flush()
    try:
        records = _fetch_with_recovery(app, connection, business, today, uploaded_files)
        proposals = proposals_for(session, business, records, sandbox=connection.mode == "sandbox")
        route_records(session, app, connection, business, records)  # measures → navi, 申請履歴 → store
    except (ConnectorError, CredentialsError) as error:
        log.warning("sync of %s for business %s failed: %s %s", connection.connector, business.id,
                    error, getattr(error, "detail", ""))
        return _finish(session, connection, run, error.message)
    except Exception:  # a buggy plugin must not break the caller
        log.exception("connector %s raised", connection.connector)
        return _finish(session, connection, run, FAILED)
    info = connectors(app).get(connection.connector)
    register_source_label(connection.connector, info.connector.title)
    register_unlinked_label(connection.connector, info.connector.title)
    run.proposals = save_proposals(session, connection, proposals)
    run.records = len(records)
    return _finish(session, connection, run, None)


def _finish(session: Session, connection: Connection, run: SyncRun, error: str | None) -> SyncRun:
    now = clock.now()
    run.finished_at, run.error = now, error[:500] if error else None
    run.outcome = SyncOutcome.ERROR if error else SyncOutcome.OK
    connection.last_sync_at, connection.last_error = now, run.error
    connection.state = ConnectionState.ERROR if error else ConnectionState.LINKED
    session.flush()
    return run


def _decide(session: Session, changes: list[ProposedChange], decision: Decision) -> None:
    now = clock.now()
    for change in changes:
        change.decision, change.decided_at = decision, now
    session.flush()


def due_connections(session: Session, now: datetime,
                    interval_hours: float = DEFAULT_SYNC_INTERVAL_HOURS) -> list[Connection]:
    """Connections 連携中 or エラー not synced within `interval_hours` (never synced: due). A live
    file-upload connection (e-Tax) is never due: its data comes only with the files the user uploads."""
    cutoff = now - timedelta(hours=interval_hours)
    registry = connectors(_app(session))
    due = session.scalars(select(Connection).where(
        Connection.state.in_([ConnectionState.LINKED, ConnectionState.ERROR]),
        or_(Connection.last_sync_at.is_(None), Connection.last_sync_at < cutoff)).order_by(Connection.id))
    return [c for c in due if not (c.mode == "live" and c.connector in registry
                                   and registry[c.connector].connector.auth.kind == "file_upload")]
