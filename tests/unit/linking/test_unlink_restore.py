"""Unlinking with 「取り込んだデータを削除」 over three sources — 手入力, freee会計 and マネーフォワード —
accepted in either order and unlinked in either order: each removal puts back the value the field
had before that service's (hand-typed, or the other service's while its data is kept), empties only
what never had another value, and the history shows both steps. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from portal import store
from portal.linking import accept, get_connection, link, pending_changes, run_sync, unlink
from tests.business_factories import make_account, make_business

TODAY = date(2026, 11, 27)
NUMBER = "6010001096659"
HAND_TYPED = 381_200_000


@pytest.fixture
def owner(session):
    user = make_account(session)
    business = make_business(session, user, corporate_number=NUMBER, name="株式会社さくら精機")
    store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "381,200,000",
                                         "employees": 12}, store.MANUAL, user)
    session.commit()
    return user, business


def link_and_accept(app, session, user, business, name: str) -> dict[str, int]:
    """Links `name` in the sandbox, accepts everything it proposes; returns the values it brought."""
    connection = link(session, business, name, "sandbox", {}, user=user)
    run_sync(session, app, connection, TODAY)
    changes = [c for c in pending_changes(session, business) if c.connection_id == connection.id]
    brought = {c.field: int(c.new_value) for c in changes if c.section == "period" and c.field != "months"}
    accept(session, user, [c.id for c in changes])
    session.commit()
    return brought


def period(session, business):
    [row] = store.records(session, business, "period")
    session.refresh(row)
    return row


def source(session, business, field: str) -> str | None:
    row = store.sources_of(session, business, "period").get(("period", period(session, business).id, field))
    return row.source if row else None


@pytest.mark.parametrize("accepted", [("freee", "moneyforward"), ("moneyforward", "freee")])
@pytest.mark.parametrize("unlinked", [("freee", "moneyforward"), ("moneyforward", "freee")])
def test_each_removal_puts_back_what_was_there_before(app, session, owner, accepted, unlinked):
    user, business = owner
    brought = {name: link_and_accept(app, session, user, business, name) for name in accepted}
    first, second = accepted
    assert brought["freee"]["net_sales"] != brought["moneyforward"]["net_sales"] != HAND_TYPED
    assert period(session, business).net_sales == brought[second]["net_sales"]
    only_one = {name: set(brought[name]) - set(brought[other]) - {"net_sales", "employees"}
                for name, other in (("freee", "moneyforward"), ("moneyforward", "freee"))}

    gone, last = unlinked
    removal = unlink(session, business, gone, keep_data=False, user=user).removal
    session.commit()
    if gone == second:  # the current values were this service's: the other's come back
        assert period(session, business).net_sales == brought[first]["net_sales"]
        assert source(session, business, "net_sales") == first
        assert removal.restored >= 1
    else:  # the other service's values are current and stay
        assert period(session, business).net_sales == brought[second]["net_sales"]
        assert source(session, business, "net_sales") == second
    for field in only_one[gone]:
        assert getattr(period(session, business), field) is None, field  # never had another value

    removal = unlink(session, business, last, keep_data=False, user=user).removal
    session.commit()
    row = period(session, business)
    assert (row.net_sales, row.employees) == (HAND_TYPED, 12)
    assert source(session, business, "net_sales") == store.MANUAL
    for field in set(brought["freee"]) | set(brought["moneyforward"]):
        if field not in ("net_sales", "period_end"):
            assert getattr(row, field) is None, field
    assert removal.restored >= 1 and removal.records_removed == {}


def test_the_history_shows_the_removal_and_the_restore_and_the_message_counts_both(app, session, owner):
    user, business = owner
    store.register_unlinked_label("freee", "freee会計")
    freee = link_and_accept(app, session, user, business, "freee")
    removal = unlink(session, business, "freee", keep_data=False, user=user).removal
    session.commit()
    assert removal.restored == 1  # 売上高: the hand-typed figure
    assert removal.cleared == len(freee) - 1
    lines = [line for line in store.history(session, business, "period", limit=200) if line.field == "net_sales"]
    newest = [(line.old_text, line.new_text, line.source_label) for line in lines[:2]]
    assert newest == [("", "381,200,000円", "手入力（連携解除により復元）"),
                      (f"{freee['net_sales']:,}円", "", "freee会計（連携解除により削除）")]
    shown = store.view_of(session, business, "period", period(session, business).id)["net_sales"]
    assert (shown.source_label, shown.value) == ("手入力", HAND_TYPED)


def test_a_value_typed_over_after_the_service_is_kept(app, session, owner):
    user, business = owner
    link_and_accept(app, session, user, business, "freee")
    store.update_period(session, business, period(session, business).id, {"net_sales": "400,000,000"},
                        store.MANUAL, user)
    session.commit()
    unlink(session, business, "freee", keep_data=False, user=user)
    session.commit()
    assert period(session, business).net_sales == 400_000_000


def test_a_service_unlinked_with_keep_still_counts_as_an_earlier_value(app, session, owner):
    user, business = owner
    freee = link_and_accept(app, session, user, business, "freee")
    link_and_accept(app, session, user, business, "moneyforward")
    unlink(session, business, "freee", keep_data=True, user=user)
    unlink(session, business, "moneyforward", keep_data=False, user=user)
    session.commit()
    assert period(session, business).net_sales == freee["net_sales"]
    assert get_connection(session, business, "freee").data_removed_at is None
    assert get_connection(session, business, "moneyforward").data_removed_at is not None
