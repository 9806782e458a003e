"""Issue 4's "done when": on the seeded demo, the demo business links every built-in service in
sandbox mode, sees its data arrive with the service as source, accepts it, and unlinks — and, since
issue 15, finds its hand-typed 事業データ exactly as it was once every service is unlinked with 「削除」."""

from __future__ import annotations

from sqlalchemy import select

from portal import store
from portal.demo.business import seed_demo_business
from portal.models import Business, Connection, ConnectionState, Decision, ProposedChange, ValueSource
from portal.plugins import connectors
from portal.seed import DEMO_PASSWORD, seed_accounts
from tests.helpers import submit
from tests.web.test_accounts import login

BUILT_IN = ("gbizinfo", "etax", "freee", "moneyforward", "jgrants", "agency")
#: Services whose sandbox brings values of 事業データ (the others bring the agency link or 申請履歴).
BRINGS_VALUES = ("gbizinfo", "etax", "freee", "moneyforward")


def demo(app, session, client) -> Business:
    with app.app_context():
        seed_accounts(session)
    seed_demo_business(session)
    assert login(client, email="demo@example.jp", password=DEMO_PASSWORD).status_code == 303
    return session.scalar(select(Business))


#: Fields a record cannot do without: removal keeps them (and says so) rather than break the record.
INDISPENSABLE = {"name", "period_end", "months"}


def sourced_from(session, business: Business, name: str) -> set[str]:
    return set(session.scalars(select(ValueSource.field).where(
        ValueSource.business_id == business.id, ValueSource.source == name)))


def test_the_demo_business_links_accepts_and_unlinks_every_built_in_service(app, session, client):
    business = demo(app, session, client)
    seeded = as_typed(session, business)
    assert set(BUILT_IN) <= set(connectors(app))
    for name in BUILT_IN:
        typed = {"credential_0": "109913000101"} if name == "agency" else {}  # the demo agency's 認定番号
        response = submit(client, f"/mypage/links/{name}/link", {"mode": "sandbox", **typed})
        assert response.status_code == 303, name
        session.expire_all()
        connection = session.scalar(select(Connection).where(Connection.connector == name))
        assert connection.state is ConnectionState.LINKED and connection.last_error is None, name

        changes = list(session.scalars(select(ProposedChange.id).where(
            ProposedChange.connection_id == connection.id, ProposedChange.decision == Decision.PENDING)))
        if name in BRINGS_VALUES or name == "agency":
            assert changes, f"{name} proposes what it brought"
        if changes:
            accepted = submit(client, "/mypage/links/proposals", {"decision": "accept", "change": changes})
            assert accepted.status_code == 303, name
        session.expire_all()
        if name in BRINGS_VALUES:
            assert sourced_from(session, business, name) - INDISPENSABLE, f"{name}'s values stored with it as source"
    assert store.linked_agency(session, business) is not None
    assert store.applications_of(session, business), "Jグランツ brought the application history"

    for name in BUILT_IN:
        response = submit(client, f"/mypage/links/{name}/unlink", {"keep": "delete"})
        assert response.status_code == 303, name
        session.expire_all()
        connection = session.scalar(select(Connection).where(Connection.connector == name))
        assert connection.state is ConnectionState.UNLINKED and connection.credentials is None, name
        assert sourced_from(session, business, name) <= INDISPENSABLE, f"{name}'s values were deleted"
    assert store.linked_agency(session, business) is None
    assert not store.applications_of(session, business)
    assert as_typed(session, business) == seeded, "every hand-typed figure is back, nothing else is left"


def as_typed(session, business: Business) -> dict:
    session.expire_all()
    data = store.business_data(session, business)
    periods = {str(view.record.period_end): {shown.spec.name: shown.value for shown in view.values}
               for view in data.periods}
    return {"basic": {shown.spec.name: shown.value for shown in data.basic.values}, "periods": periods}
