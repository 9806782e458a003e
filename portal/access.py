"""The log-in check that whole blueprints run before each of their views.

マイページ, 経営カルテ, 連携中の申請サイト and the 申請データシート are only for logged-in accounts; each
registers `bp.before_request(refuse_visitors)` rather than decorating every view, so a view added
later cannot forget it. (The 職員 check, which also refuses other roles, is `portal.staff`.)
"""

from __future__ import annotations

from flask import current_app
from flask_login import current_user


def refuse_visitors():
    """Send a visitor who is not logged in to the log-in page (flask-login's `unauthorized`)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None
