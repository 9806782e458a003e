"""Which GビズID the portal logs in with: the real service (a preset), any issuer, or the stand-in.

The real GビズID (domain.md §6) is operator configuration: `GBIZID_PRESET = "gbizid"` (or
`"gbizid-staging"`) fills in its issuer and endpoints, and the operator adds the client id and
secret from the GビズID連携 application and the key set URL (`GBIZID_JWKS_URI`) given with them.
Any other OpenID provider is `GBIZID_ISSUER` (its discovery document is read). With neither, the
local stand-in provider is used when it is on, so `make run` works without configuration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import Flask, current_app

PRESETS: dict[str, dict[str, str]] = {
    "gbizid": {
        "issuer": "https://gbiz-id.go.jp/oauth/",
        "authorization_endpoint": "https://gbiz-id.go.jp/oauth/authorize",
        "token_endpoint": "https://gbiz-id.go.jp/oauth/token",
        "userinfo_endpoint": "https://gbiz-id.go.jp/oauth/userinfo",
    },
    "gbizid-staging": {
        "issuer": "https://stg.gbiz-id.go.jp/oauth/",
        "authorization_endpoint": "https://stg.gbiz-id.go.jp/oauth/authorize",
        "token_endpoint": "https://stg.gbiz-id.go.jp/oauth/token",
        "userinfo_endpoint": "https://stg.gbiz-id.go.jp/oauth/userinfo",
    },
}


class NotConfigured(RuntimeError):
    """GビズID log-in is off, or its settings are incomplete (the message names what is missing)."""


@dataclass(frozen=True)
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    token_auth_method: str
    metadata_url: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)
    is_standin: bool = False

    @property
    def client_name(self) -> str:
        """A name per issuer and client, used by Authlib to keep each provider's state apart."""
        digest = hashlib.sha256(f"{self.issuer}\n{self.client_id}".encode()).hexdigest()[:12]
        return f"gbizid_{digest}"


def is_enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config["GBIZID_STANDIN"] or config["GBIZID_PRESET"] or config["GBIZID_ISSUER"])


def provider_settings() -> ProviderSettings:
    """The provider for the current request; the stand-in's issuer depends on the request's host."""
    config = current_app.config
    common = {"scope": config["GBIZID_SCOPE"], "token_auth_method": config["GBIZID_TOKEN_AUTH_METHOD"]}
    preset = config["GBIZID_PRESET"]
    if preset:
        if preset not in PRESETS:
            raise NotConfigured(f"GBIZID_PRESET must be one of {sorted(PRESETS)}, not {preset!r}")
        endpoints = dict(PRESETS[preset])
        if not config["GBIZID_JWKS_URI"]:
            raise NotConfigured("GBIZID_JWKS_URI is required with a GビズID preset (the key set URL that GビズID "
                                "gives with the client registration)")
        endpoints["jwks_uri"] = config["GBIZID_JWKS_URI"]
        return ProviderSettings(endpoints["issuer"], _required("GBIZID_CLIENT_ID"), _required("GBIZID_CLIENT_SECRET"),
                                endpoints=endpoints, **common)
    if config["GBIZID_ISSUER"]:
        issuer = config["GBIZID_ISSUER"]
        endpoints = {"jwks_uri": config["GBIZID_JWKS_URI"]} if config["GBIZID_JWKS_URI"] else {}
        metadata_url = config["GBIZID_METADATA_URL"] or issuer.rstrip("/") + "/.well-known/openid-configuration"
        return ProviderSettings(issuer, _required("GBIZID_CLIENT_ID"), _required("GBIZID_CLIENT_SECRET"),
                                metadata_url=metadata_url, endpoints=endpoints, **common)
    if config["GBIZID_STANDIN"]:
        from portal.gbizid_standin.views import client_secret, issuer

        standin = issuer()
        return ProviderSettings(standin, config["GBIZID_STANDIN_CLIENT_ID"], client_secret(),
                                metadata_url=standin + "/.well-known/openid-configuration", is_standin=True, **common)
    raise NotConfigured("GビズID log-in is not configured (GBIZID_PRESET, GBIZID_ISSUER or GBIZID_STANDIN)")


def _required(name: str) -> str:
    value = current_app.config[name]
    if not value:
        raise NotConfigured(f"{name} is required")
    return value
