"""Writes through the API go through the services: DomainError → 400 naming the field."""

from rest_framework.test import APIClient

from dangbo.members.models import Member, MemberEvent
from tests import factories


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


MEMBER = {
    "full_name": "Võ Thị Mai",
    "gender": "F",
    "birth_date": "1990-03-15",
    "admitted_on": "2015-02-03",
    "id_number": "079190000111",
}


def test_create_member_through_the_service(tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    response = _client(secretary).post(
        "/api/v1/members/", {**MEMBER, "organization": tree["cell_a"].pk}, format="json"
    )
    assert response.status_code == 201, response.content
    member = Member.objects.get(full_name="Võ Thị Mai")
    assert response.json()["id"] == member.pk and member.status == "probationary"
    assert member.events.filter(kind=MemberEvent.Kind.REGISTERED).exists()


def test_bad_member_data_answers_400_with_the_field(tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client = _client(secretary)
    response = client.post(
        "/api/v1/members/",
        {**MEMBER, "birth_date": "2012-03-15", "organization": tree["cell_a"].pk},
        format="json",
    )
    assert response.json() == {"admitted_on": ["Ngày vào Đảng phải khi đã đủ 18 tuổi."]}
    # Outside the subtree, the org is not a valid choice.
    response = client.post(
        "/api/v1/members/", {**MEMBER, "organization": tree["village"].pk}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()
    assert not Member.objects.filter(full_name="Võ Thị Mai").exists()


def test_correct_and_change_status(tree):
    officer = factories.user(role_code="org_board_officer", on=tree["committee"])
    client = _client(officer)
    member = tree["members_a"][2]  # probationary
    version = client.get(f"/api/v1/members/{member.pk}/").json()["version"]
    response = client.patch(
        f"/api/v1/members/{member.pk}/", {"workplace": "Sở", "version": version}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    response = client.patch(
        f"/api/v1/members/{member.pk}/",
        {"workplace": "Sở Tư pháp", "reason": "Bổ sung nơi làm việc", "version": version},
        format="json",
    )
    assert response.status_code == 200
    response = client.post(
        f"/api/v1/members/{member.pk}/status/",
        {
            "new_status": "official",
            "on": "2011-05-19",
            "decision_number": "45-QĐ/ĐU",
            "reason": "Đủ điều kiện",
        },
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "official"
    outside = tree["village_members"][0]
    response = client.patch(
        f"/api/v1/members/{outside.pk}/",
        {"workplace": "X", "reason": "Y", "version": outside.version},
        format="json",
    )
    assert response.status_code == 404


def test_viewer_cannot_write(tree):
    viewer = factories.user(role_code="viewer", on=tree["committee"])
    member = tree["members_a"][0]
    response = _client(viewer).patch(
        f"/api/v1/members/{member.pk}/",
        {"workplace": "X", "reason": "Y", "version": member.version},
        format="json",
    )
    assert response.status_code == 404


def test_a_stale_patch_answers_409_and_changes_nothing(tree):
    """Two clients read the member, both correct it: the second is refused (issue #21)."""
    officer = factories.user(role_code="org_board_officer", on=tree["committee"])
    first, second = _client(officer), _client(officer)
    member = tree["members_a"][0]
    url = f"/api/v1/members/{member.pk}/"
    read_first = first.get(url).json()["version"]
    read_second = second.get(url).json()["version"]
    answer = first.patch(
        url, {"workplace": "Sở A", "reason": "Một", "version": read_first}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["version"] != read_first
    answer = second.patch(
        url, {"workplace": "Sở B", "reason": "Hai", "version": read_second}, format="json"
    )
    assert answer.status_code == 409
    assert "vừa được người khác cập nhật" in answer.json()["version"][0]
    member.refresh_from_db()
    assert member.workplace == "Sở A"
    assert member.events.filter(kind=MemberEvent.Kind.CORRECTED).count() == 1


def test_a_patch_without_version_is_refused(tree):
    officer = factories.user(role_code="org_board_officer", on=tree["committee"])
    member = tree["members_a"][0]
    answer = _client(officer).patch(
        f"/api/v1/members/{member.pk}/", {"workplace": "Sở", "reason": "Một"}, format="json"
    )
    assert answer.status_code == 400 and "version" in answer.json()
    member.refresh_from_db()
    assert member.workplace != "Sở"


def test_every_patch_is_optimistically_locked():
    """Each PATCH of the API takes the record's `version` and documents the 409."""
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    patches = [op for item in spec["paths"].values() for m, op in item.items() if m == "patch"]
    assert patches
    components = spec["components"]["schemas"]
    for operation in patches:
        assert "409" in operation["responses"], operation["operationId"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "version" in components[body.rsplit("/", 1)[-1]]["properties"]
