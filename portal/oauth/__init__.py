"""The once-only API's authorization server (product.md feature 7, contracts.md "Once-only API").

`server` wires Authlib to the portal's models, `services` holds the use cases (consents, clients,
the access log), `views` serves RFC 8414 metadata, /oauth/authorize (the consent page), /oauth/token
and /oauth/revoke, and `consents` the マイページ pages where a business sees and revokes consents.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The authorization server, its blueprints, the 職員 screen for application sites and the
    one-stop panel of a measure page (feature 14), which offers the consented pre-fill path."""
    from portal.api.me import bp as api_me
    from portal.navi.onestop import bp as onestop
    from portal.navi.onestop import onestop_for
    from portal.oauth.consents import bp as consents
    from portal.oauth.server import init_oauth
    from portal.oauth.views import bp as oauth
    from portal.staff.clients import bp as staff_clients

    init_oauth(app)
    for blueprint in (oauth, consents, api_me, staff_clients, onestop):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["onestop_for"] = onestop_for  # the measure page's 「この制度に申請する」 panel
