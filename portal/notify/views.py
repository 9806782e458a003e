"""通知 pages: the inbox, 通知の設定, push subscriptions, one-click unsubscribe and the iCal feed.

The unsubscribe and calendar addresses work without logging in (a mail client and a calendar
program cannot log in); each is guarded by a secret in its URL instead: a signature for the former,
a random token the user can renew for the latter.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, request, url_for
from flask_login import current_user, login_required

from portal import clock
from portal.db import get_session
from portal.errors import DomainError, NotFound
from portal.extensions import csrf
from portal.htmx import redirect_after_post, render, wants_fragment
from portal.models import EmailFrequency, NotificationSettings
from portal.notify import calendar, inbox, push, settings
from portal.notify.forms import EmptyForm, SettingsForm

bp = Blueprint("notify", __name__)


@bp.get("/inbox")
@login_required
def inbox_page():
    session = get_session()
    return render("inbox/index.html", items=inbox.inbox_items(session, current_user.id), form=EmptyForm())


@bp.post("/inbox/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    session = get_session()
    item = inbox.mark_read(session, current_user.id, notification_id, clock.now())
    session.commit()
    if wants_fragment():
        return render("inbox/_item.html", item=item, form=EmptyForm(), announce=True)
    return redirect_after_post("notify.inbox_page")


@bp.post("/inbox/read-all")
@login_required
def mark_all_read():
    session = get_session()
    count = inbox.mark_all_read(session, current_user.id, clock.now())
    session.commit()
    flash(f"{count}件のお知らせを既読にしました。" if count else "未読のお知らせはありません。", "success")
    return redirect_after_post("notify.inbox_page")


def _settings_page(form: SettingsForm, http_status: int = 200, row: NotificationSettings | None = None):
    """`row` when the caller read it already: a user who never saved settings has no row, so
    reading it again would be a second query for the same nothing."""
    row = row or settings.settings_of(get_session(), current_user.id)
    calendar_url = (url_for("notify.calendar_feed", token=row.calendar_token, _external=True)
                    if row.calendar_token else None)
    return render("notify/settings.html", form=form, button_form=EmptyForm(), calendar_url=calendar_url,
                  push_key=push.application_server_key(), http_status=http_status)


@bp.get("/notify/settings")
@login_required
def settings_page():
    row = settings.settings_of(get_session(), current_user.id)
    return _settings_page(SettingsForm(email_frequency=row.email_frequency), row=row)


@bp.post("/notify/settings")
@login_required
def save_settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _settings_page(form, http_status=422)
    session = get_session()
    try:
        settings.set_frequency(session, current_user.id, form.email_frequency.data)
    except settings.SettingsError as error:
        session.rollback()
        form.email_frequency.errors = [error.message]
        return _settings_page(form, http_status=422)
    session.commit()
    flash(f"お知らせメールの設定を「{EmailFrequency(form.email_frequency.data).label}」にしました。", "success")
    return redirect_after_post("notify.settings_page")


@bp.post("/notify/settings/calendar")
@login_required
def renew_calendar():
    session = get_session()
    settings.renew_calendar_token(session, current_user.id)
    session.commit()
    flash("カレンダー用の新しいURLを作りました。以前のURLは使えなくなりました。", "success")
    return redirect_after_post("notify.settings_page", _anchor="calendar")


@bp.post("/notify/push")
@login_required
def subscribe_push():
    session = get_session()
    push.save_subscription(session, current_user.id, request.get_json(silent=True))
    session.commit()
    return {"ok": True, "message": "この端末でプッシュ通知を受け取ります。"}, 201


@bp.post("/notify/push/remove")
@login_required
def unsubscribe_push():
    data = request.get_json(silent=True) or {}
    session = get_session()
    removed = push.remove_subscription(session, current_user.id, str(data.get("endpoint", "")))
    session.commit()
    return {"ok": removed, "message": "この端末へのプッシュ通知を止めました。"}


def _unsubscribe_user(token: str):
    user = settings.user_for_unsubscribe(get_session(), current_app.config["SECRET_KEY"], token)
    if user is None:
        raise DomainError("配信停止のリンクが正しくありません。メールに記載されたURLをそのまま開いてください。")
    return user


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    user = _unsubscribe_user(token)
    frequency = settings.settings_of(get_session(), user.id).email_frequency
    return render("notify/unsubscribe.html", token=token, done=frequency == EmailFrequency.NONE.value,
                  form=EmptyForm())


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no form; the signature guards it
def unsubscribe_confirm(token: str):
    session = get_session()
    user = _unsubscribe_user(token)
    settings.set_frequency(session, user.id, EmailFrequency.NONE.value)
    session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response("unsubscribed\n", mimetype="text/plain")
    return render("notify/unsubscribe.html", token=token, done=True, form=EmptyForm())


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    session = get_session()
    user = settings.user_for_calendar(session, token)
    if user is None:
        raise NotFound("このカレンダーのURLは使えません。通知の設定で新しいURLを確認してください。")
    host = request.host.split(":")[0] or "portal"
    body = calendar.calendar_for(session, user, host, request.host_url, f"{current_app.config['SITE_SHORT_NAME']}：締切")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


@bp.app_context_processor
def unread_badge():
    """`notify_unread()` for the header: evaluated only when the template calls it."""

    def notify_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return inbox.unread_count(get_session(), current_user.id)

    return {"notify_unread": notify_unread}
