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
    response = client.patch(f"/api/v1/members/{member.pk}/", {"workplace": "Sở"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.patch(
        f"/api/v1/members/{member.pk}/",
        {"workplace": "Sở Tư pháp", "reason": "Bổ sung nơi làm việc"},
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
        f"/api/v1/members/{outside.pk}/", {"workplace": "X", "reason": "Y"}, format="json"
    )
    assert response.status_code == 404


def test_viewer_cannot_write(tree):
    viewer = factories.user(role_code="viewer", on=tree["committee"])
    member = tree["members_a"][0]
    response = _client(viewer).patch(
        f"/api/v1/members/{member.pk}/", {"workplace": "X", "reason": "Y"}, format="json"
    )
    assert response.status_code == 404
