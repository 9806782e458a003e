"""GビズID log-in (OpenID Connect client) and what a GビズID account type allows.

Other features ask `portal.gbizid.services.can_share_via_api(session, user)` and
`account_type_of(session, user)`; see services.py for the rules of a first log-in.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Mounts GビズID log-in (/account/gbizid) and the stand-in provider (/standin-gbizid, 404 unless on)."""
    from portal.gbizid.client import init_oauth
    from portal.gbizid.views import bp
    from portal.gbizid_standin.views import bp as standin

    init_oauth(app)
    app.register_blueprint(bp)
    app.register_blueprint(standin)
