from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_inspections_api_restricted(tree, concluded, officer, outsider):
    data = _client(officer).get("/api/v1/inspections/").json()
    assert [row["id"] for row in data["results"]] == [concluded.pk]
    assert len(data["results"][0]["remedies"]) == 2
    assert _client(outsider).get(f"/api/v1/inspections/{concluded.pk}/").status_code == 404
    assert _client(outsider).get("/api/v1/inspection-remedies/").json()["count"] == 0
    assert _client(officer).get("/api/v1/inspection-remedies/?overdue=true").json()["count"] == 1
    assert _client(officer).get("/api/v1/inspection-programmes/").json()["count"] == 1


def test_anonymous_refused(client, concluded):
    for url in ["/api/v1/inspections/", "/api/v1/inspection-cases/", "/api/v1/org-disciplines/"]:
        assert client.get(url).status_code in (401, 403)


def test_viewer_sees_nothing(tree, concluded):
    viewer = factories.user(role_code="viewer", on=tree["province"])
    assert _client(viewer).get("/api/v1/inspections/").json()["count"] == 0


def test_schema_lists_inspection_endpoints(admin_client):
    body = admin_client.get("/api/v1/schema/").content
    assert b"/api/v1/inspections/" in body and b"/api/v1/discipline-appeals/" in body
