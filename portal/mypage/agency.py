"""The 認定支援機関 on both sides: the 「支援機関」 and 「Jグランツの申請履歴」 sections of a business's
マイページ, and the 支援者's page listing the businesses linked to their agency.

マイページ includes `mypage/_agency.html`, which asks `mypage_agency_panel(business)` for what to show;
the business is always the logged-in user's own (マイページ finds it through the membership), so no
other business's agency or applications can appear there. The 支援者 page takes no id at all: it
shows the agencies the logged-in 支援者 belongs to, and refuses (403) anyone who belongs to none.
What a business shares with its agency beyond its name and the link date is decided later, so the
page shows only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort
from flask_login import current_user

from portal import clock, store
from portal.access import refuse_visitors
from portal.db import get_session
from portal.htmx import render
from portal.models import ApplicationHistory, Business, BusinessAgencyLink, Role, SupportAgency
from portal.plugins import connectors
from portal.taxonomy import PREFECTURES

bp = Blueprint("agency", __name__, url_prefix="/agency")

AGENCY_CONNECTOR = "agency"
JGRANTS_CONNECTOR = "jgrants"


def source_title(source: str) -> str:
    """A source as people know it: the connector's title, 手入力, or the stored label."""
    info = connectors().get(source)
    return info.connector.title if info is not None else store.source_label(source)


@dataclass(frozen=True)
class AgencyView:
    """One agency as マイページ and the 支援者 page show it."""

    agency: SupportAgency
    today: date

    @property
    def expired(self) -> bool:
        return not self.agency.is_valid_on(self.today)

    @property
    def address(self) -> str:
        return f"{PREFECTURES.get(self.agency.prefecture or '', '')}{self.agency.address or ''}"

    @property
    def regions(self) -> str:
        names = ["全国"] if self.agency.nationwide else []
        names += [PREFECTURES[code] for code in self.agency.regions if code in PREFECTURES]
        return "、".join(names)


@dataclass(frozen=True)
class AgencyPanel:
    link: BusinessAgencyLink | None
    agency: AgencyView | None
    link_source: str
    applications: list[tuple[ApplicationHistory, str]]
    agency_connector: bool
    jgrants_connector: bool


@bp.app_template_global("mypage_agency_panel")
def agency_panel(business: Business) -> AgencyPanel:
    session = get_session()
    link = store.agency_link(session, business)
    registry = connectors()
    return AgencyPanel(
        link=link,
        agency=AgencyView(link.agency, clock.today()) if link is not None else None,
        link_source=source_title(link.source) if link is not None else "",
        applications=[(row, source_title(row.source)) for row in store.applications_of(session, business)],
        agency_connector=AGENCY_CONNECTOR in registry, jgrants_connector=JGRANTS_CONNECTOR in registry,
    )


bp.before_request(refuse_visitors)


@bp.get("/businesses")
def businesses():
    """The businesses linked to the logged-in 支援者's agency: name and link date only.

    Only 支援者 may open it; one who belongs to no agency yet is told so (the page is in their menu).
    """
    if current_user.role is not Role.SUPPORTER:
        abort(403)
    session = get_session()
    agencies = store.agencies_of_user(session, current_user)
    today = clock.today()
    rows = [(AgencyView(agency, today), store.agency_links(session, agency)) for agency in agencies]
    return render("agency/businesses.html", agencies=rows)
