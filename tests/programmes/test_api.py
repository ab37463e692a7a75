from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from dangbo.programmes.models import Document, ProgrammeItem, Task


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def test_anonymous_refused(client, tree):
    for url in ("/api/v1/documents/", "/api/v1/programmes/", "/api/v1/tasks/"):
        assert client.get(url).status_code in (401, 403)


def test_register_document_search_and_count(api, tree):
    response = api.post(
        "/api/v1/documents/",
        {
            "organization": tree["committee"].pk,
            "doc_type": "NQ",
            "number": "02-NQ/ĐU",
            "issued_on": "2025-05-02",
            "signer": "Trần Văn Ký",
            "summary": "Nghị quyết về công tác cán bộ",
            "attachment": SimpleUploadedFile("nq.pdf", b"%PDF-1.4 x\n%%EOF\n"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["has_attachment"] is True
    bad = api.post(
        "/api/v1/documents/",
        {
            "organization": tree["committee"].pk,
            "doc_type": "NQ",
            "number": "02-NQ/ĐU",
            "issued_on": "2025-06-02",
            "signer": "Trần Văn Ký",
            "summary": "Trùng số",
        },
        format="json",
    )
    assert bad.status_code == 400 and "đã được đăng ký" in bad.json()["number"][0]
    outside = api.post(
        "/api/v1/documents/",
        {
            "organization": tree["commune"].pk,
            "doc_type": "NQ",
            "number": "03-NQ/ĐU",
            "issued_on": "2025-06-02",
            "signer": "A",
            "summary": "B",
        },
        format="json",
    )
    assert outside.status_code == 404
    rows = api.get("/api/v1/documents/", {"q": "cong tac can bo"}).json()["results"]
    assert [r["number"] for r in rows] == ["02-NQ/ĐU"]
    assert api.get("/api/v1/documents/counts/").json()["NQ"] == 1
    assert Document.objects.count() == 1


def test_item_cascade_report_and_summary(api, tree, programme, admin_user):
    bloc_item = ProgrammeItem.objects.get(organization=tree["bloc"])
    response = api.post(
        f"/api/v1/programme-items/{bloc_item.pk}/cascade/",
        {"organizations": [tree["committee"].pk]},
        format="json",
    )
    assert response.status_code == 201
    child_id = response.json()[0]["id"]
    report = api.post(
        f"/api/v1/programme-items/{child_id}/report/",
        {
            "reported_on": timezone.localdate().isoformat(),
            "percent": 100,
            "status": "done",
            "evidence": "QĐ kết nạp",
        },
        format="json",
    )
    assert report.status_code == 201
    bad = api.post(
        f"/api/v1/programme-items/{bloc_item.pk}/report/",
        {"reported_on": timezone.localdate().isoformat(), "percent": 5, "status": "in_progress"},
        format="json",
    )
    assert bad.status_code == 400 and "mục con" in bad.json()["percent"][0]
    commune_item = ProgrammeItem.objects.get(organization=tree["commune"])
    assert api.get(f"/api/v1/programme-items/{commune_item.pk}/").status_code == 404
    assert api.get(f"/api/v1/programmes/{programme.pk}/summary/").status_code == 404
    admin = APIClient()
    admin.force_authenticate(admin_user)
    summary = admin.get(f"/api/v1/programmes/{programme.pk}/summary/").json()
    assert (summary["done"], summary["total"]) == (0, 1)
    assert summary["percent"] == 50.0  # committee 100% + commune 0%
    assert summary["items"]["0001"]["leaves"] == 2


def test_tasks_api_visibility_and_report(api, tree, admin_user):
    admin = APIClient()
    admin.force_authenticate(admin_user)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    created = admin.post(
        "/api/v1/tasks/",
        {
            "kind": "breakthrough",
            "title": "Giảm 50% thủ tục",
            "assigner_org": tree["province"].pk,
            "assignee_org": tree["bloc"].pk,
            "assignee_person": "Lê Văn Khối",
            "target": "Giảm 50%",
            "indicator": "Số thủ tục",
            "due_on": due,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    admin.post(
        "/api/v1/tasks/",
        {
            "kind": "regular",
            "title": "Xã",
            "assigner_org": tree["province"].pk,
            "assignee_org": tree["commune"].pk,
            "due_on": due,
        },
        format="json",
    )
    titles = [t["title"] for t in api.get("/api/v1/tasks/").json()["results"]]
    assert titles == ["Giảm 50% thủ tục"]
    task_id = created.json()["id"]
    report = api.post(
        f"/api/v1/tasks/{task_id}/report/",
        {"reported_on": timezone.localdate().isoformat(), "percent": 40, "status": "blocked"},
        format="json",
    )
    assert report.status_code == 201
    assert Task.objects.get(pk=task_id).progress == 40
    other = Task.objects.get(title="Xã").pk
    assert (
        api.post(
            f"/api/v1/tasks/{other}/report/",
            {"reported_on": date.today().isoformat(), "percent": 1, "status": "in_progress"},
            format="json",
        ).status_code
        == 404
    )


def test_schema_lists_programmes_endpoints(admin_client):
    body = admin_client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/documents/", "/api/v1/programme-items/{id}/cascade/", "/api/v1/tasks/"):
        assert path in body
