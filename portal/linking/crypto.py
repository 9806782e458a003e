"""Credentials at rest: a JSON dict encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

The key is derived with HKDF-SHA256 from the config value `CREDENTIALS_KEY`, or, when that is not
set, from `SECRET_KEY` (under its own fixed info string, so the two never give the same key).
Refresh tokens and client secrets live only inside this ciphertext; a connector is handed the
access token alone (see `portal.linking.services`). Rotating `CREDENTIALS_KEY` (or `SECRET_KEY`
without it) makes the stored credentials unreadable: the user then links again.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portal import clock

INFO_CREDENTIALS_KEY = b"sme-portal/connection-credentials/v1"
INFO_SECRET_KEY = b"sme-portal/connection-credentials/from-secret-key/v1"


class CredentialsError(Exception):
    """The stored credentials cannot be read (another key, or damaged); the user must link again."""

    def __init__(self, message: str = "保存されている連携の認証情報を読み取れません。もう一度「連携」してください。"):
        super().__init__(message)
        self.message = message


def _derive(material: str | bytes, info: bytes) -> bytes:
    raw = material.encode("utf-8") if isinstance(material, str) else material
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)
    return base64.urlsafe_b64encode(key)


def fernet_for(config: Mapping[str, object]) -> Fernet:
    """The cipher for an app's config; RuntimeError when neither key is configured."""
    if config.get("CREDENTIALS_KEY"):
        return Fernet(_derive(config["CREDENTIALS_KEY"], INFO_CREDENTIALS_KEY))
    if config.get("SECRET_KEY"):
        return Fernet(_derive(config["SECRET_KEY"], INFO_SECRET_KEY))
    raise RuntimeError("CREDENTIALS_KEY or SECRET_KEY must be set to store connector credentials")


def encrypt_credentials(config: Mapping[str, object], credentials: Mapping[str, str]) -> bytes:
    payload = json.dumps(dict(credentials), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return fernet_for(config).encrypt_at_time(payload, int(clock.timestamp()))


def decrypt_credentials(config: Mapping[str, object], ciphertext: bytes | None) -> dict[str, str]:
    """The stored dict; {} when there is none; CredentialsError when it cannot be decrypted."""
    if ciphertext is None:
        return {}
    try:
        payload = fernet_for(config).decrypt(bytes(ciphertext))
    except InvalidToken:
        raise CredentialsError() from None
    value = json.loads(payload.decode("utf-8"))
    if not isinstance(value, dict):
        raise CredentialsError()
    return {str(k): str(v) for k, v in value.items()}


def seal(config: Mapping[str, object], values: Mapping[str, str]) -> str:
    """`values` encrypted as text, for short-lived secrets kept in the user's session cookie (the
    PKCE verifier of an OAuth sign-in): the cookie is signed but readable, this is not."""
    return encrypt_credentials(config, values).decode("ascii")


def unseal(config: Mapping[str, object], token: str | None, max_age: int) -> dict[str, str] | None:
    """What `seal` sealed, if it is at most `max_age` seconds old; None otherwise (or if damaged)."""
    if not token:
        return None
    try:
        payload = fernet_for(config).decrypt_at_time(token.encode("ascii"), max_age, int(clock.timestamp()))
    except (InvalidToken, UnicodeEncodeError):
        return None
    value = json.loads(payload.decode("utf-8"))
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None
