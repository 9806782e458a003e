"""Security headers and cookie rules for every response.

The CSP allows no inline script or style at all: templates carry no `style=` or `<script>` bodies,
and htmx is configured (see base.html) not to inject its indicator styles or evaluate code.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request
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


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


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
