"""`portal.sdk`, the only module a connector imports: what it gives and what it refuses."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError, fields
from datetime import date

import pytest

from portal.sdk import (
    AuthExpired,
    ConnectorError,
    Credentials,
    FinancialPeriodRecord,
    HttpResponse,
    ProfileRecord,
    RateLimited,
    Section,
    ShareholderRecord,
    UpstreamError,
    field_labels,
)


def test_sdk_imports_neither_flask_nor_the_database():
    code = "import sys, portal.sdk; print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize("status, headers, error", [
    (401, {}, AuthExpired), (429, {"Retry-After": "120"}, RateLimited), (500, {}, UpstreamError),
    (503, {}, UpstreamError), (400, {}, ConnectorError),
])
def test_statuses_map_to_sdk_errors_with_a_japanese_message(status, headers, error):
    with pytest.raises(error) as raised:
        HttpResponse(status, headers, b"{}").raise_for_status()
    assert raised.value.message and raised.value.message.isascii() is False
    if error is RateLimited:
        assert raised.value.retry_after == 120.0


def test_a_retry_after_date_leaves_the_back_off_to_the_host():
    with pytest.raises(RateLimited) as raised:
        HttpResponse(429, {"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, b"").raise_for_status()
    assert raised.value.retry_after is None


def test_response_body_as_text_and_json():
    body = '{"name": "さくら"}'.encode("shift_jis")
    response = HttpResponse(200, {"Content-Type": "application/json; charset=Shift_JIS"}, body)
    assert response.raise_for_status() is response
    assert response.json() == {"name": "さくら"} and response.header("content-type").startswith("application/json")
    with pytest.raises(UpstreamError):
        HttpResponse(200, {}, b"{not json").json()


def test_credentials_never_carry_a_refresh_token():
    with pytest.raises(ValueError):
        Credentials(fields={"refresh_token": "r"})
    assert Credentials(access_token="a").require() == "a"
    with pytest.raises(AuthExpired):
        Credentials().require("api_key")


def test_amounts_are_integer_yen_never_floats():
    with pytest.raises(TypeError, match="売上高"):
        FinancialPeriodRecord(period_end=date(2025, 3, 31), net_sales=1.5)
    with pytest.raises(TypeError):
        ProfileRecord(capital=True)
    assert FinancialPeriodRecord(period_end=date(2025, 3, 31), net_income=-12_000).net_income == -12_000


def test_records_are_frozen_and_know_their_section_key_and_labels():
    record = FinancialPeriodRecord(period_end=date(2025, 3, 31))
    with pytest.raises(FrozenInstanceError):
        record.sales = 1  # type: ignore[misc]
    assert record.section is Section.FINANCIALS and record.key == (date(2025, 3, 31),)
    assert ShareholderRecord(name="桜井 花子").key == ("桜井 花子",)
    labels = field_labels(FinancialPeriodRecord)
    assert labels["period_end"] == "決算年月日" and labels["net_income"] == "当期純利益"
    assert list(labels) == [f.name for f in fields(FinancialPeriodRecord)]  # every field has its label
