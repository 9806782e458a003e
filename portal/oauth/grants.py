"""The grants and endpoints Authlib runs: authorization code with PKCE S256, refresh, revocation.

One use means one use. A code and a refresh token are consumed by one conditional statement
(`UPDATE … SET used_at = now WHERE used_at IS NULL`, and for a refresh token `… refresh_revoked_at
…`) once every other check has passed and before new tokens are made, and only the request whose
statement changed the row goes on. The other of two racing redemptions — waiting on the row lock
(PostgreSQL) or the write lock (SQLite) until the first has committed — finds nothing to consume and
is treated as the replay it is (RFC 6819 §5.2.1.1, RFC 9700 §4.14): every token that came from that
code, the winner's included, is revoked. A wrong verifier or redirect URI consumes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from sqlalchemy import func, select, update

from portal import clock
from portal.db import get_session
from portal.models import OAuthAuthorizationCode, OAuthConsent, OAuthToken, User
from portal.oauth.server import (
    CODE_LIFETIME,
    Client,
    Code,
    Token,
    digest,
    find_access_token,
    find_refresh_token,
    revoke_family,
)

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
REPLAYED = "This code or refresh token was already used; every token issued from it is revoked."


def _consume_code(code: Code) -> bool:
    now = clock.now()
    result = get_session().execute(
        update(OAuthAuthorizationCode)
        .where(OAuthAuthorizationCode.id == code.row.id, OAuthAuthorizationCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _consume_refresh_token(token: Token) -> bool:
    now = clock.now()
    result = get_session().execute(
        update(OAuthToken)
        .where(OAuthToken.id == token.row.id, OAuthToken.refresh_revoked_at.is_(None))
        .values(refresh_revoked_at=now, access_revoked_at=func.coalesce(OAuthToken.access_revoked_at, now))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


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

    def authenticate_user(self, authorization_code: Code) -> User | None:
        """Called once every check has passed, before the tokens are made: the code is consumed here."""
        if not _consume_code(authorization_code):
            revoke_family(authorization_code.row.id, clock.now())
            raise InvalidGrantError(REPLAYED)
        return get_session().get(User, authorization_code.row.user_id)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        """Nothing left to do: `authenticate_user` consumed the code."""


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
        """Called after the checks, before the new pair is made: the old refresh token is consumed here."""
        if not _consume_refresh_token(refresh_token):
            revoke_family(refresh_token.row.code_id, clock.now())
            raise InvalidGrantError(REPLAYED)
        return refresh_token.get_user()

    def revoke_old_credential(self, refresh_token: Token) -> None:
        """Nothing left to do: `authenticate_user` retired the old pair."""


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
