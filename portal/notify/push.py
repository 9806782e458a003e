"""Web Push to the installed app (VAPID, RFC 8292; payload encrypted per RFC 8291 by pywebpush).

The VAPID key pair identifies this portal to the browsers' push services, so every machine of a portal
must use the same one: it comes from the `VAPID_PRIVATE_KEY` setting (PEM text) or from the database
(`portal.site_keys`), made once by whichever instance needs it first. Each run claims, per user, the
alerts that no run has pushed yet (see `claims.claim_pushes`) and, in the same transaction, asks for
one `notify.push` job per subscription of that user (the fan-out a worker does); a subscription the
push service says is gone (404/410) is deleted.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app, url_for
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import clock, jobs, site_keys
from portal.db import insert_ignoring_conflict
from portal.errors import DomainError
from portal.models import Notification, PushSubscription
from portal.notify.claims import claim_pushes

log = logging.getLogger(__name__)
KEY_FILE = "vapid_private.pem"
PUSH_WINDOW = timedelta(days=1)  # older unpushed alerts are left to the inbox and the digest


class SubscriptionError(DomainError):
    pass


def _new_pem() -> str:
    key = Vapid()
    key.generate_keys()
    return key.private_pem().decode()


def _stored_pem(app: Flask) -> str:
    """The portal's key pair from the database; an installation that made its key into the instance
    folder before keys were shared hands that one over, so its browsers' subscriptions keep working."""
    old = Path(app.instance_path) / KEY_FILE
    return site_keys.shared_key(app, "vapid_private_pem", lambda: old.read_text() if old.exists() else _new_pem())


def vapid(app: Flask | None = None) -> Vapid:
    app = app or current_app
    cached = app.extensions.get("portal_vapid")
    if cached is not None:
        return cached
    pem = app.config.get("VAPID_PRIVATE_KEY") or _stored_pem(app)
    key = Vapid.from_pem(pem.encode() if isinstance(pem, str) else pem)
    app.extensions["portal_vapid"] = key
    return key


def application_server_key(app: Flask | None = None) -> str:
    """The public key as the browser's `applicationServerKey` wants it: base64url, uncompressed point."""
    raw = vapid(app).public_key.public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_subject(app: Flask | None = None) -> str:
    config = (app or current_app).config
    return config.get("VAPID_SUBJECT") or "mailto:" + (parseaddr(config["MAIL_SENDER"])[1] or "noreply@localhost")


def save_subscription(session: Session, user_id: int, data: object) -> PushSubscription:
    """Stores a browser's PushSubscription JSON (`{"endpoint", "keys": {"p256dh", "auth"}}`)."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionError("通知の登録情報が正しくありません。", "subscription")
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    # Push services are public https endpoints; plain http only for the tests' local push service.
    schemes = ("https://", "http://") if current_app.testing else ("https://",)
    if not isinstance(endpoint, str) or not endpoint.startswith(schemes) or len(endpoint) > 1000:
        raise SubscriptionError("通知の送り先が正しくありません。", "endpoint")
    if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in (p256dh, auth)):
        raise SubscriptionError("通知の暗号鍵が正しくありません。", "keys")
    # Two subscribe requests of one browser may race: the second finds the row the first inserted.
    insert_ignoring_conflict(session, PushSubscription, user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth,
                             failures=0)
    row = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    # The same browser, perhaps now used by another account: it belongs to the latest.
    row.user_id, row.p256dh, row.auth, row.failures = user_id, p256dh, auth, 0
    session.flush()
    return row


def remove_subscription(session: Session, user_id: int, endpoint: str) -> bool:
    result = session.execute(delete(PushSubscription).where(PushSubscription.user_id == user_id,
                                                            PushSubscription.endpoint == endpoint))
    return result.rowcount > 0


def payload_for(items: list[Notification]) -> dict[str, str]:
    if len(items) == 1:
        return {"title": items[0].title, "body": items[0].body, "url": items[0].url, "tag": items[0].key}
    return {"title": f"新しいお知らせが{len(items)}件あります", "body": "、".join(n.title for n in items[:3]),
            "url": url_for("notify.inbox_page"), "tag": "inbox"}


@dataclass
class PushReport:
    messages: int = 0
    """Users whose new alerts were claimed and handed to the queue as pushes."""


@dataclass
class Delivery:
    messages: int = 0
    failed: int = 0
    removed: int = 0


def _deliver(subscription: PushSubscription, payload: dict[str, str], now: datetime, report: Delivery) -> bool:
    """False when the subscription is gone for good."""
    config = current_app.config
    try:
        webpush({"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                data=json.dumps(payload, ensure_ascii=False), vapid_private_key=vapid(),
                vapid_claims={"sub": vapid_subject()}, ttl=int(config.get("PUSH_TTL", 86400)),
                timeout=float(config.get("PUSH_TIMEOUT", 10)))
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            report.removed += 1
            return False
        log.warning("push to subscription %s failed: %s", subscription.id, status or error)
        subscription.failures += 1
        report.failed += 1
        return True
    except OSError as error:  # connection refused, timeouts (requests' errors are OSErrors)
        log.warning("push to subscription %s failed: %s", subscription.id, error)
        subscription.failures += 1
        report.failed += 1
        return True
    subscription.last_success_at, subscription.failures = now, 0
    report.messages += 1
    return True


def send_pushes(session: Session, now: datetime) -> PushReport:
    """Claims each user's unpushed alerts and, in the same commit, queues one push per subscription."""
    report = PushReport()
    user_ids = list(session.scalars(select(PushSubscription.user_id).distinct().order_by(PushSubscription.user_id)))
    for user_id in user_ids:
        claimed = claim_pushes(session, user_id, now - PUSH_WINDOW, now)
        if not claimed:
            session.commit()
            continue
        items = list(session.scalars(select(Notification).where(Notification.id.in_(claimed))
                                     .order_by(Notification.created_at, Notification.id)))
        payload = payload_for(items)
        for subscription_id in session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)):
            jobs.enqueue(session, "notify.push", key=f"notify.push:{subscription_id}:{claimed[0]}-{claimed[-1]}",
                         subscription_id=subscription_id, payload=payload)
        session.commit()
        report.messages += 1
    return report


def deliver_push(session: Session, subscription_id: int, payload: dict[str, str]) -> Delivery:
    """The `notify.push` job: one encrypted push to one subscription (deleted when gone)."""
    report = Delivery()
    subscription = session.get(PushSubscription, subscription_id)
    if subscription is None:  # unsubscribed meanwhile
        return report
    if not _deliver(subscription, payload, clock.now(), report):
        session.delete(subscription)
    session.commit()
    return report
