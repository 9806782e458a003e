"""A sandbox (お試し) link never changes what other people see: for every built-in connector, linking
it in the sandbox and accepting everything it proposes leaves the public API (`GET /api/v1/supports`,
`/api/v1/cases`), the 支援制度ナビ and the agency directory exactly as they were."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from connectors.builtin import BUILTIN_CONNECTORS
from portal.demo.business import seed_agencies
from portal.models import Decision, ProposedChange, SupportAgency
from tests.business_factories import signed_in_owner
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.helpers import submit, text

NUMBER = "8010401098765"  # the demo business: every sandbox has something for it
TYPED = {"agency": {"credential_0": "109913000101"}}
PUBLIC = ("/api/v1/supports?per_page=100", "/api/v1/supports?q=補助金&per_page=100", "/api/v1/cases?per_page=100",
          "/supports?q=補助金", "/agencies")


def built_in() -> list[str]:
    return sorted(connector.name for connector in BUILTIN_CONNECTORS)


def without_tokens(page: str) -> str:
    """A page as a visitor reads it: the CSRF token differs per request and says nothing about the data."""
    return re.sub(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+', r"\1", page)


def public_view(app, session) -> dict[str, str]:
    visitor = app.test_client()
    seen = {url: without_tokens(text(visitor.get(url))) for url in PUBLIC}
    seen["directory"] = repr(sorted((a.certification_number, a.name, a.updated_at)
                                    for a in session.scalars(select(SupportAgency))))
    return seen


@pytest.fixture
def catalogue(session):
    add_supports(session, support_record("中小企業省力化投資補助金（一般型）"), support_record("ものづくり補助金"),
                 support_record("事業承継・引継ぎ補助金"))
    add_cases(session, case_record("省力化補助金で工場を自動化した事例"))
    seed_agencies(session)
    session.commit()


@pytest.mark.parametrize("name", built_in())
def test_a_sandbox_link_leaves_what_everyone_sees_unchanged(app, client, session, catalogue, name):
    signed_in_owner(client, session, number=NUMBER, name="株式会社みらい工房")
    before = public_view(app, session)
    response = submit(client, f"/mypage/links/{name}/link", {"mode": "sandbox", **TYPED.get(name, {})})
    assert response.status_code == 303, text(response)[-800:]
    session.expire_all()
    ids = [str(i) for i in session.scalars(select(ProposedChange.id).where(ProposedChange.decision == Decision.PENDING))]
    if ids:
        assert submit(client, "/mypage/links/proposals", {"change": ids, "decision": "accept"}).status_code == 303
    session.expire_all()
    after = public_view(app, session)
    for key in before:
        assert after[key] == before[key], f"{name}: {key} changed"


def test_every_built_in_connector_is_covered(app):
    from portal.plugins import connectors

    assert set(built_in()) == {"agency", "etax", "freee", "gbizinfo", "jgrants", "moneyforward"}
    assert set(built_in()) <= set(connectors(app))
