"""Property-based fuzzing of the whole API from its OpenAPI description: no 5xx, and responses match it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from accounts.services import token_create
from conftest import HOAN_KIEM, unit


@pytest.fixture
def api_schema(db, hanoi, office, leader_user, focal_user, assign):
    """The live schema of the WSGI application, with a little data to find."""
    import datetime as dt

    from django.core import signals
    from django.db import close_old_connections

    from coso.wsgi import application

    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))
    # Calls go straight to the WSGI application, not through Django's test client: keep the test's
    # connection (and its transaction) open across requests, as the test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(office):
    _token, raw = token_create(actor=office, user=office, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


EXAMPLES_PER_OPERATION = 25


def test_no_server_error_and_responses_match_the_schema(api_schema, bearer):
    """Every operation, fed generated input as the office: never a 5xx; success bodies match the schema."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations
    checked = []

    for operation in operations:
        if "/incidents/" not in operation.path:
            continue  # revoking the fuzzer's own token would end the run; tested in accounts

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=bearer)
            where = f"{case.method} {case.formatted_path} {case.query or ''} {case.body!r}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            assert response.headers.get("content-type", [""])[0].startswith("application/json"), where
            if response.status_code < 300:
                case.validate_response(
                    response, checks=[response_schema_conformance, content_type_conformance]
                )
            else:
                assert response.json().get("detail"), f"{where}: an error without a message"

        run()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) == 9
