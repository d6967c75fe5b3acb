"""Schemathesis against the served OpenAPI schema: every operation, on SQLite and PostgreSQL.

Every response must be a documented status code with the documented content type, headers and
body, and never a server error. First each operation on its own (examples, boundary and
negative coverage cases, then random fuzzing); then stateful scenarios that chain operations
through the links schemathesis infers (create a run, then patch it and send its metrics; store a
trace, then score, read and delete it).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.errors import Flaky
from schemathesis import Case, Response
from schemathesis.engine.errors import is_inconsistent_replay

from tests.fuzz.conftest import (
    EXAMPLES,
    MIN_REQUESTS_IN_TOTAL,
    SEED,
    STATEFUL_SCENARIOS,
    FuzzServer,
    FuzzStats,
    openapi_schema,
)

# Two real servers and hundreds of generated requests.
pytestmark = pytest.mark.slow

schema = openapi_schema()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation(case: Case[Any], fuzz_server: FuzzServer, fuzz_stats: FuzzStats) -> None:
    fuzz_stats.count(fuzz_server.dialect, "operations")
    case.call_and_validate(base_url=fuzz_server.base_url, headers=fuzz_server.headers)


def test_stateful(fuzz_server: FuzzServer, fuzz_stats: FuzzStats) -> None:
    machine = schema.as_state_machine()
    failures: list[BaseException] = []

    class CountingMachine(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": fuzz_server.base_url, "headers": fuzz_server.headers}

        def call(self, case: Case[Any], **kwargs: Any) -> Response:
            fuzz_stats.count(fuzz_server.dialect, "stateful")
            return super().call(case, **kwargs)  # type: ignore[no-any-return]

        def validate_response(self, response: Response, case: Case[Any], **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, **kwargs)
            except Exception as exc:
                failures.append(exc)
                raise

    hypothesis_settings = settings(
        max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=12,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=list(HealthCheck),
    )
    for attempt in range(1, 4):
        try:
            CountingMachine.run(settings=hypothesis_settings)
            return
        except Exception as exc:
            if not (isinstance(exc, Flaky) or is_inconsistent_replay(exc)):
                raise
            # Schemathesis adapts its stateful generation to the responses it has seen, so
            # Hypothesis may fail to replay a scenario. As schemathesis' own runner does, report
            # the first wrong answer the API gave; with none, run the scenarios again.
            if failures:
                raise failures[0] from None
            where = f"{fuzz_server.dialect}: stateful attempt {attempt}"
            fuzz_stats.note(f"{where} cut short ({type(exc).__name__})")


def test_without_the_key_every_operation_is_a_documented_401(fuzz_server: FuzzServer) -> None:
    if fuzz_server.api_key is None:
        pytest.skip("this server has no API key")
    operations = schema.raw_schema["paths"]
    checked = 0
    for path, methods in operations.items():
        url = fuzz_server.base_url + re.sub(r"\{[^}]+\}", str(uuid.UUID(int=1)), path)
        for method, operation in methods.items():
            response = httpx.request(method, url, timeout=10)
            if path == "/api/health":
                assert response.status_code == 200
                continue
            assert response.status_code == 401, (method, path, response.text)
            assert "401" in operation["responses"], f"{method.upper()} {path}: 401 undocumented"
            assert set(response.json()["error"]) == {"code", "message", "details"}
            checked += 1
    assert checked == sum(len(m) for m in operations.values()) - 1


def test_request_budget(fuzz_stats: FuzzStats) -> None:
    """`make test` sends at least MIN_REQUESTS_IN_TOTAL generated requests (both databases)."""
    ran = {(d, t) for d, per_test in fuzz_stats.requests.items() for t in per_test}
    wanted = {(d, t) for d in ("sqlite", "postgresql") for t in ("operations", "stateful")}
    if not wanted <= ran:
        pytest.skip(f"the budget is measured over a full run of this module (ran: {sorted(ran)})")
    assert fuzz_stats.total() >= MIN_REQUESTS_IN_TOTAL, (
        f"only {fuzz_stats.total()} requests with {EXAMPLES} examples per operation and "
        f"{STATEFUL_SCENARIOS} stateful scenarios: raise TUNIX_RT_FUZZ_EXAMPLES"
    )
