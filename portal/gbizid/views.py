"""GビズIDでログイン, the callback, and linking/unlinking on アカウント設定.

The log-in starts with a plain link (GET) so that it works without JavaScript and htmx never
follows the redirect to the provider in the background; linking and unlinking are POST forms with
CSRF. The callback serves both: what the user asked for is kept in the session until it returns.
"""

from __future__ import annotations

import requests
from authlib.integrations.flask_client import OAuthError
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from joserfc.errors import JoseError

from portal.accounts.services import record_event
from portal.accounts.signin import sign_in
from portal.db import get_session
from portal.gbizid import services
from portal.gbizid.claims import ClaimsError, parse_claims
from portal.gbizid.client import fetch_claims, oauth_client
from portal.gbizid.config import NotConfigured, is_enabled, provider_settings
from portal.htmx import is_safe_next, redirect_after_post

bp = Blueprint("gbizid", __name__, url_prefix="/account/gbizid")

INTENT = "gbizid_intent"
FAILED = "GビズIDでのログインを確かめられませんでした。お手数ですが、もう一度お試しください。"
UNREACHABLE = "GビズIDに接続できませんでした。時間をおいて、もう一度お試しください。"
CANCELLED = "GビズIDでのログインを中止しました。"


class ActionForm(FlaskForm):
    """Only the CSRF token: the link and unlink buttons."""


def _ip() -> str | None:
    return request.remote_addr


def _start(intent: dict, back: str):
    if not is_enabled():
        abort(404)
    try:
        settings = provider_settings()
        client = oauth_client(settings)
        response = client.authorize_redirect(url_for("gbizid.callback", _external=True))
    except NotConfigured as error:
        current_app.logger.error("GビズID is not configured: %s", error)
        abort(404)
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("GビズID discovery failed: %s", error)
        flash(UNREACHABLE, "error")
        return redirect(back)
    session[INTENT] = intent
    return response


@bp.get("/login")
def login():
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("mypage.index"))
    return _start({"action": "login", "next": next_url if is_safe_next(next_url) else ""},
                  url_for("accounts.login"))


@bp.post("/link")
@login_required
def link():
    if not ActionForm().validate_on_submit():
        flash("フォームの有効期限が切れました。もう一度お試しください。", "error")
        return redirect_after_post("accounts.settings")
    return _start({"action": "link", "user_id": current_user.id}, url_for("accounts.settings", _anchor="gbizid"))


@bp.post("/unlink")
@login_required
def unlink():
    db = get_session()
    if ActionForm().validate_on_submit():
        try:
            services.unlink(db, current_user._get_current_object(), _ip())
        except services.GbizRefused as error:
            db.rollback()
            flash(error.message, "error")
        else:
            db.commit()
            flash("GビズIDとの連携を解除しました。これからはメールアドレスとパスワードでログインしてください。", "success")
    return redirect(url_for("accounts.settings", _anchor="gbizid"), code=303)


@bp.get("/callback")
def callback():
    intent = session.pop(INTENT, None) or {"action": "login", "next": ""}
    linking = intent.get("action") == "link"
    back = url_for("accounts.settings", _anchor="gbizid") if linking else url_for("accounts.login")
    if linking and (not current_user.is_authenticated or current_user.id != intent.get("user_id")):
        flash("ログインし直してから、もう一度連携してください。", "error")
        return redirect(url_for("accounts.login"))
    db = get_session()
    try:
        settings = provider_settings()
        claims = parse_claims(fetch_claims(oauth_client(settings)))
    except NotConfigured:
        abort(404)
    except ClaimsError as error:
        return _failed(db, back, error.message, str(error))
    except OAuthError as error:
        message = CANCELLED if error.error == "access_denied" else FAILED
        return _failed(db, back, message, f"{type(error).__name__}: {error}")
    except (JoseError, ValueError) as error:
        return _failed(db, back, FAILED, f"{type(error).__name__}: {error}")
    except requests.RequestException as error:
        return _failed(db, back, UNREACHABLE, f"{type(error).__name__}: {error}")
    if linking:
        return _finish_link(db, settings.issuer, claims)
    try:
        outcome = services.login(db, settings.issuer, claims, _ip())
    except services.GbizRefused as error:
        db.rollback()
        return _failed(db, back, error.message, f"refused: {claims.account_label}", claims.email)
    db.commit()
    sign_in(outcome.user, method="gbizid")
    flash(f"GビズID（{claims.account_label}）でログインしました。", "success")
    if outcome.note:
        flash(outcome.note, "info")
    next_url = intent.get("next")
    return redirect(next_url if is_safe_next(next_url) else url_for("mypage.index"))


def _finish_link(db, issuer: str, claims):
    try:
        note = services.link(db, current_user._get_current_object(), issuer, claims, _ip())
    except services.GbizRefused as error:
        db.rollback()
        flash(error.message, "error")
    else:
        db.commit()
        flash(f"GビズID（{claims.account_label}）と連携しました。次回からGビズIDでもログインできます。", "success")
        if note:
            flash(note, "info")
    return redirect(url_for("accounts.settings", _anchor="gbizid"))


def _failed(db, back: str, message: str, detail: str, email: str | None = None):
    """Audits the failure (with the e-mail GビズID gave, when it got that far) and says why."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    record_event(db, "gbizid_login_failed", user, (user.email if user else email), _ip(), detail[:500])
    db.commit()
    flash(message, "error")
    return redirect(back)


@bp.app_context_processor
def gbizid_helpers():
    return {"gbizid": TemplateHelper()}


class TemplateHelper:
    """What templates ask about GビズID, computed only when a template asks."""

    @staticmethod
    def enabled() -> bool:
        return is_enabled()

    @staticmethod
    def identity():
        return services.identity_of(get_session(), current_user)

    @staticmethod
    def entry_notice() -> bool:
        return services.account_type_of(get_session(), current_user) == "entry"

    @staticmethod
    def action_form() -> ActionForm:
        return ActionForm()
