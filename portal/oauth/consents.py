"""マイページ「連携中の申請サイト」: the consents a business gave, revoking one, and the access log.

Like every マイページ page the business is found through the logged-in user, so there is no business
id in any URL, and a consent of another business is not found (404).
"""

from __future__ import annotations

from flask import Blueprint, flash, request
from flask_login import current_user

from portal import store
from portal.access import refuse_visitors
from portal.bounds import page_arg
from portal.db import get_session
from portal.extensions import htmx
from portal.htmx import redirect_after_post, render
from portal.models import OAuthClient
from portal.oauth import services

bp = Blueprint("consents", __name__, url_prefix="/mypage/consents")
LOG_PAGE_SIZE = 30


bp.before_request(refuse_visitors)


@bp.get("/")
def index():
    session = get_session()
    business = store.require_business(session, current_user)
    page = page_arg(request.args)
    total = services.count_access(session, business)
    return render("mypage/consents.html", block="access_log" if htmx.target == "access-log" else None,
                  consents=services.consents(session, business),
                  log=services.access_log(session, business, LOG_PAGE_SIZE, (page - 1) * LOG_PAGE_SIZE),
                  page=page, total=total, has_next=page * LOG_PAGE_SIZE < total)


@bp.post("/<int:consent_id>/revoke")
def revoke(consent_id: int):
    session = get_session()
    business = store.require_business(session, current_user)
    consent = services.revoke_consent(session, business, consent_id, current_user)
    session.commit()
    name = session.get(OAuthClient, consent.client_id).name
    flash(f"{name}への許可を解除しました。この申請サイトは、もう事業データを読み取れません。", "success")
    return redirect_after_post("consents.index")
