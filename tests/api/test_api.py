from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.core.models import Role, RoleAssignment
from dangbo.core.text import mask_id_number
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


def _api_for(user) -> APIClient:
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_member_id_numbers_follow_view_identity_per_row_and_reads_are_logged(tree):
    """A district-level role seeing identities only on cell_a: full numbers there, masked in
    cell_b; every list page and every record read is one access entry (token auth)."""
    role = Role.objects.create(
        code="xem_so_a", name="Xem số", permissions=["members.view_identity"]
    )
    user = factories.user(role_code="viewer", on=tree["committee"])
    RoleAssignment.objects.create(user=user, role=role, organization=tree["cell_a"])
    client = _api_for(user)
    before = LogEntry.objects.filter(actor=user).count()
    rows = {r["id"]: r["id_number"] for r in client.get("/api/v1/members/").json()["results"]}
    for member in tree["members_a"]:
        assert rows[member.pk] == member.id_number
    hidden = tree["members_b"][0]
    assert rows[hidden.pk] == mask_id_number(hidden.id_number)
    listing = LogEntry.objects.filter(actor=user, action=LogEntry.Action.ACCESS).latest("id")
    assert listing.additional_data["list"] and listing.additional_data["rows"] == 4
    assert client.get(f"/api/v1/members/{hidden.pk}/").json()["id_number"].startswith("*")
    record = LogEntry.objects.filter(actor=user).latest("id")
    assert (record.object_id, record.action) == (hidden.pk, LogEntry.Action.ACCESS)
    client.get("/api/v1/disciplines/", {"member": hidden.pk})  # other personal records too
    assert LogEntry.objects.filter(actor=user).count() == before + 3
    client.get("/api/v1/organizations/")  # org-level data: not logged
    assert LogEntry.objects.filter(actor=user).count() == before + 3


def test_only_a_user_who_sees_the_number_may_clear_it(tree):
    member = tree["members_a"][0]
    secretary = _api_for(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    url = f"/api/v1/members/{member.pk}/"

    def version():
        return secretary.get(url).json()["version"]

    response = secretary.patch(
        url, {"id_number": "", "reason": "Nhầm", "version": version()}, format="json"
    )
    assert response.status_code == 400 and "id_number" in response.json()
    response = secretary.patch(
        url, {"id_number": "079190000222", "reason": "Sai số", "version": version()}, format="json"
    )
    assert response.status_code == 200 and response.json()["id_number"] == "*********222"
    admin = _api_for(factories.user(is_superuser=True))
    response = admin.patch(
        url, {"id_number": "", "reason": "Xóa", "version": version()}, format="json"
    )
    assert response.status_code == 200
