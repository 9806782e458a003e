"""専門家派遣依頼 (issue 17): requests, the agency inbox, reminders and the 職員 figures."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from portal.experts.agency_views import bp as inbox
    from portal.experts.staff_views import bp as staff
    from portal.experts.views import bp as requests
    from portal.ui import add_nav_item

    app.register_blueprint(requests)  # /expert-requests/: the business's requests
    app.register_blueprint(inbox)  # /agency/expert-requests/: the agency's inbox
    app.register_blueprint(staff)  # /staff/expert-requests/: every request, the figures, CSV
    add_nav_item(app, "staff_experts.index", "専門家派遣依頼の一覧", 72, roles=("staff",))
