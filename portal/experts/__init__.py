"""専門家派遣依頼 (issue 17): requests, the agency inbox, reminders and the 職員 figures."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from portal.experts.agency_views import bp as inbox
    from portal.experts.views import bp as requests

    app.register_blueprint(requests)  # /expert-requests/: the business's requests
    app.register_blueprint(inbox)  # /agency/expert-requests/: the agency's inbox
