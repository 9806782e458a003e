"""Signed, expiring tokens for the links we send by e-mail.

A reset token carries a fingerprint of the password hash it was issued for, so it stops working
once the password has changed: a used link cannot be used again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from portal import clock

CONFIRM = "account-confirm"
RESET = "password-reset"
EMAIL_CHANGE = "email-change"


class TokenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClockSigner(TimestampSigner):
    """Stamps and checks the links' age with the portal's clock."""

    def get_timestamp(self) -> int:
        return int(clock.timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose, signer=ClockSigner)


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("リンクの有効期限が切れています。もう一度手続きをやり直してください。") from exc
    except BadSignature as exc:
        raise TokenError("リンクが正しくありません。メールに記載されたURLをそのまま開いてください。") from exc


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
