"""What the host does when a live sync fails for its own reasons: an expired OAuth token is
refreshed (the connector never sees the refresh token or the client secret) and the fetch retried
once; a rate-limited fetch is retried after its Retry-After, capped and bounded. Run against the
real freee connector and a local authorization server + freee API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from portal import clock
from portal.linking import due_connections, link, pending_changes, run_sync
from portal.linking import services as linking_services
from portal.linking.crypto import decrypt_credentials
from portal.linking.oauth import token_credentials
from portal.models import ConnectionState, SyncOutcome
from portal.sdk import AuthExpired, RateLimited
from tests.business_factories import make_account, make_business
from tests.unit.linking.fake_oauth import CLIENT_SECRET, running_freee

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

TODAY = date(2025, 6, 15)


@pytest.fixture
def fake(app):
    with running_freee() as server:
        app.config["CONNECTOR_SETTINGS"] = {"freee": server.settings()}
        app.config["SYNC_RETRY_MAX_WAIT"] = 0
        yield server


@pytest.fixture
def business(session):
    return make_business(session, make_account(session), corporate_number="7123456789012", name="株式会社みなと製作所")


def linked(session, business, fake, **token):
    credentials = token_credentials(fake.issue())
    credentials.update(token)
    connection = link(session, business, "freee", "live", credentials)
    session.commit()
    return connection, credentials


def stored(app, connection) -> dict[str, str]:
    return decrypt_credentials(app.config, connection.credentials)


def test_a_401_is_answered_by_refreshing_once_and_the_rotated_tokens_are_stored_encrypted(app, session, business,
                                                                                            fake):
    connection, first = linked(session, business, fake)
    fake.revoke_access()
    run = run_sync(session, app, connection, TODAY)
    session.commit()
    assert run.outcome is SyncOutcome.OK and connection.state is ConnectionState.LINKED
    renewed = stored(app, connection)
    assert renewed["access_token"] in fake.access_tokens and renewed["refresh_token"] in fake.refresh_tokens
    assert renewed["refresh_token"] != first["refresh_token"] and first["refresh_token"] not in fake.refresh_tokens
    for secret in (renewed["access_token"], renewed["refresh_token"], CLIENT_SECRET):
        assert secret.encode() not in connection.credentials
    assert [r["grant_type"] for r in fake.token_requests] == ["refresh_token"]
    # the API saw only access tokens: one refused, then the new one
    headers = [header for _path, header in fake.api_requests]
    assert headers[0] == f"Bearer {first['access_token']}"
    assert set(headers[1:]) == {f"Bearer {renewed['access_token']}"}
    assert not any(first["refresh_token"] in h or CLIENT_SECRET in h for h in headers)
    assert {c.field for c in pending_changes(session, business)} >= {"net_sales", "total_assets"}


def test_a_passed_expiry_is_refreshed_before_the_fetch(app, session, business, fake):
    connection, first = linked(session, business, fake, expires_at=str(int(clock.timestamp()) - 5))
    run = run_sync(session, app, connection, TODAY)
    assert run.outcome is SyncOutcome.OK
    assert len(fake.token_requests) == 1
    assert all(header != f"Bearer {first['access_token']}" for _path, header in fake.api_requests)


def test_a_failed_refresh_puts_the_connection_in_error_asking_to_link_again(app, session, business, fake):
    connection, first = linked(session, business, fake)
    fake.revoke_access()
    fake.fail_refresh = True
    run = run_sync(session, app, connection, TODAY)
    session.commit()
    assert run.outcome is SyncOutcome.ERROR and connection.state is ConnectionState.ERROR
    assert "freee会計の認証の有効期限が切れ" in connection.last_error and "もう一度連携してください" in connection.last_error
    assert stored(app, connection) == first  # nothing half-written
    assert pending_changes(session, business) == []


def test_a_refreshed_token_refused_again_is_not_refreshed_twice(app, session, business, fake, monkeypatch):
    connection, _first = linked(session, business, fake)
    fake.revoke_access()
    real_issue = fake.issue

    def issue_but_not_for_the_api():
        tokens = real_issue()
        fake.access_tokens.discard(tokens["access_token"])
        return tokens

    monkeypatch.setattr(fake, "issue", issue_but_not_for_the_api)
    run = run_sync(session, app, connection, TODAY)
    assert run.outcome is SyncOutcome.ERROR and run.error == AuthExpired.default_message
    assert len(fake.token_requests) == 1


def test_without_a_configured_client_there_is_no_refresh(app, session, business, fake):
    connection, _first = linked(session, business, fake)
    app.config["CONNECTOR_SETTINGS"] = {"freee": {"freee_base_url": fake.base_url}}
    fake.revoke_access()
    run = run_sync(session, app, connection, TODAY)
    assert run.outcome is SyncOutcome.ERROR and run.error == AuthExpired.default_message
    assert fake.token_requests == []


@pytest.mark.parametrize("limited, outcome", [(2, SyncOutcome.OK), (3, SyncOutcome.ERROR)])
def test_rate_limits_are_waited_out_a_bounded_number_of_times(app, session, business, fake, monkeypatch,
                                                              limited, outcome):
    connection, _first = linked(session, business, fake)
    fake.rate_limited, fake.retry_after = limited, "7"
    app.config["SYNC_RETRY_MAX_WAIT"] = 5
    pauses: list[float] = []
    monkeypatch.setattr(linking_services.time, "sleep", pauses.append)
    run = run_sync(session, app, connection, TODAY)
    assert run.outcome is outcome
    assert pauses == [5, 5]  # Retry-After 7 s, capped at 5; two retries at most
    if outcome is SyncOutcome.ERROR:
        assert run.error == RateLimited.default_message and connection.state is ConnectionState.ERROR
    else:
        assert len(fake.api_requests) == 2 + 3  # two refused calls, then companies, trial_bs, trial_pl


def test_a_short_retry_after_is_waited_as_given(app, session, business, fake, monkeypatch):
    connection, _first = linked(session, business, fake)
    fake.rate_limited, fake.retry_after = 1, "2"
    app.config["SYNC_RETRY_MAX_WAIT"] = 30
    pauses: list[float] = []
    monkeypatch.setattr(linking_services.time, "sleep", pauses.append)
    assert run_sync(session, app, connection, TODAY).outcome is SyncOutcome.OK
    assert pauses == [2]


def test_the_connector_is_never_handed_the_oauth_client(app, fake):
    app.config["CONNECTOR_SETTINGS"] = {"freee": fake.settings(), "shared": "x"}
    settings = linking_services.connector_settings(app, "freee")
    assert settings == {"freee_base_url": fake.base_url, "shared": "x"}


def test_a_live_file_upload_connection_is_never_due(app, session, business):
    etax = link(session, business, "etax", "live", {})
    sandbox = make_business(session, make_account(session), corporate_number="4000012090001", name="別会社")
    etax_sandbox = link(session, sandbox, "etax", "sandbox", {})
    session.commit()
    assert due_connections(session, clock.now()) == [etax_sandbox]
    assert etax.state is ConnectionState.LINKED
