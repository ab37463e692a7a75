"""Schema fuzzing: schemathesis drives every /api/v1/ operation through the Django WSGI app
with a token: no 5xx, and responses conform to the OpenAPI schema.

Each operation is its own pytest test (`test_operation[GET /api/v1/members/]`), fed by
`operation.as_strategy()` under `@given`: schemathesis' own parametrize decorator gives all
its items one node id under pytest 9 (it passes the bare function name as `originalname`), so
xdist kept one of them and CI fuzzed a single operation. Each operation gets EXAMPLES cases,
drawn from schema-valid (positive) and invalid (negative: wrong types, out-of-range values,
missing fields) data, which is what finds the 500s on odd input.

The schema is the one /api/v1/schema/ serves (same generator; test_served_schema_is_fuzzed
checks they match), built at import because schemathesis' fixture loader does not support
pytest 9 yet.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests import factories

TOKEN = "5c4e1d3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d"
AUTH = {"Authorization": f"Token {TOKEN}"}
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Cases per operation: the whole fuzz (~175 operations) stays within a few minutes on 2 cores.
EXAMPLES = 30


def _spec() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Like Django's test client: the WSGI app must not close the connection that holds the
    test's transaction (PostgreSQL, CONN_MAX_AGE) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def api_user(tree):
    """A province administrator with a token, on the test tree (data for the examples)."""
    admin = factories.user("fuzz_admin", role_code="province_admin", on=tree["province"])
    Token.objects.create(user=admin, key=TOKEN)
    return admin


def test_served_schema_is_fuzzed(client):
    served = client.get(reverse("api-schema"), {"format": "json"}, headers=AUTH)
    assert served.status_code == 200
    assert json.loads(served.content)["paths"].keys() == SPEC["paths"].keys()


def _operations() -> dict:
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # a schema error fails the collection, loudly
        operations[operation.label] = operation
    return operations


OPERATIONS = _operations()


def test_every_operation_is_fuzzed():
    methods = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}
    documented = sum(1 for item in SPEC["paths"].values() for name in item if name in methods)
    assert len(OPERATIONS) == documented > 150


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation(label):
    operation = OPERATIONS[label]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def fuzz(case):
        case.call_and_validate(headers=AUTH, checks=CHECKS)

    fuzz()
