"""Redirects that count a click: from a measure to its 電子申請 site.

The destination is the measure's own application URL read from the database, never a parameter,
so this is no open redirect. The click is logged, then the browser goes on (302).
"""

from __future__ import annotations

from flask import Blueprint, redirect

from portal.db import get_session
from portal.errors import NotFound
from portal.events.recorder import record
from portal.models import Support
from portal.ui import http_url

bp = Blueprint("events", __name__)


@bp.get("/supports/<int:support_id>/apply")
def apply(support_id: int):
    support = get_session().get(Support, support_id)
    target = http_url(support.application_url) if support is not None else ""
    if not target:
        raise NotFound("この支援制度には電子申請・申込みのページが登録されていません。")
    record("apply_click", "support", support_id)
    return redirect(target, code=302)
