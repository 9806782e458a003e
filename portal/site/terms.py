"""Agreement to the terms: recorded with the version agreed, and asked again when the version changes.

A person agrees when registering (the form refuses without it). `TERMS_VERSION` names the current
terms; whoever agreed to another version is sent to the agreement page on their next request (the log-in
that follows, or the session they have open), and may only read the terms, log out or agree until they
do. An empty recorded version means "never agreed" (accounts made by GビズID's first log-in);
None means no agreement was ever asked for (accounts made before 0018 or by the CLI), and those are
asked only when TERMS_ASK_UNRECORDED is on.
"""

from __future__ import annotations

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from portal import clock
from portal.htmx import is_safe_next

#: What someone who must agree may still open.
OPEN_ENDPOINTS = {"static", "site.terms", "site.privacy", "site.agree_terms", "site.faq", "site.accessibility",
                  "site.sitemap", "site.contact", "site.contact_sent", "site.own_data", "site.export_data",
                  "site.delete_account", "site.account_deleted", "accounts.logout", "main.healthz",
                  "health.readyz", "pwa.manifest", "pwa.service_worker", "pwa.offline"}
OPEN_BLUEPRINTS = {"api", "api_me", "gbizid_standin"}


def current_version() -> str:
    return current_app.config["TERMS_VERSION"]


def needs_agreement(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    agreed = user.terms_version
    if agreed is None:
        return bool(current_app.config.get("TERMS_ASK_UNRECORDED"))
    return agreed != current_version()


def record_agreement(session, user, ip: str | None) -> None:
    """Marks `user` as agreeing to the current version now, with an audit entry (the caller commits)."""
    from portal.accounts.services import record_event

    user.terms_version = current_version()
    user.terms_agreed_at = clock.now()
    record_event(session, "terms_agreed", user, user.email, ip, f"version {user.terms_version}")


def ask_again_when_outdated():
    """before_request: someone whose agreement is not to the current terms goes to the agreement page."""
    if request.endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS or request.endpoint is None:
        return None
    if not needs_agreement(current_user):
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else ""
    location = url_for("site.agree_terms", next=target) if is_safe_next(target) else url_for("site.agree_terms")
    if request.headers.get("HX-Request"):
        return current_app.response_class(status=200, headers={"HX-Redirect": location})
    return redirect(location, code=303)
