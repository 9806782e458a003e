"""Authlib's authorization server and resource protector, wired to the portal's models.

Authlib handles the protocol; this module answers its questions: which client is this, is this
code or token valid, where do new ones go. Codes and tokens are kept as SHA-256 hashes. Every code
and token belongs to a consent, and a revoked consent makes them fail at once. PKCE with S256 is
required: a request without it is refused already at /oauth/authorize, and a code is only
exchanged with its verifier. Refresh tokens rotate; presenting a rotated one again revokes the
whole family of tokens that came from the same code (RFC 9700 §4.14), and so does replaying a code.
Nothing here commits: the views commit once after Authlib has answered (also after a refusal, so
that the revocation of a replayed family is kept).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidRequestError,
    grants,
    list_to_scope,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import select, update

from portal import clock
from portal.db import get_session
from portal.models import (
    OAuthAuthorizationCode,
    OAuthClient,
    OAuthConsent,
    OAuthToken,
    User,
)
from portal.oauth.redirects import redirect_uri_allowed
from portal.oauth.scopes import ALL_SCOPES, split_scope

CODE_LIFETIME = timedelta(minutes=10)
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def digest(value: str) -> str:
    """What is stored instead of a secret, code or token."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class Client(ClientMixin):
    """An `OAuthClient` row as Authlib sees it."""

    row: OAuthClient

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.row.redirect_uris[0] if self.row.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """No scope asked: every allowed one. Asking for one the site may not have: refused."""
        requested = (scope or "").split()
        if not requested:
            return list_to_scope([s for s in ALL_SCOPES if s in self.row.scopes]) or None
        if not set(requested) <= set(self.row.scopes):
            return None
        return list_to_scope(split_scope(scope))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri_allowed(self.row.redirect_uris, redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.row.secret_hash is not None and hmac.compare_digest(self.row.secret_hash, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.is_public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code:
    row: OAuthAuthorizationCode

    @property
    def code_challenge(self) -> str:
        return self.row.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return self.row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


@dataclass
class Token:
    """An `OAuthToken` row with its consent, as Authlib and the API see it."""

    row: OAuthToken
    consent: OAuthConsent
    client_row: OAuthClient

    def check_client(self, client: Client) -> bool:
        return self.row.client_id == client.row.id

    def get_scope(self) -> str:
        # A consent narrowed after the token was issued narrows the token at once.
        granted = set(self.consent.scopes)
        return list_to_scope([s for s in split_scope(self.row.scope) if s in granted])

    def get_expires_in(self) -> int:
        return self.row.expires_in

    def is_expired(self) -> bool:
        return clock.now() >= self.row.issued_at + timedelta(seconds=self.row.expires_in)

    def is_revoked(self) -> bool:
        return (self.row.access_revoked_at is not None or self.consent.revoked_at is not None
                or not self.client_row.active)

    def refresh_usable(self) -> bool:
        lifetime = timedelta(seconds=current_app.config["OAUTH_REFRESH_TOKEN_LIFETIME"])
        return (self.row.refresh_revoked_at is None and self.consent.revoked_at is None and self.client_row.active
                and clock.now() < self.row.issued_at + lifetime)

    def get_user(self) -> User | None:
        return get_session().get(User, self.row.user_id)

    def get_client(self) -> Client:
        return Client(self.client_row)


def query_client(client_id: str) -> Client | None:
    row = get_session().scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    return Client(row) if row is not None and row.active else None


def _token_by(column, value: str) -> Token | None:
    session = get_session()
    found = session.execute(select(OAuthToken, OAuthConsent, OAuthClient)
                            .join(OAuthConsent, OAuthConsent.id == OAuthToken.consent_id)
                            .join(OAuthClient, OAuthClient.id == OAuthToken.client_id)
                            .where(column == digest(value))).first()
    return Token(*found) if found else None


def find_access_token(value: str) -> Token | None:
    """Looked up once per request: the API's rate limit keys on the token's site, then Authlib
    validates the very same token. Only a found token is kept; its rows are the session's own
    objects, so a change made later in the request (a revocation) shows through."""
    found: dict[str, Token] = g.setdefault("_oauth_access_tokens", {}) if has_request_context() else {}
    token = found.get(value)
    if token is None:
        token = _token_by(OAuthToken.access_token_hash, value)
        if token is not None:
            found[value] = token
    return token


def find_refresh_token(value: str) -> Token | None:
    return _token_by(OAuthToken.refresh_token_hash, value)


def revoke_family(code_id: int | None, at: datetime) -> None:
    """Every token that came from one code, after a replayed code or refresh token."""
    if code_id is None:
        return
    session = get_session()
    session.execute(update(OAuthToken).where(OAuthToken.code_id == code_id, OAuthToken.access_revoked_at.is_(None))
                    .values(access_revoked_at=at))
    session.execute(update(OAuthToken).where(OAuthToken.code_id == code_id, OAuthToken.refresh_revoked_at.is_(None))
                    .values(refresh_revoked_at=at))


def save_token(token: dict, request) -> None:
    """Stores a new token pair for the consent the code or the old refresh token belongs to."""
    origin = request.authorization_code.row if request.authorization_code else request.refresh_token.row
    consent = get_session().get(OAuthConsent, origin.consent_id)
    code_id = origin.id if request.authorization_code else origin.code_id
    refresh = token.get("refresh_token")
    get_session().add(OAuthToken(
        client_id=request.client.row.id, consent_id=consent.id, code_id=code_id, user_id=request.user.id,
        business_id=consent.business_id, access_token_hash=digest(token["access_token"]),
        refresh_token_hash=digest(refresh) if refresh else None, scope=token.get("scope", ""),
        issued_at=clock.now(), expires_in=int(token["expires_in"])))


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only, and required at the authorization endpoint too (Authlib checks only
    the token endpoint by itself)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        payload = grant.request.payload.data
        if not payload.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'.")
        if payload.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE is required with code_challenge_method=S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """The only grant that issues tokens. The consent view sets `consent` before the code is made."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    consent: OAuthConsent | None = None

    def save_authorization_code(self, code: str, request) -> None:
        if self.consent is None:
            raise RuntimeError("a code is made only after the user's consent")
        now = clock.now()
        get_session().add(OAuthAuthorizationCode(
            code_hash=digest(code), client_id=request.client.row.id, consent_id=self.consent.id,
            user_id=request.user.id, redirect_uri=request.payload.redirect_uri or request.client.get_default_redirect_uri(),
            scope=self.consent.scope, code_challenge=request.payload.data.get("code_challenge"),
            code_challenge_method=request.payload.data.get("code_challenge_method"), created_at=now,
            expires_at=now + CODE_LIFETIME))

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        session = get_session()
        row = session.scalar(select(OAuthAuthorizationCode).where(OAuthAuthorizationCode.code_hash == digest(code),
                                                                  OAuthAuthorizationCode.client_id == client.row.id))
        if row is None:
            return None
        if row.used_at is not None:
            revoke_family(row.id, clock.now())
            return None
        consent = session.get(OAuthConsent, row.consent_id)
        if clock.now() >= row.expires_at or consent is None or consent.revoked_at is not None:
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        authorization_code.row.used_at = clock.now()

    def authenticate_user(self, authorization_code: Code) -> User | None:
        return get_session().get(User, authorization_code.row.user_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        token = find_refresh_token(refresh_token)
        if token is None:
            return None
        if token.row.refresh_revoked_at is not None and token.consent.revoked_at is None:
            # A rotated refresh token came back: someone holds a copy. Stop the whole family.
            revoke_family(token.row.code_id, clock.now())
            return None
        # A consent narrowed to nothing this token had leaves nothing to refresh.
        return token if token.refresh_usable() and token.get_scope() else None

    def authenticate_user(self, refresh_token: Token) -> User | None:
        return refresh_token.get_user()

    def revoke_old_credential(self, refresh_token: Token) -> None:
        now = clock.now()
        refresh_token.row.refresh_revoked_at = now
        refresh_token.row.access_revoked_at = refresh_token.row.access_revoked_at or now


class TokenRevocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        if token_type_hint == "refresh_token":
            return find_refresh_token(token_string) or find_access_token(token_string)
        return find_access_token(token_string) or find_refresh_token(token_string)

    def revoke_token(self, token: Token, request) -> None:
        now = clock.now()
        token.row.access_revoked_at = token.row.access_revoked_at or now
        if request.form.get("token_type_hint") != "access_token":
            token.row.refresh_revoked_at = token.row.refresh_revoked_at or now


class PortalBearerTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> Token | None:
        return find_access_token(token_string)


require_oauth = ResourceProtector()
require_oauth.register_token_validator(PortalBearerTokenValidator())


def _expires_in(_client, grant_type: str) -> int:
    return int(current_app.config["OAUTH_ACCESS_TOKEN_LIFETIME"])


def init_oauth(app: Flask) -> AuthorizationServer:
    """One authorization server per app, kept in `app.extensions["oauth_server"]`."""
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(ALL_SCOPES))
    server = AuthorizationServer()
    server.init_app(app, query_client=query_client, save_token=save_token)
    server.register_token_generator("default", BearerTokenGenerator(
        lambda **_: generate_token(42), lambda **_: generate_token(48), _expires_in))
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(TokenRevocation)
    app.extensions["oauth_server"] = server
    return server


def oauth_server() -> AuthorizationServer:
    return current_app.extensions["oauth_server"]
