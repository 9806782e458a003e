"""The linking use cases: link, unlink, run a sync, accept or reject what it proposes.

Like the store, nothing here commits: the caller commits once per use case. `run_sync` never
raises for a connector's failure — a ConnectorError, any other exception from a buggy plugin, or
a sync past `SYNC_TIMEOUT` seconds (checked between records) puts the connection in エラー with a
Japanese `last_error`, records the run, and writes no proposals from that fetch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.accounts.services import record_event
from portal.linking.crypto import CredentialsError, decrypt_credentials, encrypt_credentials
from portal.linking.http import RequestsHttpClient
from portal.linking.proposals import apply_changes, proposals_for, save_proposals
from portal.models import (Business, Connection, ConnectionState, Decision, ProposedChange, SyncOutcome, SyncRun,
                           User)
from portal.models.base import utcnow
from portal.plugins import connectors
from portal.records import Record
from portal.sdk import MODES, ConnectorError, Credentials, FetchContext
from portal.store import business_for_user, register_source_label

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
    now = utcnow()
    connection.mode, connection.state, connection.consented_at = mode, ConnectionState.LINKED, now
    connection.credentials = encrypt_credentials(app.config, credentials)
    connection.last_error = None
    register_source_label(connector_name, info.connector.title)
    record_event(session, "connection_linked", user, detail=f"business={business.id} connector={connector_name}")
    session.flush()
    return connection


def unlink(session: Session, business: Business, connector_name: str, keep_data: bool,
           user: User | None = None) -> Connection:
    """Destroys the credentials at once; without `keep_data`, its pending proposals are rejected.

    TODO: deleting data already accepted from this connector when `keep_data` is False. The store
    has no function to remove the values of one source yet; until it does, accepted values stay
    (with the connector still shown as their source) and only the pending proposals are rejected.
    """
    connection = get_connection(session, business, connector_name)
    if connection is None:
        raise LinkingError("この連携先とは連携していません。")
    connection.credentials = None
    connection.state, connection.last_error = ConnectionState.UNLINKED, None
    if not keep_data:
        _decide(session, _pending_of(session, connection), Decision.REJECTED)
    record_event(session, "connection_unlinked", user, detail=f"business={business.id} connector={connector_name} "
                                                               f"data={'keep' if keep_data else 'delete'}")
    session.flush()
    return connection


def _pending_of(session: Session, connection: Connection) -> list[ProposedChange]:
    return list(session.scalars(select(ProposedChange).where(ProposedChange.connection_id == connection.id,
                                                             ProposedChange.decision == Decision.PENDING)))


def pending_changes(session: Session, business: Business) -> list[ProposedChange]:
    return list(session.scalars(select(ProposedChange).where(ProposedChange.business_id == business.id,
                                                             ProposedChange.decision == Decision.PENDING)
                                .order_by(ProposedChange.id)))


def _fetch(app: Flask, connection: Connection, business: Business, today: date) -> list[Record]:
    info = connectors(app).get(connection.connector)
    if info is None:
        raise ConnectorError(UNAVAILABLE)
    connector_cls = info.connector
    stored = decrypt_credentials(app.config, connection.credentials)
    declared = {f.name for f in connector_cls.auth.fields} if connector_cls.auth.kind == "api_key" else set()
    credentials = Credentials(access_token=stored.get("access_token"),
                              fields={k: v for k, v in stored.items() if k in declared})
    settings = app.config.get("CONNECTOR_SETTINGS") or {}
    settings = settings if isinstance(settings, Mapping) else {}  # e.g. a string from the environment
    flat = {k: str(v) for k, v in settings.items() if not isinstance(v, Mapping)}
    flat.update({k: str(v) for k, v in (settings.get(connection.connector) or {}).items()})
    limit = float(app.config.get("SYNC_TIMEOUT", DEFAULT_SYNC_TIMEOUT))
    started = time.monotonic()
    records: list[Record] = []
    with RequestsHttpClient.from_config(app.config) as http:
        context = FetchContext(corporate_number=business.corporate_number or "", mode=connection.mode, http=http,
                               today=today, credentials=credentials, settings=flat)
        for record in connector_cls().fetch(context):
            if not isinstance(record, Record):
                raise TypeError(f"{connector_cls.name} yielded {type(record).__name__}, not a Record")
            records.append(record)
            if time.monotonic() - started > limit:
                raise SyncTimeout(detail=f"over {limit}s after {len(records)} records")
    return records


def run_sync(session: Session, app: Flask, connection: Connection, today: date) -> SyncRun:
    """Fetches, proposes the differing fields, records the run; returns it (outcome ok or error)."""
    if connection.state is ConnectionState.UNLINKED:
        raise LinkingError("解除済みの連携は取得できません。")
    business = session.get(Business, connection.business_id)
    run = SyncRun(connection_id=connection.id, started_at=utcnow(), outcome=SyncOutcome.RUNNING)
    session.add(run)
    session.flush()
    try:
        records = _fetch(app, connection, business, today)
        proposals = proposals_for(session, business, records)
    except (ConnectorError, CredentialsError) as error:
        log.warning("sync of %s for business %s failed: %s %s", connection.connector, business.id,
                    error, getattr(error, "detail", ""))
        return _finish(session, connection, run, error.message)
    except Exception:  # a buggy plugin must not break the caller
        log.exception("connector %s raised", connection.connector)
        return _finish(session, connection, run, FAILED)
    info = connectors(app).get(connection.connector)
    register_source_label(connection.connector, info.connector.title)
    save_proposals(session, connection, proposals)
    run.records = len(records)
    return _finish(session, connection, run, None)


def _finish(session: Session, connection: Connection, run: SyncRun, error: str | None) -> SyncRun:
    now = utcnow()
    run.finished_at, run.error = now, error[:500] if error else None
    run.outcome = SyncOutcome.ERROR if error else SyncOutcome.OK
    connection.last_sync_at, connection.last_error = now, run.error
    connection.state = ConnectionState.ERROR if error else ConnectionState.LINKED
    session.flush()
    return run


def _owned_pending(session: Session, user: User, change_ids: Iterable[int]) -> tuple[Business, list[ProposedChange]]:
    business = business_for_user(session, user)
    ids = list(change_ids)
    if business is None or not ids:
        return business, []
    return business, list(session.scalars(select(ProposedChange).where(
        ProposedChange.id.in_(ids), ProposedChange.business_id == business.id,
        ProposedChange.decision == Decision.PENDING).order_by(ProposedChange.id)))


def _decide(session: Session, changes: list[ProposedChange], decision: Decision) -> None:
    now = utcnow()
    for change in changes:
        change.decision, change.decided_at = decision, now
    session.flush()


def accept(session: Session, user: User, change_ids: Iterable[int]) -> list[ProposedChange]:
    """Writes the user's business's pending changes among `change_ids` through the store; ids of
    another business or already decided are ignored. Store errors (InvalidValues) propagate."""
    business, changes = _owned_pending(session, user, change_ids)
    if changes:
        apply_changes(session, business, user, changes)
        _decide(session, changes, Decision.ACCEPTED)
    return changes


def reject(session: Session, user: User, change_ids: Iterable[int]) -> list[ProposedChange]:
    _business, changes = _owned_pending(session, user, change_ids)
    _decide(session, changes, Decision.REJECTED)
    return changes


def due_connections(session: Session, now: datetime,
                    interval_hours: float = DEFAULT_SYNC_INTERVAL_HOURS) -> list[Connection]:
    """Connections 連携中 or エラー not synced within `interval_hours` (never synced: due)."""
    cutoff = now - timedelta(hours=interval_hours)
    return list(session.scalars(select(Connection).where(
        Connection.state.in_([ConnectionState.LINKED, ConnectionState.ERROR]),
        or_(Connection.last_sync_at.is_(None), Connection.last_sync_at < cutoff)).order_by(Connection.id)))
