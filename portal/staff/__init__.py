"""職員向けの画面 (product.md feature 15): pages only accounts with the staff role may open."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user


def refuse_unless_staff():
    """Log-in page for visitors, 403 for accounts that are not 職員; a blueprint's before_request."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


def staff_required(view):
    """The same check for one view of a blueprint that others may also use."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return refuse_unless_staff() or view(*args, **kwargs)

    return wrapper
