"""Error pages in Japanese, and the domain errors services raise.

Services raise a `DomainError` subclass; the handler here turns it (and HTTP errors) into a
Japanese page, into JSON `{"error", "field"}` for requests under `/api/`, or into an OAuth error
(`{"error", "error_description"}`, RFC 6749 §5.2) on the token and revocation endpoints, whatever
went wrong — a 500 included.

An error page must not fail itself. Every handler first rolls the request's session back (after a
failed statement the session refuses all further queries until it is), and a database that is down
or stuck answers 503 with a page rendered from a template that needs nothing from the database: no
`current_user`, no unread count. If rendering the normal page fails anyway, the same bare page is
sent instead of Flask's English "Internal Server Error".
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from portal.htmx import render

MESSAGES = {
    400: ("リクエストを処理できませんでした", "入力内容を確認して、もう一度お試しください。"),
    403: ("このページを表示する権限がありません", "ログインしているアカウントを確認してください。"),
    404: ("ページが見つかりません", "URLが間違っているか、ページが移動・削除された可能性があります。"),
    405: ("この操作はできません", "画面の操作をやり直してください。"),
    409: ("処理が競合しました", "最新の状態を読み込んでから、もう一度お試しください。"),
    413: ("送信されたデータが大きすぎます", "送る内容を減らすか、ファイルを小さくして、もう一度お試しください。"),
    # Not 「アクセスが集中しています」: the site is not busy, this person (or network) tried too often.
    429: ("短い時間に操作が多すぎます", "短い時間に何度も操作が行われたため、一時的に受け付けを止めています。"
          "しばらく待ってから、もう一度お試しください。"),
    500: ("サーバーでエラーが発生しました", "ご不便をおかけしています。時間をおいて、もう一度お試しください。"),
    503: ("ただいま混み合っているか、メンテナンス中です",
          "データベースに接続できませんでした。しばらく待ってから、もう一度お試しください。"),
}
# The back-channel endpoints machines call: they always answer an OAuth JSON error.
OAUTH_PATHS = ("/oauth/token", "/oauth/revoke", "/standin-gbizid/token", "/standin-gbizid/userinfo")
OAUTH_ERRORS = {400: "invalid_request", 401: "invalid_client", 413: "invalid_request",
                429: "temporarily_unavailable", 503: "temporarily_unavailable"}
DATABASE_RETRY_AFTER = "5"


class DomainError(Exception):
    """A rule of the domain was broken; `status` tells the HTTP layer how to answer."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


def _rollback() -> None:
    """The request's session may hold a failed transaction; nothing can be read until it is undone."""
    db = current_app.extensions.get("portal_db")
    if db is None:
        return
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection itself may be gone; the page must still go out)
        current_app.logger.warning("rollback before the error page failed", exc_info=True)
        db.session.remove()


def _bare_page(status: int, title: str, hint: str) -> Response:
    """The error page without the header's account links: renders with the database down."""
    from portal.ui import asset_url

    template = current_app.jinja_env.get_template("errors/bare.html")
    body = template.render(status_code=status, title=title, hint=hint, site_name=current_app.config["SITE_NAME"],
                           stylesheet=asset_url("css/portal.css"))
    return make_response(body, status)


def _oauth_error(status: int, detail: str | None) -> Response:
    code = OAUTH_ERRORS.get(status, "server_error" if status >= 500 else "invalid_request")
    response = jsonify({"error": code, "error_description": detail or MESSAGES.get(status, MESSAGES[500])[0]})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _respond(status: int, detail: str | None = None, field: str | None = None, *, headers=None,
             database_down: bool = False) -> Response:
    title, hint = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if request.path in OAUTH_PATHS:
        response = _oauth_error(status, detail)
    elif request.path.startswith("/api/"):
        body = {"error": detail or title}
        if field:
            body["field"] = field
        response = jsonify(body)
        response.status_code = status
    elif database_down:
        response = _bare_page(status, title, detail or hint)
    else:
        try:
            response = render("errors/error.html", http_status=status, status_code=status, title=title,
                              hint=detail or hint)
        except Exception:  # noqa: BLE001  (the page failed, e.g. the header's user could not be loaded)
            current_app.logger.exception("the error page failed; sending the bare one")
            _rollback()
            response = _bare_page(status, title, detail or hint)
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        _rollback()
        return _respond(error.status, error.message, error.field)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _respond(400, "フォームの有効期限が切れたか、不正な送信です。ページを再読み込みして、もう一度送信してください。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Allow (405), WWW-Authenticate (401) and Retry-After (429, 503) belong to the answer too.
        _rollback()
        return _respond(error.code or 500, getattr(error, "message_ja", None), getattr(error, "field", None),
                        headers=error.get_headers())

    def database_unavailable(error: Exception):
        app.logger.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
        _rollback()
        return _respond(503, headers=[("Retry-After", DATABASE_RETRY_AFTER)], database_down=True)

    from portal.db import DatabaseUnavailable

    for kind in (OperationalError, InterfaceError, PoolTimeout, DatabaseUnavailable):
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        _rollback()
        return _respond(500)
