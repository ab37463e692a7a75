from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from tests import factories
from tests.admissions.helpers import certify, open_file, walk
from tests.paper_helpers import own_rows

ID = "079199005555"


@pytest.fixture
def committee_user(tree):
    return factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])


def test_list_shows_overdue_files_highlighted(client, tree, committee_user):
    walk(open_file(tree), tree, Stage.RECEIVED)  # decision due mid-2025: overdue now
    client.force_login(committee_user)
    body = client.get(reverse("admissions:index")).content.decode()
    assert "Võ Minh Khang" in body and "1 hồ sơ quá hạn" in body and "Quá hạn" in body
    body = client.get(reverse("admissions:index"), {"due": "overdue"}).content.decode()
    assert "Võ Minh Khang" in body


def test_list_query_count(admin_client, tree, django_assert_max_num_queries):
    for i in range(15):
        open_file(tree, full_name=f"Người Số {i}", id_number=f"0792000099{i:02d}")
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("admissions:index")).status_code == 200


def test_outside_subtree_is_404(client, tree):
    file = open_file(tree)
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    assert client.get(reverse("admissions:detail", args=[file.pk])).status_code == 404
    url = reverse("admissions:step", args=[file.pk, Stage.COURSE])
    assert client.get(url).status_code == 404
    assert "Võ Minh Khang" not in client.get(reverse("admissions:index")).content.decode()


def test_anonymous_redirected(client, tree):
    file = open_file(tree)
    for url in (
        reverse("admissions:index"),
        reverse("admissions:detail", args=[file.pk]),
        reverse("admissions:step", args=[file.pk, Stage.COURSE]),
        reverse("admissions:targets"),
    ):
        assert client.get(url).status_code == 302


def test_cell_secretary_runs_the_cells_steps_up_to_its_vote(client, tree):
    file = open_file(tree)
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    assert reverse("admissions:create") in client.get(reverse("admissions:index")).content.decode()
    page = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    course = reverse("admissions:step", args=[file.pk, Stage.COURSE])
    closing = reverse("admissions:step", args=[file.pk, Stage.CLOSED])
    assert course in page and closing not in page  # closing a file is the committee's
    assert client.get(course).status_code == 200
    assert client.get(closing).status_code == 404

    file = walk(file, tree, Stage.VERIFIED)
    url = reverse("admissions:step", args=[file.pk, Stage.CELL_VOTED])
    response = client.post(url, {"date": "10/02/2025", "votes_for": 3, "eligible": 3})
    assert response.status_code == 302
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.CELL_VOTED
    page = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    vote = reverse("admissions:step", args=[file.pk, Stage.COMMITTEE_VOTED])
    assert vote not in page  # the grassroots committee's vote: not the cell's
    assert client.get(vote).status_code == 404

    other = factories.user(role_code="cell_secretary", on=tree["cell_b"])  # another cell
    client.force_login(other)
    assert client.get(reverse("admissions:detail", args=[file.pk])).status_code == 404
    assert client.get(course).status_code == 404


def test_the_api_lets_the_cell_secretary_do_what_the_screens_do(tree):
    """Steps by the API need the same permission as on the screens (admissions.cell_steps up
    to the cell's vote, admissions.change after it)."""
    file = walk(open_file(tree), tree, Stage.VERIFIED)
    api = _api(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    url = f"/api/v1/admission-files/{file.pk}/steps/"
    response = api.post(
        url,
        {"stage": "cell_voted", "date": "2025-02-10", "votes_for": 3, "eligible": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.CELL_VOTED
    response = api.post(
        url,
        {"stage": "committee_voted", "date": "2025-02-20", "votes_for": 5, "eligible": 5},
        format="json",
    )
    assert response.status_code == 404  # the committee's step: not the cell's
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.CELL_VOTED
    response = api.post(
        "/api/v1/admission-files/",
        {
            "organization": tree["cell_a"].pk,
            "identified_on": "2024-09-01",
            "full_name": "Đỗ Văn Nam",
            "gender": "M",
            "birth_date": "1999-05-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api.post(
        "/api/v1/admission-files/",
        {
            "organization": tree["cell_b"].pk,
            "identified_on": "2024-09-01",
            "full_name": "Đỗ Văn Nam",
            "gender": "M",
            "birth_date": "1999-05-05",
        },
        format="json",
    )
    assert response.status_code == 400  # another cell: out of reach


def test_viewer_cannot_record_steps(client, tree):
    file = open_file(tree)
    viewer = factories.user(role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    assert client.get(reverse("admissions:step", args=[file.pk, Stage.COURSE])).status_code == 404
    assert client.get(reverse("admissions:create")).status_code == 404


def test_step_form_shows_vietnamese_rule_message(client, tree, committee_user):
    file = walk(open_file(tree), tree, Stage.VERIFIED)
    client.force_login(committee_user)
    url = reverse("admissions:step", args=[file.pk, Stage.CELL_VOTED])
    response = client.post(url, {"date": "10/02/2025", "votes_for": 1, "eligible": 3})
    assert response.status_code == 200
    assert "chưa đạt ít nhất 2/3" in response.content.decode()
    response = client.post(url, {"date": "10/02/2025", "votes_for": 3, "eligible": 3})
    assert response.status_code == 302
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.CELL_VOTED
    detail = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    assert "3/3 tán thành" in detail and "Giấy chứng nhận hết hạn" in detail


def test_unknown_stage_is_404(admin_client, tree):
    file = open_file(tree)
    assert admin_client.get(f"/admissions/{file.pk}/step/nonsense/").status_code == 404


def test_create_form(client, tree, committee_user):
    client.force_login(committee_user)
    data = {
        "organization": tree["cell_b"].pk,
        "full_name": "Lý Thị Mai",
        "gender": "F",
        "birth_date": "01/02/2001",
        "ethnicity": "Kinh",
        "religion": "none",
        "identified_on": "05/01/2026",
        "id_number": "12",
    }
    response = client.post(reverse("admissions:create"), data)
    assert "12 chữ số" in response.content.decode()
    data["id_number"] = ""
    response = client.post(reverse("admissions:create"), data)
    assert response.status_code == 302
    assert AdmissionFile.objects.get(full_name="Lý Thị Mai").organization == tree["cell_b"]
    # A cell outside the user's subtree is not offered.
    data["organization"] = tree["village"].pk
    response = client.post(reverse("admissions:create"), data)
    assert response.status_code == 200 and AdmissionFile.objects.count() == 1


def test_targets_page_and_drill_down(client, tree, committee_user):
    walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(committee_user)
    response = client.post(
        reverse("admissions:target_set"),
        {"organization": tree["committee"].pk, "year": 2025, "target": 2},
    )
    assert response.status_code == 302
    body = client.get(
        reverse("admissions:targets"), {"org": tree["committee"].pk, "year": 2025}
    ).content.decode()
    assert "50.0%" in body or "50,0%" in body
    # the admitted drill down to the members admitted (the report's rows, #22/#23)
    drill = client.get(
        reverse("reports:module_rows", args=["admissions"]),
        {"org": tree["cell_a"].pk, "year": 2025, "measure": "admitted"},
    ).content.decode()
    assert "Võ Minh Khang" in drill
    assert client.get(reverse("admissions:targets"), {"org": tree["commune"].pk}).status_code == 404


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_api_open_and_step(tree, committee_user):
    api = _api(committee_user)
    response = api.post(
        "/api/v1/admission-files/",
        {
            "organization": tree["cell_a"].pk,
            "identified_on": "2024-09-01",
            "full_name": "Đỗ Văn Nam",
            "gender": "M",
            "birth_date": "1999-05-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post(
        f"/api/v1/admission-files/{pk}/steps/",
        {"stage": "course", "date": "2024-10-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "giấy chứng nhận" in response.json()["certificate_number"][0]
    response = api.post(
        f"/api/v1/admission-files/{pk}/steps/",
        {"stage": "course", "date": "2024-10-01", "certificate_number": "GCN-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "Sổ đào tạo không có" in response.json()["certificate_number"][0]
    certify(tree, AdmissionFile.objects.get(pk=pk), issued_on=date(2024, 10, 1), id_number=ID)
    response = api.post(
        f"/api/v1/admission-files/{pk}/steps/",
        {"stage": "course", "date": "2024-10-01"},
        format="json",
    )
    assert response.json()["stage"] == "course"
    assert response.json()["next_deadline"] == "2029-09-30"  # the certificate's last day


def test_api_outside_subtree(tree):
    file = open_file(tree)
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    api = _api(outsider)
    assert api.get(f"/api/v1/admission-files/{file.pk}/").status_code == 404
    response = api.post(
        f"/api/v1/admission-files/{file.pk}/steps/",
        {"stage": "course", "date": "2024-10-01", "certificate_number": "x"},
        format="json",
    )
    assert response.status_code == 404
    response = api.post(
        "/api/v1/admission-files/",
        {
            "organization": tree["cell_a"].pk,
            "identified_on": "2024-09-01",
            "full_name": "Đỗ Văn Nam",
            "gender": "M",
            "birth_date": "1999-05-05",
        },
        format="json",
    )
    assert response.status_code == 400
    assert APIClient().get("/api/v1/admission-files/").status_code in (401, 403)
    assert date.today()  # keep import used


def test_exports(client, tree, committee_user):
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    file = walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(committee_user)
    response = client.get(reverse("admissions:index"), {"export": "xlsx"})
    rows = own_rows(load_workbook(BytesIO(response.content)).active)
    assert rows[0][0] == "Họ và tên" and rows[1][0] == "Võ Minh Khang"
    response = client.get(reverse("admissions:docx", args=[file.pk]))
    text = "\n".join(
        cell.text
        for t in Document(BytesIO(response.content)).tables
        for r in t.rows
        for cell in r.cells
    )
    assert "Trần Thị Hằng" in text and "123-QĐ/ĐUK" in text
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    assert client.get(reverse("admissions:docx", args=[file.pk])).status_code == 404
