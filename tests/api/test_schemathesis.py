"""Schema fuzzing: schemathesis drives every /api/v1/ operation through the Django WSGI app
with a token, on bounded examples: no 5xx, and responses conform to the OpenAPI schema.

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
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests import factories

TOKEN = "5c4e1d3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d"
AUTH = {"Authorization": f"Token {TOKEN}"}
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


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


@schema.parametrize()
@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(headers=AUTH, checks=CHECKS)
