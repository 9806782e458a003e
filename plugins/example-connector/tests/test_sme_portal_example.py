"""The example connector on its own: sandbox data, the live client's answers and errors, its shape.

Run from this folder with the portal's environment: `../../.venv/bin/python -m pytest`.
The live client is given a stub HTTP client, as the portal would give it its own.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from portal.connector_registry import connector_problems
from portal.sdk import AuthExpired, ConnectorError, Credentials, FetchContext, HttpResponse, RateLimited, UpstreamError
from sme_portal_example import register_connectors
from sme_portal_example.connector import ChamberMembersConnector


class StubHttp:
    """Answers every GET with one canned response and remembers what was asked."""

    def __init__(self, status: int = 200, body: object = None, raw: bytes | None = None, headers=None):
        content = raw if raw is not None else json.dumps(body).encode()
        self.response = HttpResponse(status, {"Content-Type": "application/json", **(headers or {})}, content)
        self.calls: list[tuple[str, dict]] = []

    def get(self, url, params=None, headers=None):
        self.calls.append((url, dict(headers or {})))
        return self.response


def fetch(corporate_number="7123456789012", mode="sandbox", http=None, api_key="key-1"):
    context = FetchContext(corporate_number=corporate_number, mode=mode, http=http or StubHttp(),
                           today=date(2026, 4, 1), credentials=Credentials(fields={"api_key": api_key}),
                           settings={"base_url": "http://127.0.0.1:9/v1"})
    return list(ChamberMembersConnector().fetch(context))


def test_the_connector_passes_the_portals_checks():
    offered = []
    register_connectors(register=offered.append)
    assert offered == [ChamberMembersConnector]
    assert connector_problems(ChamberMembersConnector) == []


def test_sandbox_answers_from_the_fixture():
    [profile] = fetch()
    assert profile.name == "さくら精機株式会社" and profile.capital == 30_000_000
    assert profile.established_on == date(1987, 4, 1) and profile.representative_name == "桜井 花子"


def test_sandbox_is_deterministic_for_an_unknown_number():
    assert fetch("4000012090001") == fetch("4000012090001")
    assert fetch("4000012090001")[0].corporate_number == "4000012090001"


def test_live_client_reads_the_member_with_the_api_key():
    http = StubHttp(body={"member": {"name": "見本工業株式会社", "capital_yen": 5_000_000}})
    [profile] = fetch(mode="live", http=http)
    assert profile.name == "見本工業株式会社" and profile.capital == 5_000_000
    assert profile.address is None  # not given: the portal keeps what it has
    assert http.calls == [("http://127.0.0.1:9/v1/members/7123456789012", {"X-Api-Key": "key-1"})]


@pytest.mark.parametrize("http, error", [
    (StubHttp(401, {}), AuthExpired),
    (StubHttp(429, {}, headers={"Retry-After": "30"}), RateLimited),
    (StubHttp(500, {}), UpstreamError),
    (StubHttp(200, raw=b"<html>"), UpstreamError),
    (StubHttp(200, {"member": {"capital_yen": "3億円"}}), UpstreamError),
    (StubHttp(404, {}), ConnectorError),
])
def test_live_client_turns_failures_into_sdk_errors(http, error):
    with pytest.raises(error) as raised:
        fetch(mode="live", http=http)
    assert raised.value.message  # a Japanese sentence for マイページ


def test_live_client_without_a_key_asks_to_link_again():
    with pytest.raises(AuthExpired):
        fetch(mode="live", api_key="")
