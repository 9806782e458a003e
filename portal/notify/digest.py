"""The e-mail digest: unread alerts gathered into one mail a day or a week, as each user chose.

A daily digest goes out at the first run after `NOTIFY_DIGEST_HOUR` (Japan time) each day, a weekly
one at the first such run on `NOTIFY_WEEKLY_DAY` (0 = Monday). Nothing new, no mail. The period is
claimed by inserting a `NotificationDelivery` row unique per (user, period), and the alerts are
attached to it with `UPDATE … WHERE digest_id IS NULL`; the mail is written then and committed with
the claim as a `notify.digest` job, which a worker sends: a second run, or a second process, finds
the period taken and the alerts attached, and the job sends only a delivery still `sending`. Every
mail has a signed one-click unsubscribe link and the List-Unsubscribe / List-Unsubscribe-Post
headers of RFC 8058.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.policy import SMTP

from flask import current_app, render_template, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import clock, jobs, mail
from portal.models import EmailFrequency, Notification, NotificationDelivery, NotificationSettings, User
from portal.notify.claims import insert_or_skip
from portal.notify.settings import DEFAULT_FREQUENCY, unsubscribe_token
from portal.ui import JST

log = logging.getLogger(__name__)
KIND_HEADINGS = {
    "search": "保存した検索条件に合う支援制度",
    "profile": "あなたの会社に合いそうな支援制度",
    "deadline": "締切が近い保存済みの支援制度",
    "expert": "専門家派遣依頼",
}


def period_key(frequency: str, now: datetime, hour: int, weekday: int) -> str | None:
    """The digest period that is due at `now` for this frequency, or None when none is due."""
    local = now.astimezone(JST)
    if frequency == EmailFrequency.NONE or local.hour < hour:
        return None
    if frequency == EmailFrequency.DAILY:
        return f"daily:{local.date().isoformat()}"
    if frequency == EmailFrequency.WEEKLY and local.weekday() == weekday:
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return None


@dataclass
class DigestReport:
    sent: int = 0
    """Digests claimed and handed to the queue (a worker sends them)."""


def _waiting_users(session: Session) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, NotificationSettings.email_frequency)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.id.in_(select(Notification.user_id).where(Notification.digest_id.is_(None),
                                                               Notification.read_at.is_(None))),
               User.active.is_(True), User.email_confirmed_at.is_not(None))
        .order_by(User.id))
    return [(user, frequency or DEFAULT_FREQUENCY.value) for user, frequency in rows]


def _claim(session: Session, user: User, key: str, now: datetime) -> NotificationDelivery | None:
    if not insert_or_skip(session, NotificationDelivery,
                          {"user_id": user.id, "key": key, "state": "sending", "items": 0, "created_at": now},
                          ("user_id", "key")):
        session.rollback()
        return None
    delivery = session.scalar(select(NotificationDelivery).where(NotificationDelivery.user_id == user.id,
                                                                 NotificationDelivery.key == key))
    attached = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.digest_id.is_(None), Notification.read_at.is_(None))
        .values(digest_id=delivery.id).execution_options(synchronize_session=False)).rowcount
    if attached == 0:  # read meanwhile: give the period back rather than spend it on nothing
        session.delete(delivery)
        session.commit()
        return None
    delivery.items = attached
    return delivery  # the caller commits the claim together with its mail


def build_digest(user: User, delivery: NotificationDelivery, items: list[Notification]):
    """The mail for one digest: plain text, with the unsubscribe link and headers."""
    config = current_app.config
    unsubscribe = url_for("notify.unsubscribe", token=unsubscribe_token(config["SECRET_KEY"], user), _external=True)
    groups = [(heading, [n for n in items if n.kind == kind]) for kind, heading in KIND_HEADINGS.items()]
    period = "今週" if delivery.key.startswith("weekly") else "本日"
    body = render_template("notify/digest.txt", user=user, groups=[g for g in groups if g[1]], count=len(items),
                           period=period, unsubscribe_url=unsubscribe,
                           settings_url=url_for("notify.settings_page", _external=True),
                           inbox_url=url_for("notify.inbox_page", _external=True),
                           absolute=lambda path: url_for("main.index", _external=True).rstrip("/") + path)
    subject = f"【{config['SITE_SHORT_NAME']}】{period}のお知らせ {len(items)}件"
    message = mail.build_message(user.email, subject, body)
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    return message


def _queue(session: Session, user: User, delivery: NotificationDelivery) -> None:
    items = list(session.scalars(select(Notification).where(Notification.digest_id == delivery.id)
                                 .order_by(Notification.created_at, Notification.id)))
    message = build_digest(user, delivery, items)
    jobs.enqueue(session, "notify.digest", key=f"notify.digest:{delivery.id}", delivery_id=delivery.id,
                 message=message.as_string(policy=SMTP))
    session.commit()


def deliver_digest(session: Session, delivery_id: int, message: str) -> None:
    """The `notify.digest` job: sends a claimed digest unless it was sent (or given up) already."""
    delivery = session.get(NotificationDelivery, delivery_id)
    if delivery is None or delivery.state != "sending":
        return
    try:
        mail.send_message(mail.parse(message))
    except OSError as error:  # smtplib's errors are OSErrors
        # The period stays claimed (marked failed); its alerts are let go for the next period's digest.
        log.warning("digest %s for user %s not sent: %s", delivery.key, delivery.user_id, error)
        delivery.state, delivery.error = "failed", str(error)[:500]
        session.execute(update(Notification).where(Notification.digest_id == delivery.id).values(digest_id=None)
                        .execution_options(synchronize_session=False))
        session.commit()
        return
    delivery.state, delivery.sent_at = "sent", clock.now()
    session.commit()


def send_digests(session: Session, now: datetime) -> DigestReport:
    config = current_app.config
    hour, weekday = int(config.get("NOTIFY_DIGEST_HOUR", 7)), int(config.get("NOTIFY_WEEKLY_DAY", 0))
    report = DigestReport()
    for user, frequency in _waiting_users(session):
        key = period_key(frequency, now, hour, weekday)
        delivery = _claim(session, user, key, now) if key else None
        if delivery is None:
            continue
        _queue(session, user, delivery)
        report.sent += 1
    return report
