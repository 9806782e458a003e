"""The portal as an OpenID Connect client of GビズID, through Authlib's Flask integration.

Authlib keeps state, nonce and the PKCE verifier in the session, checks the state on return,
exchanges the code (client_secret_basic or _post), and validates the ID token (signature from the
provider's JWKS, issuer, audience, expiry, nonce, at_hash). The claims come from UserInfo, whose
`sub` must be the ID token's.
"""

from __future__ import annotations

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth, OAuthError
from flask import current_app

from portal.gbizid.config import ProviderSettings

EXTENSION = "authlib.integrations.flask_client"


def init_oauth(app) -> None:
    if EXTENSION not in getattr(app, "extensions", {}):
        OAuth(app)


def oauth_client(settings: ProviderSettings) -> FlaskOAuth2App:
    """One Authlib client per issuer and client id (the stand-in's issuer follows the request's host)."""
    oauth: OAuth = current_app.extensions[EXTENSION]
    client = oauth.create_client(settings.client_name)
    if client is not None:
        return client
    kwargs: dict = {
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "client_kwargs": {"scope": settings.scope, "code_challenge_method": "S256",
                          "token_endpoint_auth_method": settings.token_auth_method,
                          "default_timeout": current_app.config["GBIZID_HTTP_TIMEOUT"]},
    }
    if settings.metadata_url:
        kwargs["server_metadata_url"] = settings.metadata_url
    endpoints = dict(settings.endpoints)
    if "authorization_endpoint" in endpoints:
        kwargs["authorize_url"] = endpoints.pop("authorization_endpoint")
    if "token_endpoint" in endpoints:
        kwargs["access_token_url"] = endpoints.pop("token_endpoint")
    kwargs.update(endpoints)  # issuer, userinfo_endpoint, jwks_uri: Authlib's server metadata
    return oauth.register(settings.client_name, **kwargs)


def fetch_claims(client: FlaskOAuth2App) -> dict:
    """Completes the callback: token, validated ID token, then UserInfo (raises on any mismatch)."""
    token = client.authorize_access_token()
    id_claims = token.get("userinfo")
    if not id_claims:
        raise OAuthError(error="invalid_token", description="the provider sent no ID token")
    info = dict(client.userinfo(token=token))
    if info.get("sub") != id_claims.get("sub"):
        raise OAuthError(error="invalid_token", description="UserInfo sub differs from the ID token's")
    return info
