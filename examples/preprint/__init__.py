"""プレプリント: a small example application site that pre-fills a made-up 経営力向上計画 form.

It is a separate Flask app that uses the portal only from the outside, as any application site
would: it signs in with the portal's OAuth 2.0 authorization server (authorization code + PKCE
S256, Authlib's Flask client), the business consents on the portal, and the site reads
/api/v1/me/business and /api/v1/me/financials to fill 法人番号, 法人名, 所在地, 代表者, 売上高 and
営業利益. Settings come from the environment:

    PORTAL_URL     the portal (default http://127.0.0.1:8000)
    CLIENT_ID      the client id registered on the portal (default: the demo's "preprint-demo")
    CLIENT_SECRET  the secret of a confidential client; leave empty for a public (PKCE-only) client

Run it next to the portal with `make preprint` (http://127.0.0.1:8001).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

DEMO_CLIENT_ID = "preprint-demo"
SCOPES = "business.profile:read business.financials:read business.officers:read"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        PORTAL_URL=os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/"),
        CLIENT_ID=os.environ.get("CLIENT_ID", DEMO_CLIENT_ID),
        CLIENT_SECRET=os.environ.get("CLIENT_SECRET") or None,
        SECRET_KEY=os.environ.get("PREPRINT_SECRET_KEY") or secrets.token_urlsafe(32),
        SESSION_COOKIE_NAME="preprint_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.config.update(config or {})
    from examples.preprint import views

    views.init_app(app)
    return app
