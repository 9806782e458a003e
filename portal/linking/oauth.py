"""OAuth 2.0 authorization code with PKCE (RFC 6749, RFC 7636), the host's side, on `requests`.

The host, never the connector, holds the operator's client id and secret and the user's refresh
token. The operator registers the portal with the service and puts the client in
`CONNECTOR_SETTINGS[<connector>]`:

    {"freee": {"client_id": "…", "client_secret": "…",
               "authorize_url": "…", "token_url": "…",          # optional: override the AuthSpec's
               "token_endpoint_auth_method": "client_secret_basic"}}   # default client_secret_post

Those keys (`HOST_SETTINGS`) are taken out of the settings a connector is handed. A connector
without a `client_id` is "live not configured": its consent page offers the sandbox only.

Tokens are kept as the dict `token_credentials` makes (access and refresh token, expiry as Unix
seconds), which `portal.linking.services` encrypts; refreshing keeps the old refresh token when the
service does not rotate it. Any failure of the token endpoint (an error status, `invalid_grant`,
an answer that is not a token, no connection) is an `OAuthError` whose message is Japanese.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from portal import clock
from portal.sdk import AuthSpec

log = logging.getLogger(__name__)

HOST_SETTINGS = frozenset({"client_id", "client_secret", "authorize_url", "token_url", "token_endpoint_auth_method"})
AUTH_METHODS = ("client_secret_post", "client_secret_basic")
#: A token that expires within this many seconds is refreshed before the fetch rather than after a 401.
EXPIRY_MARGIN = 60
DEFAULT_TIMEOUT = 10.0


class OAuthError(Exception):
    """The authorization server refused or failed; `message` is shown, `detail` only logged."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class OAuthClient:
    """The portal as a client of one service, from the AuthSpec and the operator's settings."""

    connector: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    auth_method: str = "client_secret_post"
    timeout: float = DEFAULT_TIMEOUT


def connector_settings(config: Mapping[str, object], connector: str) -> Mapping[str, object]:
    settings = config.get("CONNECTOR_SETTINGS") or {}
    if not isinstance(settings, Mapping):  # e.g. a malformed value from the environment
        return {}
    own = settings.get(connector) or {}
    return own if isinstance(own, Mapping) else {}


def oauth_client(config: Mapping[str, object], connector: str, auth: AuthSpec) -> OAuthClient | None:
    """The client for an oauth2 connector, or None when the operator has not configured one."""
    if auth.kind != "oauth2":
        return None
    own = connector_settings(config, connector)
    client_id = str(own.get("client_id") or "").strip()
    if not client_id:
        return None
    method = str(own.get("token_endpoint_auth_method") or AUTH_METHODS[0])
    if method not in AUTH_METHODS:
        raise ValueError(f"CONNECTOR_SETTINGS[{connector!r}].token_endpoint_auth_method must be one of {AUTH_METHODS}")
    return OAuthClient(connector=connector, client_id=client_id, client_secret=str(own.get("client_secret") or ""),
                       authorize_url=str(own.get("authorize_url") or auth.authorize_url),
                       token_url=str(own.get("token_url") or auth.token_url), scopes=auth.scopes, auth_method=method,
                       timeout=float(config.get("CONNECTOR_HTTP_TIMEOUT", DEFAULT_TIMEOUT)))


# --- the authorization request ----------------------------------------------------------------------

def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_verifier() -> str:
    """43–128 unreserved characters (RFC 7636 §4.1); 64 here."""
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(client: OAuthClient, redirect_uri: str, state: str, verifier: str) -> str:
    params = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
              "state": state, "code_challenge": code_challenge(verifier), "code_challenge_method": "S256"}
    if client.scopes:
        params["scope"] = " ".join(client.scopes)
    separator = "&" if "?" in client.authorize_url else "?"
    return f"{client.authorize_url}{separator}{urlencode(params)}"


# --- the token endpoint -----------------------------------------------------------------------------

def _token_request(client: OAuthClient, data: dict[str, str], what: str) -> dict[str, object]:
    auth = None
    if client.auth_method == "client_secret_basic":
        auth = (client.client_id, client.client_secret)
    else:
        data = {**data, "client_id": client.client_id, "client_secret": client.client_secret}
    failed = OAuthError(f"連携先での認証（{what}）に失敗しました。時間をおいて、もう一度お試しください。")
    try:
        response = requests.post(client.token_url, data=data, auth=auth, timeout=client.timeout,
                                 headers={"Accept": "application/json"})
    except requests.RequestException as error:
        failed.detail = f"{type(error).__name__} at the token endpoint"
        raise failed from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
        code = body.get("error") if isinstance(body, dict) else None
        failed.detail = f"token endpoint {response.status_code} {code or 'no access_token'}"
        log.warning("%s for %s: %s", what, client.connector, failed.detail)
        raise failed
    return body


def token_credentials(body: Mapping[str, object], previous: Mapping[str, str] | None = None,
                      now: float | None = None) -> dict[str, str]:
    """The dict to store for a token response; the old refresh token stays when none is sent."""
    now = clock.timestamp() if now is None else now
    stored = {"access_token": str(body["access_token"]), "token_type": str(body.get("token_type") or "bearer")}
    refresh = body.get("refresh_token") or (previous or {}).get("refresh_token")
    if refresh:
        stored["refresh_token"] = str(refresh)
    try:
        expires_in = int(body.get("expires_in"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        expires_in = None
    if expires_in is not None:
        stored["expires_at"] = str(int(now) + expires_in)
    if body.get("scope"):
        stored["scope"] = str(body["scope"])
    return stored


def exchange_code(client: OAuthClient, code: str, redirect_uri: str, verifier: str) -> dict[str, str]:
    """The credentials to store for an authorization code; OAuthError when the exchange fails."""
    body = _token_request(client, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                   "code_verifier": verifier}, "ログインの確認")
    return token_credentials(body)


def refresh(client: OAuthClient, stored: Mapping[str, str]) -> dict[str, str]:
    """New credentials from the stored refresh token; OAuthError when there is none or it is refused."""
    token = stored.get("refresh_token")
    if not token:
        raise OAuthError("連携先の認証の更新に必要な情報がありません。", detail="no refresh token stored")
    body = _token_request(client, {"grant_type": "refresh_token", "refresh_token": token}, "認証の更新")
    return token_credentials(body, stored)


def expired(stored: Mapping[str, str], now: float | None = None) -> bool:
    """Whether the stored access token has expired (or will within EXPIRY_MARGIN seconds)."""
    try:
        expires_at = int(stored["expires_at"])
    except (KeyError, ValueError):
        return False
    return expires_at - EXPIRY_MARGIN <= (clock.timestamp() if now is None else now)
