"""Every operation of the OpenAPI schema (/api/schema/, written by drf-spectacular) called with requests schemathesis
draws from it, valid and invalid, a bounded number per operation: no answer is a server error (5xx), and every answer
is one the schema documents (its status code, content type, headers and body).

The calls go to the Django WSGI application in this process, against the test database holding the demo data of
`make run` (tests/site_pages.py `site_data`), as an administrator (token authentication) who may call every
operation; an officer's token is the other caller. Everything they write is rolled back with each test.
"""

from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.site_pages import site_data

pytestmark = pytest.mark.django_db

# Examples per operation: enough to reach each operation's refusals and a few of its successes, few enough that the
# whole schema runs in well under a minute.
EXAMPLES_PER_OPERATION = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def callers(django_db_setup, django_db_blocker):
    """The demo data and a token for an administrator and an officer, built once for the module and removed
    afterwards. Requests reach the application as they do in production (a WSGI call, not Django's test client),
    so the signal that closes the database connection after each request is held off: it would end the test's
    transaction."""
    from horgos.services import api_token_issue_personal

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        connection.set_autocommit(False)
        try:
            data = site_data()
            yield SimpleNamespace(
                data=data,
                tokens={
                    role: api_token_issue_personal(user=data.users[role], acting_user=data.users[role]).secret
                    for role in ("administrator", "officer")
                },
            )
        finally:
            connection.rollback()
            connection.set_autocommit(True)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


# Drawn requests only (and the schema's own examples): not the coverage phase, which sends every boundary case of
# every parameter and would take minutes. A fixed seed: the same requests on every run.
CONFIG = SchemathesisConfig.from_dict({"seed": 13, "phases": {"coverage": {"enabled": False}}})
# Read when the tests are collected: the schema view reads no table.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), config=CONFIG)


def _call_and_check(case, token: str) -> None:
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_as_its_schema_says_to_an_administrator(case, callers):
    _call_and_check(case, callers.tokens["administrator"])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION // 4,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_answers_as_its_schema_says_to_an_officer(case, callers):
    # Fewer requests: most of an administrator's operations are refused to an officer before their input is read.
    _call_and_check(case, callers.tokens["officer"])
