from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories


def test_schema_is_served(admin_client, tree):
    response = admin_client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/members/" in response.content


def test_members_api_restricted_and_masked(tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    token = Token.objects.create(user=secretary)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    data = client.get("/api/v1/members/").json()
    names = {row["full_name"] for row in data["results"]}
    assert names == {"Nguyễn Văn Bình", "Trần Thị Hằng", "Lê Đức Anh"}
    assert all(row["id_number"].startswith("*") for row in data["results"])
    outside = tree["members_b"][0].pk
    assert client.get(f"/api/v1/members/{outside}/").status_code == 404


def test_anonymous_is_refused(client, tree):
    assert client.get("/api/v1/members/").status_code in (401, 403)


def test_organizations_api_parent_ids(admin_client, tree):
    rows = admin_client.get("/api/v1/organizations/", {"depth": 2}).json()["results"]
    assert {r["parent"] for r in rows} == {tree["province"].pk}


def test_docs_use_local_assets(admin_client):
    body = admin_client.get("/api/v1/docs/").content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body
