"""The imports API: upload → mapping (dry run) → report → commit → rollback, and refusals."""

import pytest
from rest_framework.test import APIClient

from dangbo.imports.models import ImportJob
from dangbo.members.models import Member
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes

URL = "/api/v1/import-jobs/"


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def _upload(api, tree, rows, name="tep.xlsx"):
    content = xlsx_bytes(MEMBER_HEADERS, rows)
    return api.post(
        URL,
        {"kind": "members", "organization": tree["bloc"].pk, "file": upload(content, name)},
        format="multipart",
    )


def test_the_whole_flow_through_the_api(api, tree):
    response = _upload(api, tree, [member_row("Qua Giao Diện"), member_row("Lỗi", birth="x")])
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["state"] == "mapping" and job["mapping"]["1"] == "full_name"

    mapping = {str(i): f for i, f in job["mapping"].items()}
    response = api.post(f"{URL}{job['id']}/mapping/", {"mapping": mapping}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "previewed"

    report = api.get(f"{URL}{job['id']}/report/").json()
    assert report["counts"]["create"] == 1 and report["counts"]["error"] == 1
    error = report["errors"][0]
    assert error["row"] == 3 and error["column"].startswith("Ngày sinh")
    assert "ngày" in error["message"].lower()

    response = api.post(f"{URL}{job['id']}/commit/", {}, format="json")
    assert response.status_code == 400
    assert "1 dòng lỗi" in response.json()["skip_errors"][0]
    response = api.post(f"{URL}{job['id']}/commit/", {"skip_errors": True}, format="json")
    assert response.json()["state"] == "committed"
    assert Member.objects.filter(full_name="Qua Giao Diện").exists()

    status = api.get(f"{URL}{job['id']}/").json()
    assert status["percent"] == 100 and status["counts"]["create"] == 1
    response = api.post(f"{URL}{job['id']}/rollback/")
    assert response.json()["state"] == "rolled_back"
    assert not Member.objects.filter(full_name="Qua Giao Diện").exists()


def test_bad_uploads_and_mappings_are_400_in_vietnamese(api, tree):
    for content in (b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04rac", b"<html><script>x</script>"):
        response = api.post(
            URL,
            {"kind": "members", "organization": tree["bloc"].pk, "file": upload(content)},
            format="multipart",
        )
        assert response.status_code == 400
        assert "không thuộc loại được nhận (Excel (.xlsx), CSV)" in response.json()["file"][0]

    job = _upload(api, tree, [member_row()]).json()
    for mapping, text in (
        ({"x": "full_name"}, "không phải số thứ tự cột"),
        ({"99": "full_name"}, "Tệp không có cột số 100"),
        ({"1": "khong_co"}, "Không có thông tin"),
        ({"1": "full_name"}, "Chưa chọn cột nào cho «Giới tính»"),
    ):
        response = api.post(f"{URL}{job['id']}/mapping/", {"mapping": mapping}, format="json")
        assert response.status_code == 400
        assert text in response.json()["mapping"][0]
    assert ImportJob.objects.get(pk=job["id"]).state == "mapping"


def test_jobs_outside_the_subtree_are_404(api, tree, run_import):
    village_officer = factories.user("xa", role_code="org_board_officer", on=tree["commune"])
    content = xlsx_bytes(MEMBER_HEADERS, [member_row(org=tree["village"].name)])
    job = run_import(village_officer, tree["commune"], content)
    assert api.get(f"{URL}{job.pk}/").status_code == 404
    assert api.get(f"{URL}{job.pk}/report/").status_code == 404
    assert api.post(f"{URL}{job.pk}/commit/", {}, format="json").status_code == 404
    assert job.pk not in [j["id"] for j in api.get(URL).json()["results"]]
    response = api.post(
        URL,
        {"kind": "members", "organization": tree["commune"].pk, "file": upload(content)},
        format="multipart",
    )
    assert response.status_code == 400


def test_classification_results_through_the_api_and_in_the_schema(api, tree, admin_client):
    from dangbo.imports.rules import REVIEW_SHAPE
    from dangbo.reviews.models import MemberReview, ReviewYear

    member = tree["members_a"][0]
    headers = [c.label for c in REVIEW_SHAPE.columns]
    values = {"id": member.pk, "full_name": member.full_name, "year": 2022, "grade": "HTTNV"}
    content = xlsx_bytes(headers, [[values.get(c.field) for c in REVIEW_SHAPE.columns]])
    response = api.post(
        URL,
        {"kind": "reviews", "organization": tree["bloc"].pk, "file": upload(content)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["kind"] == "reviews" and job["mapping"]["5"] == "year"
    response = api.post(f"{URL}{job['id']}/mapping/", {"mapping": job["mapping"]}, format="json")
    assert response.json()["state"] == "previewed"
    assert api.get(f"{URL}{job['id']}/report/").json()["counts"]["create"] == 1
    assert api.post(f"{URL}{job['id']}/commit/", {}, format="json").json()["state"] == "committed"
    review = MemberReview.objects.get(member=member)
    assert review.final_grade == "htt" and review.review_year.state == "imported"
    assert api.post(f"{URL}{job['id']}/rollback/").json()["state"] == "rolled_back"
    assert not ReviewYear.objects.exists()

    schema = admin_client.get("/api/v1/schema/?format=json").json()
    kinds = schema["components"]["schemas"]["ImportKindEnum"]["enum"]
    assert {"reviews", "org_reviews", "history"} <= set(kinds)
