"""Error pages in Japanese, and the domain errors services raise.

Services raise a `DomainError` subclass; the handler here turns it (and HTTP errors) into a
Japanese page, or into JSON `{"error", "field"}` for requests under `/api/`.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.htmx import render

MESSAGES = {
    400: ("リクエストを処理できませんでした", "入力内容を確認して、もう一度お試しください。"),
    403: ("このページを表示する権限がありません", "ログインしているアカウントを確認してください。"),
    404: ("ページが見つかりません", "URLが間違っているか、ページが移動・削除された可能性があります。"),
    405: ("この操作はできません", "画面の操作をやり直してください。"),
    409: ("処理が競合しました", "最新の状態を読み込んでから、もう一度お試しください。"),
    429: ("アクセスが集中しています", "短い時間に何度も操作が行われました。しばらく待ってから、もう一度お試しください。"),
    500: ("サーバーでエラーが発生しました", "ご不便をおかけしています。時間をおいて、もう一度お試しください。"),
}


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


def _respond(status: int, detail: str | None = None, field: str | None = None):
    title, hint = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    if request.path.startswith("/api/"):
        body = {"error": detail or title}
        if field:
            body["field"] = field
        return jsonify(body), status
    return render("errors/error.html", http_status=status, status_code=status, title=title,
                  hint=detail or hint)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return _respond(error.status, error.message, error.field)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _respond(400, "フォームの有効期限が切れたか、不正な送信です。ページを再読み込みして、もう一度送信してください。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _respond(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        return _respond(500)
