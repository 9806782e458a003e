"""Security headers and cookie rules for every response.

The CSP allows no inline script or style at all: templates carry no `style=` or `<script>` bodies,
and htmx is configured (see base.html) not to inject its indicator styles or evaluate code.

Pages shown to a logged-in user, and pages reached through a secret in their address (a reset or
confirmation link, an unsubscribe link, the consent page), are sent with `Cache-Control: no-store`
unless the view chose its own caching: a shared computer's browser cache or a proxy must not keep
a copy of someone's マイページ.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request, session
from flask.sessions import SecureCookieSessionInterface

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Pages whose address carries a secret: private even without a log-in.
CAPABILITY_ENDPOINTS = frozenset({
    "accounts.confirm", "accounts.reset_password", "accounts.confirm_email_change",
    "notify.unsubscribe", "notify.unsubscribe_confirm", "oauth.authorize",
})


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if "Cache-Control" not in response.headers and _is_private():
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_private() -> bool:
    return request.endpoint in CAPABILITY_ENDPOINTS or "_user_id" in session


def refuse_nul_bytes() -> None:
    """A before-request hook: 400 for a NUL character in the path, the query, a form field or a
    JSON body. PostgreSQL cannot store NUL in text (psycopg refuses the query), and nothing the
    portal takes from people has a use for one, so refusing it here turns what would be a 500
    somewhere deep in a view into a plain 「リクエストを処理できませんでした」. Uploaded files are
    not looked at: a file may well contain NUL bytes."""
    if "\x00" in request.path or _has_nul(request.args.items(multi=True)):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH"):
        if request.is_json:
            body = request.get_data(cache=True)
            if b"\x00" in body or b"\\u0000" in body:
                abort(400)
        elif (request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
              and _has_nul(request.form.items(multi=True))):
            abort(400)


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)
