"""The OAuth 2.0 / OpenID Connect rules of the stand-in provider, apart from Flask.

Authorization codes and access tokens are JWTs signed with the provider's key, so that any worker
process can redeem them without shared memory; a code's id is written to `StandinCodeUse` when it is
redeemed, so a code works exactly once. ID tokens are made by Authlib's `generate_id_token` (with
`at_hash`) and carry no personal data, as at the real GビズID; the claims come from UserInfo.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.grants.util import generate_id_token
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jwt import JWTClaimsRegistry
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import clock
from portal.gbizid_standin.identities import BY_KEY, BY_SUBJECT, StandinIdentity
from portal.models import StandinCodeUse

CODE_LIFETIME = 60
TOKEN_LIFETIME = 3600
SCOPES = ("openid", "profile", "user", "email")
CHALLENGE_METHODS = ("S256", "plain")


class ProtocolError(Exception):
    """An OAuth error response: `error` is the RFC 6749 code, `description` is for developers."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def as_json(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    nonce: str
    code_challenge: str
    code_challenge_method: str

    @classmethod
    def from_params(cls, params, client: Client) -> AuthorizationRequest:
        """Checks what the client sent; raises `ProtocolError` (no redirect when client or URI is wrong)."""
        if params.get("client_id") != client.client_id:
            raise ProtocolError("invalid_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            raise ProtocolError("invalid_request", "redirect_uri is not registered for this client")
        request = cls(client.client_id, redirect_uri, params.get("scope", ""), params.get("state", ""),
                      params.get("nonce", ""), params.get("code_challenge", ""),
                      params.get("code_challenge_method", "plain" if params.get("code_challenge") else ""))
        if params.get("response_type") != "code":
            raise RedirectError(request, "unsupported_response_type", "only the authorization code flow")
        if "openid" not in request.scopes:
            raise RedirectError(request, "invalid_scope", "the openid scope is required")
        if request.code_challenge and request.code_challenge_method not in CHALLENGE_METHODS:
            raise RedirectError(request, "invalid_request", "code_challenge_method must be S256 or plain")
        return request

    @property
    def scopes(self) -> list[str]:
        return [scope for scope in self.scope.split() if scope in SCOPES]

    def hidden_fields(self) -> dict[str, str]:
        """What the identity picker carries over to its POST, so the form is self-contained."""
        return {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                "scope": self.scope, "state": self.state, "nonce": self.nonce,
                "code_challenge": self.code_challenge, "code_challenge_method": self.code_challenge_method}


class RedirectError(ProtocolError):
    """An error sent back to the client's redirect URI (its client and URI were valid)."""

    def __init__(self, request: AuthorizationRequest, error: str, description: str) -> None:
        super().__init__(error, description)
        self.request = request


def _sign(key: RSAKey, claims: dict) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def _read(key: RSAKey, token: str, use: str) -> dict:
    """The claims of a code or access token this provider signed, or `ProtocolError`."""
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"]).claims
        JWTClaimsRegistry(exp={"essential": True}, use={"essential": True, "value": use}).validate(claims)
    except (JoseError, ValueError) as error:
        raise ProtocolError("invalid_grant" if use == "code" else "invalid_token", f"{use} is not valid: {error}",
                            400 if use == "code" else 401) from error
    return claims


def issue_code(key: RSAKey, request: AuthorizationRequest, identity: StandinIdentity) -> str:
    now = int(clock.timestamp())
    return _sign(key, {"use": "code", "jti": secrets.token_urlsafe(16), "sub": identity.subject,
                       "cid": request.client_id, "ru": request.redirect_uri, "scope": " ".join(request.scopes),
                       "nonce": request.nonce, "cc": request.code_challenge, "ccm": request.code_challenge_method,
                       "auth_time": now, "exp": now + CODE_LIFETIME})


def authenticate_client(client: Client, authorization, form) -> None:
    """client_secret_basic (RFC 6749 §2.3.1: form-encoded id and secret) or client_secret_post."""
    if authorization is not None and authorization.type == "basic":
        client_id, secret = unquote(authorization.username or ""), unquote(authorization.password or "")
    elif form.get("client_secret"):
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    else:
        raise ProtocolError("invalid_client", "client authentication is required", 401)
    same_id = hmac.compare_digest(client_id.encode(), client.client_id.encode())
    same_secret = hmac.compare_digest(secret.encode(), client.client_secret.encode())
    if not (same_id and same_secret):
        raise ProtocolError("invalid_client", "client authentication failed", 401)


def _check_verifier(claims: dict, verifier: str | None) -> None:
    challenge, method = claims.get("cc"), claims.get("ccm")
    if not challenge:
        return
    if not verifier:
        raise ProtocolError("invalid_grant", "code_verifier is required")
    expected = create_s256_code_challenge(verifier) if method == "S256" else verifier
    if not hmac.compare_digest(expected.encode(), challenge.encode()):
        raise ProtocolError("invalid_grant", "code_verifier does not match the code_challenge")


def _spend(session: Session, claims: dict) -> None:
    """Marks the code used; a second redemption hits the primary key and is refused."""
    now = clock.now()
    session.execute(delete(StandinCodeUse).where(StandinCodeUse.expires_at < now))
    session.add(StandinCodeUse(code_id=claims["jti"], expires_at=datetime.fromtimestamp(claims["exp"], UTC)
                               + timedelta(seconds=1)))
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ProtocolError("invalid_grant", "the code was already used") from error


def exchange_code(session: Session, key: RSAKey, client: Client, issuer: str, form) -> dict:
    """The token response for an authorization code (the client is already authenticated)."""
    if form.get("grant_type") != "authorization_code":
        raise ProtocolError("unsupported_grant_type", "only authorization_code")
    claims = _read(key, form.get("code", ""), "code")
    if claims["cid"] != client.client_id:
        raise ProtocolError("invalid_grant", "the code was issued to another client")
    if form.get("redirect_uri") != claims["ru"]:
        raise ProtocolError("invalid_grant", "redirect_uri differs from the authorization request")
    _check_verifier(claims, form.get("code_verifier"))
    _spend(session, claims)
    now = int(clock.timestamp())
    access_token = _sign(key, {"use": "access", "jti": secrets.token_urlsafe(16), "sub": claims["sub"],
                               "cid": client.client_id, "scope": claims["scope"], "exp": now + TOKEN_LIFETIME})
    token = {"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
             "scope": claims["scope"]}
    token["id_token"] = generate_id_token(token, {"sub": claims["sub"]}, key, iss=issuer, aud=client.client_id,
                                          exp=TOKEN_LIFETIME, nonce=claims.get("nonce") or None,
                                          auth_time=claims["auth_time"], kid=key.kid)
    return token


def userinfo(key: RSAKey, access_token: str) -> dict[str, str]:
    claims = _read(key, access_token, "access")
    identity = BY_SUBJECT.get(claims["sub"])
    if identity is None:
        raise ProtocolError("invalid_token", "unknown subject", 401)
    return identity.claims(set(claims["scope"].split()))


def identity_for(key: str) -> StandinIdentity | None:
    return BY_KEY.get(key)
