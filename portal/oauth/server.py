"""Authlib's authorization server and resource protector, wired to the portal's models.

Authlib handles the protocol; this module answers its questions: which client is this, is this
code or token valid, where do new ones go. Codes and tokens are kept as SHA-256 hashes. Every code
and token belongs to a consent, and a revoked consent makes them fail at once. PKCE with S256 is
required: a request without it is refused already at /oauth/authorize, and a code is only
exchanged with its verifier. Refresh tokens rotate; presenting a rotated one again revokes the
whole family of tokens that came from the same code (RFC 9700 §4.14), and so does replaying a code.
The grants themselves, which consume codes and refresh tokens atomically, are in `grants`.
Nothing here commits: the views commit once after Authlib has answered (also after a refusal, so
that the revocation of a replayed family is kept).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, list_to_scope
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import select, update

from portal import clock
from portal.db import get_session
from portal.models import OAuthAuthorizationCode, OAuthClient, OAuthConsent, OAuthToken, User
from portal.oauth.redirects import redirect_uri_allowed
from portal.oauth.scopes import ALL_SCOPES, split_scope

CODE_LIFETIME = timedelta(minutes=10)


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


class PortalBearerTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> Token | None:
        return find_access_token(token_string)


require_oauth = ResourceProtector()
require_oauth.register_token_validator(PortalBearerTokenValidator())


def _expires_in(_client, grant_type: str) -> int:
    return int(current_app.config["OAUTH_ACCESS_TOKEN_LIFETIME"])


def init_oauth(app: Flask) -> AuthorizationServer:
    """One authorization server per app, kept in `app.extensions["oauth_server"]`."""
    from portal.oauth.grants import AuthorizationCodeGrant, RefreshTokenGrant, S256CodeChallenge, TokenRevocation

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
