"""Property-based tests of the JSON API against its own OpenAPI document (schemathesis): every
operation, fed generated input with a police key of the commune, never answers 5xx and never
answers outside what /api/openapi.json declares (status, content type, body). Bounded: a fixed
number of examples per operation, derandomized, so a run takes the same time and finds the same."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.tests.test_police_keys import create_key
from canhgiac.testing import create_report
from canhgiac.wsgi import application

EXAMPLES_PER_OPERATION = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def in_process(db):
    """The project's WSGI application is called in-process, inside the test's transaction: like
    Django's test client, its requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def police_key(world, in_process):
    create_report(world.resident, world.rg)
    create_report(None, world.rg, visibility="anonymous")
    return create_key("--name", "schemathesis", "--unit", world.commune.code, "--police")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(case, police_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {police_key}"}, checks=CHECKS)


def test_text_with_a_null_character_is_refused_with_a_400_and_never_reaches_the_database(police_key, client, world):
    """What schemathesis found on PostgreSQL: a NUL in a merge target failed with a 500 when the
    API key's use was audited (PostgreSQL cannot store it)."""
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {police_key}"}
    code = create_report(world.resident, world.rg).report.receipt_code
    merge = client.post(f"/api/reports/{code}/merge", {"into": "CG-\x00"}, content_type="application/json", **bearer)
    search = client.get("/api/reports", {"q": "trộm\x00"}, **bearer)
    assert (merge.status_code, search.status_code) == (400, 400)
    assert merge.json()["detail"] == "Không được dùng ký tự rỗng (NUL)."
