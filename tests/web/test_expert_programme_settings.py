"""The 職員's screen for the programme's settings of 専門家派遣依頼: the config's values until saved,
stored in the database, checked field by field in Japanese, and read by the allowance and the
reminders."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import store
from portal.experts.jobs import send_reminders
from portal.experts.programme import Programme, load
from portal.experts.services import new_draft
from portal.experts.states import BUSINESS, move
from portal.models import ExpertProgrammeSettings, ExpertRequest, Role
from tests.business_factories import PASSWORD, make_account, make_agency, signed_in_owner
from tests.helpers import submit, text

pytestmark = pytest.mark.usefixtures("clock")

URL = "/staff/expert-requests/settings"
GOOD = {"allowance": "2", "allowance_it_dx": "4", "agency_reminder_days": "9、2", "business_reminder_days": "10",
        "expiry_days": "30", "confirm_reminder_days": "5"}


@pytest.fixture
def staff_client(app, session):
    from tests.web.test_accounts import login

    client = app.test_client()
    make_account(session, "shokuin@example.jp", role=Role.STAFF)
    assert login(client, email="shokuin@example.jp", password=PASSWORD).status_code == 303
    return client


def test_the_screen_shows_the_config_values_until_saved(staff_client, session):
    assert session.get(ExpertProgrammeSettings, 1) is None
    page = text(staff_client.get(URL))
    assert "<h1>専門家派遣の設定</h1>" in page
    for name, value in (("allowance", "3"), ("allowance_it_dx", "5"), ("agency_reminder_days", "3,9"),
                        ("business_reminder_days", "9"), ("expiry_days", "45"), ("confirm_reminder_days", "7")):
        assert f'name="{name}" type="text" value="{value}"' in page, name


def test_saving_stores_the_settings_and_the_screen_shows_them(app, staff_client, session):
    response = submit(staff_client, URL, GOOD)
    assert response.status_code == 303
    page = text(staff_client.get(URL))
    assert "専門家派遣の設定を保存しました。" in page
    assert 'name="agency_reminder_days" type="text" value="2,9"' in page
    session.expire_all()
    row = session.get(ExpertProgrammeSettings, 1)
    assert (row.allowance, row.allowance_it_dx, row.agency_reminder_days, row.expiry_days) == (2, 4, "2,9", 30)
    assert load(session, app.config) == Programme(2, 4, (2, 9), 10, 30, 5)
    assert submit(staff_client, URL, {**GOOD, "allowance": "1"}).status_code == 303  # saved again: still one row
    assert len(session.scalars(select(ExpertProgrammeSettings)).all()) == 1


@pytest.mark.parametrize("name, value, message", [
    ("allowance", "", "入力してください。"),
    ("allowance", "３", "0から50までの整数で入力してください。"),
    ("allowance_it_dx", "51", "0から50までの整数で入力してください。"),
    ("agency_reminder_days", "3,x", "1から364までの日数をカンマで区切って入力してください（例：3,9）。"),
    ("agency_reminder_days", "3,3", "同じ日が2回あります。"),
    ("agency_reminder_days", "3,45", "催促は期限切れの日より前にしてください。"),
    ("business_reminder_days", "45", "期限切れの日より前にしてください。"),
    ("expiry_days", "-1", "2から365までの整数で入力してください。"),
    ("confirm_reminder_days", "0", "1から365までの整数で入力してください。"),
])
def test_a_wrong_value_is_refused_beside_its_field_and_what_was_typed_kept(staff_client, session, name, value,
                                                                          message):
    data = {**GOOD, "expiry_days": "45", name: value}
    response = submit(staff_client, URL, data)
    assert response.status_code == 422
    page = text(response)
    assert f'<p class="field__error" id="{name}-error">{message}</p>' in page
    assert f'name="{name}" type="text" value="{value}"' in page  # what was typed stays
    other = "confirm_reminder_days" if name != "confirm_reminder_days" else "allowance"
    assert f'name="{other}" type="text" value="{data[other]}"' in page
    assert session.get(ExpertProgrammeSettings, 1) is None


def test_only_staff_may_open_it(app, session, staff_client):
    owner_client = app.test_client()
    signed_in_owner(owner_client, session, email="owner@example.jp")
    assert owner_client.get(URL).status_code == 403
    assert app.test_client().get(URL).status_code in (302, 303)


def test_the_allowance_on_the_request_form_follows_the_stored_settings(app, session, staff_client):
    owner_client = app.test_client()
    signed_in_owner(owner_client, session, email="owner@example.jp")
    assert "資金繰り：残り3回（3回まで）" in text(owner_client.get("/expert-requests/new"))
    submit(staff_client, URL, GOOD)
    page = text(owner_client.get("/expert-requests/new"))
    assert "資金繰り：残り2回（2回まで）" in page and "IT・DX：残り4回（4回まで）" in page


def test_the_reminders_follow_the_stored_days(app, session, clock, staff_client):
    owner = make_account(session, "owner@example.jp")
    from tests.business_factories import make_business

    business = make_business(session, owner)
    agency = make_agency(session)
    supporter = make_account(session, "shien@example.jp", role=Role.SUPPORTER)
    store.add_agency_member(session, agency, supporter)
    request = new_draft(session, business, owner)
    request.themes, request.agency_id = ["cash"], agency.id
    move(session, request, S_SENT(), BUSINESS, owner)
    session.commit()
    submit(staff_client, URL, GOOD)  # reminders at 2 and 9 days, expiry at 30
    clock.advance(days=2)
    from portal.models import ExpertRequestReminder

    with app.app_context():
        send_reminders(session)
    assert session.scalars(select(ExpertRequestReminder.kind)).all() == ["agency_2"]
    clock.advance(days=28)
    with app.app_context():
        send_reminders(session)
    session.expire_all()
    assert session.get(ExpertRequest, request.id).state.value == "expired"


def S_SENT():  # noqa: N802
    from portal.models import RequestState

    return RequestState.SENT
