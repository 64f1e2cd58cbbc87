"""Schemathesis over both OpenAPI documents: bounded, seeded, with user and operator tokens.

Every operation of the job seekers' and the operators' API is fuzzed through the function's
own functions-framework app (the code Cloud Run serves) with schemathesis' checks: no server
error, only documented statuses, content types and bodies that match their schemas, and
schema-valid requests accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shared import bootstrap
from shared.config import Settings
from shared.localstack.function_feed import create_function_app
from shared.localstack.stack import FUNCTIONS_DIR
from shared.topology import TOPOLOGY
from tests.support.stack_app import StackApp, stack_app

# Cross-field rules JSON Schema cannot state (one of three fields, a sort a filter needs, a
# salary minimum not above its maximum): a schema-valid body may still be refused with 422.
# Every other check still runs on these operations; the list only names known exceptions.
CROSS_FIELD_RULES = {
    "POST /notebook": "exactly one of offer_id, posting or url; an absolute http(s) url",
    "GET /notebook": "min_score needs sort=score",
    "POST /job-sources/runs/{run_id}/complete": "an offer's salary minimum is not above its maximum",
    # Values only the server can make or judge: a one-time code, a password's strength.
    "POST /auth/email:verify": "the code must be one the server sent",
    "POST /auth/sign-up": "password strength rules beyond the schema's length",
}

# Bounded: a few examples per operation and role keep the whole run well under two minutes.
EXAMPLES = 12
SEED = 20261203


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackApp]:
    root = tmp_path_factory.mktemp("fuzz")
    settings = Settings(backend="local", environment="test", data_dir=root / "data")
    with stack_app(settings) as s:
        yield s


@pytest.fixture(autouse=True)
def _installed(stack: StackApp) -> None:
    """The module's stack as the process container in every test (the root conftest clears it)."""
    bootstrap.install(stack.container)


def _describe(label: str, err: BaseException, response: Any) -> str:
    subs = err.exceptions if isinstance(err, BaseExceptionGroup) else (err,)
    what = "; ".join(f"{type(e).__name__}: {' '.join(str(e).split())[:200]}" for e in subs)
    body = response.text[:300] if response is not None else ""
    return f"{label}: {what} -> {body}"


def _fuzz(operation: Any, headers: dict[str, str]) -> list[str]:
    """Failures of one operation, deduplicated (empty when every check holds)."""
    found: list[str] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.seed(SEED)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = None
        try:
            response = case.call(headers=headers)
            # A cursor is opaque: the schema gives its alphabet, but only the server mints
            # valid ones, so a generated cursor is rightly refused (422, documented).
            loose = (case.query or {}).get("cursor") or operation.label in CROSS_FIELD_RULES
            excluded = [positive_data_acceptance] if loose else []
            case.validate_response(response, headers=headers, excluded_checks=excluded)
        except (Exception, BaseExceptionGroup) as err:  # collected: one report names every failure
            text = _describe(operation.label, err, response)
            if text not in found:
                found.append(text)

    run()
    return found


@pytest.mark.parametrize("function", ["api", "ops"])
@pytest.mark.parametrize("role", ["user", "operator"])
def test_every_operation_holds_schemathesis_checks(stack: StackApp, function: str, role: str) -> None:
    app = create_function_app(FUNCTIONS_DIR, TOPOLOGY.function(function), "http")
    headers = stack.bearer(f"fuzz-{role}", operator=role == "operator")
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)

    failures = [f for result in schema.get_all_operations() for f in _fuzz(result.ok(), headers)]

    assert not failures, "\n".join(failures)
