from datetime import date

import pytest
from rest_framework.test import APIClient

from dangbo.meetings.models import Meeting
from tests import factories
from tests.meetings.conftest import held_meeting


@pytest.fixture
def api(tree):
    client = APIClient()
    client.force_authenticate(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    return client


def test_anonymous_is_refused(client, tree):
    assert client.get("/api/v1/meetings/").status_code in (401, 403)


def test_plan_record_resolve_score_through_the_api(api, tree, cset):
    members = tree["members_a"]
    response = api.post(
        "/api/v1/meetings/",
        {"organization": tree["cell_a"].pk, "kind": "regular", "planned_on": "2026-03-10"},
        format="json",
    )
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    attendance = [
        {"member": members[0].pk, "status": "present"},
        {"member": members[1].pk, "status": "online"},
        {"member": members[2].pk, "status": "excused"},
    ]
    record = {
        "held_on": "2026-03-10",
        "start": "08:00",
        "end": "10:00",
        "chair": members[0].pk,
        "secretary": members[1].pk,
        "attendance": attendance,
    }
    response = api.post(f"/api/v1/meetings/{meeting_id}/record/", record, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "attendance": ["Dòng 3: Cần nêu lý do vắng của đồng chí «Lê Đức Anh»."]
    }
    attendance[2]["reason"] = "Đi học"
    response = api.post(f"/api/v1/meetings/{meeting_id}/record/", record, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["attendance_rate"] == pytest.approx(66.7)
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/resolutions/",
        {
            "content": "Nghị quyết tháng 3",
            "tasks": [{"description": "Rà soát", "owner": members[1].pk, "due_on": "2026-04-01"}],
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["resolutions"][0]["tasks"][0]["owner_name"] == "Trần Thị Hằng"
    criteria = list(cset.criteria.all())
    scores = [{"criterion": c.pk, "points": str(c.max_points)} for c in criteria]
    response = api.post(f"/api/v1/meetings/{meeting_id}/score/", {"scores": scores}, format="json")
    assert response.status_code == 200
    assert (response.json()["score"], response.json()["grade"]) == ("100.0", "tot")
    tasks = api.get("/api/v1/meeting-tasks/").json()["results"]
    assert [t["description"] for t in tasks] == ["Rà soát"]


def test_outside_subtree_is_404(api, tree, cset):
    other = held_meeting(tree["cell_b"], tree["members_b"])
    assert api.get(f"/api/v1/meetings/{other.pk}/").status_code == 404
    assert (
        api.post(f"/api/v1/meetings/{other.pk}/score/", {"scores": []}, format="json").status_code
        == 404
    )
    response = api.post(
        "/api/v1/meetings/",
        {"organization": tree["cell_b"].pk, "kind": "regular", "planned_on": "2026-03-10"},
        format="json",
    )
    # an org outside the reach in the body: the error of a missing one, its name not shown
    assert response.status_code == 400
    assert response.json()["organization"] == ["Không tồn tại hoặc ngoài phạm vi."]
    assert tree["cell_b"].name not in response.content.decode()
    assert Meeting.objects.count() == 1
    assert api.get("/api/v1/meetings/").json()["count"] == 0
    # Criteria sets issued above the secretary's cell are not in their subtree.
    assert api.get("/api/v1/meeting-criteria-sets/").json()["count"] == 0


def test_list_filters_and_query_count(admin_client, tree, django_assert_max_num_queries):
    for month in range(1, 9):
        held_meeting(tree["cell_a"], tree["members_a"], on=date(2026, month, 10))
    with django_assert_max_num_queries(6):
        data = admin_client.get(
            "/api/v1/meetings/", {"org": tree["cell_a"].pk, "year": 2026}
        ).json()
    assert data["count"] == 8


def test_schema_documents_the_actions(admin_client):
    body = admin_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/meetings/{id}/record/" in body and "/api/v1/meetings/{id}/score/" in body
