"""flask-login, backed by the server-side sessions of `portal.accounts.sessions`.

flask-login keeps whatever `_user_id` holds in the session cookie and in the remember cookie, and
hands it back to the user loader; here that value is `<user id>:<session key>`, so the loader can
refuse a session that was ended. The user is loaded at the start of every request that carries
one of the cookies — before a view writes anything — and that is also when "last seen" is noted
(at most every `SESSION_TOUCH_SECONDS`), in its own small commit.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from portal.accounts import sessions
from portal.db import get_session
from portal.errors import NotFound
from portal.models import User

REMEMBER_DEFAULT = timedelta(days=365)  # flask-login's own default for the remember cookie


def lifetimes() -> sessions.Lifetimes:
    config = current_app.config
    lifetime = config["PERMANENT_SESSION_LIFETIME"]
    remembered = config.get("REMEMBER_COOKIE_DURATION") or REMEMBER_DEFAULT
    as_delta = (lambda value: value if isinstance(value, timedelta) else timedelta(seconds=float(value)))
    return sessions.Lifetimes(as_delta(lifetime), as_delta(remembered))


def load_user(value: str) -> User | None:
    """flask-login's user loader."""
    db = get_session()
    found = sessions.resolve(db, value, lifetimes())
    if found is None:
        return None
    user, row = found
    g.login_session = row
    if sessions.touch(db, row, timedelta(seconds=float(current_app.config["SESSION_TOUCH_SECONDS"]))):
        db.commit()
    return user


def sign_in(user: User, remember: bool = False, method: str = "password") -> None:
    """Logs `user` in on this browser with a new server-side session (commits it)."""
    db = get_session()
    row, value = sessions.start(db, user, remember=remember, method=method,
                                user_agent=request.headers.get("User-Agent"), ip=request.remote_addr)
    db.commit()
    login_user(user, remember=remember)
    session["_user_id"] = value  # what flask-login stores, in the session and the remember cookie
    g.login_session = row


def current_session_id() -> int | None:
    """The server-side session this request came with, if it is logged in."""
    if not current_user.is_authenticated:
        return None
    row = g.get("login_session")
    return row.id if row is not None else None


def sign_out(reason: str = "logout") -> None:
    """Ends this browser's session on the server and in its cookies (the caller commits first what it wrote)."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    session_id = current_session_id()
    if user is not None and session_id is not None:
        db = get_session()
        try:
            sessions.end(db, user, session_id, reason)
        except NotFound:
            pass  # ended elsewhere a moment ago: logging out still clears the cookies
        db.commit()
    logout_user()


# Answered without the user: files, and the probes that must not touch the database.
NO_USER_ENDPOINTS = frozenset({"static", "main.healthz", "health.readyz"})


def _load_early() -> None:
    """Load the user now, before the view writes anything (the loader may commit its touch)."""
    if request.endpoint in NO_USER_ENDPOINTS:
        return
    if "_user_id" in session or request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        _ = current_user.is_authenticated


def init_signin(app: Flask) -> None:
    app.before_request(_load_early)
