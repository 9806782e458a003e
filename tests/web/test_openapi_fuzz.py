"""Schemathesis against /api/v1/openapi.json, on SQLite and PostgreSQL: every operation, the public
ones and the once-only API with a real access token, with a bounded number of generated requests
each (`MAX_EXAMPLES`, derandomized so a run is repeatable), in both of its modes: requests the
schema describes (positive) and requests it does not (negative). It fails on any 5xx, any answer that does
not match its schema, a request the schema describes that is refused, a request it does not
describe that is accepted, and a 405 without `Allow` — so the OpenAPI file stays precise enough
for a fuzzer (and a client) to reach the ロカベン calculation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal import store
from tests.business_factories import signed_in_owner
from tests.factories import add_cases, add_supports, case_record, support_record
from tests.oauth_helpers import bearer, https_client, make_site, tokens_for
from tests.web.test_benchmark_pages import BAKERY, save

MAX_EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", 25))


@pytest.fixture
def api_token(app, session) -> str:
    """A business with data of every section, and an access token of a site it consented to."""
    for name in ("API_RATE_LIMIT", "OAUTH_API_RATE_LIMIT"):
        app.config[name] = "100000 per minute"
    add_supports(session, support_record("ものづくり補助金（試験）", application_url="https://shinsei.example.jp/apply"),
                 support_record("事業承継の相談（試験）"))
    add_cases(session, case_record("試作の事例", supports=["ものづくり補助金（試験）"]))
    web = https_client(app)
    user, business = signed_in_owner(web, session, "fuzz@example.jp", name="株式会社ふぁず工房", prefecture="13",
                                     capital="10,000,000")
    store.add_period(session, business, {"period_end": "2025-03-31", "months": 12, "net_sales": "120,000,000"},
                     store.MANUAL, user)
    store.add_officer(session, business, {"title": "取締役", "name": "佐藤 一郎"}, store.MANUAL, user)
    store.add_office(session, business, {"name": "本社", "prefecture": "13"}, store.MANUAL, user)
    session.commit()
    save(web, BAKERY)
    return tokens_for(web, make_site(session))["access_token"]


def fuzz_operation(operation, mode: GenerationMode, token: str) -> str | None:
    """Runs `MAX_EXAMPLES` generated requests against one operation; the failure, shrunk, or None."""

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=bearer(token))

    try:
        run()
    except Unsatisfiable:
        return None  # nothing to get wrong: no parameters or body (GET /me/business in negative mode)
    except Exception as failure:  # noqa: BLE001  (each operation is reported, then the test fails once)
        return f"{operation.label} ({mode.value}): {failure}"
    return None


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation_keeps_to_its_openapi_description(app, api_token, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"GET /supports", "POST /benchmark", "GET /me/business"}
    failures = [problem for op in operations if (problem := fuzz_operation(op, mode, api_token))]
    assert not failures, "\n\n".join(failures)
