from datetime import date, timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangbo.programmes import services
from dangbo.programmes.models import Document, ProgrammeItem, ProgressReport, Task
from tests import factories
from tests.paper_helpers import own_rows, own_tables

PDF = b"%PDF-1.4\n%test\n%%EOF\n"


def _doc(org, doc_type="KH", number=None, **kw):
    return services.register_document(
        organization=org,
        doc_type=doc_type,
        number=number or f"{Document.objects.count() + 1}-{doc_type}/ĐU",
        issued_on=kw.pop("issued_on", date(2025, 4, 2)),
        signer="Trần Văn Ký",
        summary=kw.pop("summary", "Kế hoạch tổ chức đại hội chi bộ"),
        **kw,
    )


@pytest.fixture
def docs(tree):
    return [
        _doc(tree["province"], "NQ", "01-NQ/TU", summary="Nghị quyết về chuyển đổi số"),
        _doc(tree["bloc"], "KH", "12-KH/ĐUK", summary="Kế hoạch kiểm tra giám sát"),
        _doc(tree["commune"], "CT", "03-CT/ĐU", summary="Chỉ thị về đất đai"),
    ]


def test_anonymous_redirected(client, tree):
    for name in ("programmes:index", "programmes:documents", "programmes:tasks"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_document_register_search_and_counts(admin_client, docs):
    response = admin_client.get(reverse("programmes:documents"), {"q": "chuyen doi so"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "01-NQ/TU" in body and "12-KH/ĐUK" not in body
    response = admin_client.get(reverse("programmes:documents"), {"doc_type": ["KH", "CT"]})
    assert response.context["type_counts"][0] == ("Nghị quyết (NQ)", 0)
    assert dict(response.context["type_counts"])["Kế hoạch (KH)"] == 1


def test_document_list_restricted_to_subtree(client, tree, docs, officer):
    client.force_login(officer)
    body = client.get(reverse("programmes:documents")).content.decode()
    assert "12-KH/ĐUK" in body and "01-NQ/TU" not in body and "03-CT/ĐU" not in body
    outside = docs[2]
    assert client.get(reverse("programmes:document_detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("programmes:document_file", args=[outside.pk])).status_code == 404


def test_document_list_query_count(admin_client, tree, django_assert_max_num_queries):
    for _ in range(30):
        _doc(tree["committee"])
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("programmes:documents")).status_code == 200


def test_register_document_with_file_and_download_is_logged(client, tree, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")
    data = {
        "organization": tree["committee"].pk,
        "doc_type": "KH",
        "number": "07-KH/ĐU",
        "issued_on": "02/04/2025",
        "signer": "Trần Văn Ký",
        "summary": "Kế hoạch học tập nghị quyết",
        "attachment": upload,
    }
    response = client.post(reverse("programmes:document_create"), data)
    assert response.status_code == 302, response.content.decode()
    doc = Document.objects.get(number="07-KH/ĐU")
    download = client.get(reverse("programmes:document_file", args=[doc.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert LogEntry.objects.filter(
        object_pk=str(doc.pk), action=LogEntry.Action.ACCESS, actor=officer
    ).exists()


def test_register_document_bad_input_and_outside_org(client, tree, officer):
    client.force_login(officer)
    data = {
        "organization": tree["committee"].pk,
        "doc_type": "NQ",
        "number": "07-KH/ĐU",
        "issued_on": "02/04/2025",
        "signer": "Trần Văn Ký",
        "summary": "x",
        "attachment": SimpleUploadedFile("virus.exe", b"MZ"),
    }
    body = client.post(reverse("programmes:document_create"), data).content.decode()
    assert "không chứa ký hiệu loại văn bản NQ" in body
    data["number"] = "07-NQ/ĐU"
    data["attachment"] = SimpleUploadedFile("virus.exe", b"MZ")
    body = client.post(reverse("programmes:document_create"), data).content.decode()
    assert "«virus.exe» không thuộc loại được nhận" in body
    data["organization"] = tree["commune"].pk  # outside the officer's subtree
    data.pop("attachment")
    response = client.post(reverse("programmes:document_create"), data)
    assert response.status_code == 200 and not Document.objects.exists()


def test_count_table_page_and_xlsx_read_back(admin_client, tree, docs):
    params = {"org": tree["province"].pk, "start": "01/01/2025", "end": "31/12/2025"}
    response = admin_client.get(reverse("programmes:document_counts"), params)
    assert response.status_code == 200
    assert response.context["table"]["grand_total"] == 3
    export = admin_client.get(reverse("programmes:document_counts_xlsx"), params)
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = own_rows(sheet)
    assert "ĐẢNG BỘ TỈNH SÔNG HỒNG" in rows[0][0]
    assert rows[1][0] == "Từ ngày 01/01/2025 đến ngày 31/12/2025"
    header = rows[3]
    assert header[:3] == ("STT", "Tổ chức đảng", "NQ")
    by_label = {row[1]: row for row in rows[4:]}
    nq = header.index("NQ")
    kh = header.index("KH")
    assert by_label["Đảng bộ tỉnh Sông Hồng (trực tiếp ban hành)"][nq] == 1
    assert by_label["Đảng ủy Khối các cơ quan tỉnh"][kh] == 1
    assert by_label["Tổng cộng"][-1] == 3


def test_count_table_outside_reach_is_404(client, tree, officer):
    client.force_login(officer)
    params = {"org": tree["commune"].pk}
    assert client.get(reverse("programmes:document_counts"), params).status_code == 404
    assert client.get(reverse("programmes:document_counts_xlsx"), params).status_code == 404
    # default: the officer's own top node
    response = client.get(reverse("programmes:document_counts"))
    assert response.context["org"] == tree["bloc"]


def test_programme_tree_shows_rollup(admin_client, tree, programme, django_assert_max_num_queries):
    commune_item = programme.items.get(organization=tree["commune"])
    services.report_item_progress(
        commune_item, percent=60, status="in_progress", reported_on=timezone.localdate()
    )
    for n in range(20):
        services.add_item(
            programme=programme,
            title=f"Mục bổ sung {n}",
            expected_result="Xong",
            due_on=date(2026, 12, 1),
        )
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("programmes:programme_detail", args=[programme.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["summary"]["total"] == 21
    top = next(r for r in response.context["rows"] if r["item"].depth == 1)
    assert top["percent"] == 30.0  # (0 + 60) / 2 leaves, weights 1
    assert "Kết nạp đảng viên mới" in body and "Đảng ủy xã Tân Lập" in body


def test_programme_outside_subtree_is_404_but_cascaded_item_visible(
    client, tree, programme, officer
):
    client.force_login(officer)
    assert (
        client.get(reverse("programmes:programme_detail", args=[programme.pk])).status_code == 404
    )
    bloc_item = programme.items.get(organization=tree["bloc"])
    commune_item = programme.items.get(organization=tree["commune"])
    assert client.get(reverse("programmes:item_detail", args=[bloc_item.pk])).status_code == 200
    assert client.get(reverse("programmes:item_detail", args=[commune_item.pk])).status_code == 404
    assert client.get(reverse("programmes:item_report", args=[commune_item.pk])).status_code == 404
    assert client.get(reverse("programmes:item_cascade", args=[commune_item.pk])).status_code == 404


def test_cascade_and_report_through_screens(client, tree, programme, officer):
    client.force_login(officer)
    bloc_item = programme.items.get(organization=tree["bloc"])
    response = client.post(
        reverse("programmes:item_cascade", args=[bloc_item.pk]),
        {"organizations": [tree["committee"].pk]},
    )
    assert response.status_code == 302
    child = bloc_item.children.get()
    assert child.organization == tree["committee"] and child.is_cascade
    today = timezone.localdate().strftime("%d/%m/%Y")
    bad = client.post(
        reverse("programmes:item_report", args=[child.pk]),
        {"percent": 100, "status": "done", "reported_on": today},
    )
    assert "cần có minh chứng" in bad.content.decode()
    ok = client.post(
        reverse("programmes:item_report", args=[child.pk]),
        {"percent": 100, "status": "done", "reported_on": today, "evidence": "BC số 5"},
    )
    assert ok.status_code == 302
    page = client.get(reverse("programmes:item_detail", args=[bloc_item.pk]))
    assert page.context["own"]["percent"] == 100.0
    parent_report = client.post(
        reverse("programmes:item_report", args=[bloc_item.pk]),
        {"percent": 10, "status": "in_progress", "reported_on": today},
    )
    assert "tổng hợp từ các mục con" in parent_report.content.decode()
    assert ProgressReport.objects.count() == 1


def test_task_tabs_mine_given_overdue(client, tree, officer, django_assert_max_num_queries):
    due = timezone.localdate() + timedelta(days=30)
    to_bloc = services.assign_task(
        assigner_org=tree["province"],
        assignee_org=tree["bloc"],
        kind="breakthrough",
        title="Số hóa hồ sơ đảng viên",
        due_on=due,
        assignee_person="Lê Văn Khối, Bí thư",
        target="100% hồ sơ",
        indicator="Tỷ lệ hồ sơ số hóa",
    )
    by_bloc = services.assign_task(
        assigner_org=tree["bloc"],
        assignee_org=tree["committee"],
        kind="regular",
        title="Rà soát đảng viên",
        due_on=due,
    )
    services.assign_task(
        assigner_org=tree["province"],
        assignee_org=tree["commune"],
        kind="regular",
        title="Việc của xã",
        due_on=due,
    )
    Task.objects.filter(pk=by_bloc.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(officer)
    url = reverse("programmes:tasks")
    with django_assert_max_num_queries(10):
        mine = client.get(url, {"tab": "mine"}).content.decode()
    assert "Số hóa hồ sơ đảng viên" in mine and "Việc của xã" not in mine
    given = client.get(url, {"tab": "given"}).content.decode()
    assert "Rà soát đảng viên" in given and "Số hóa hồ sơ" not in given
    overdue = client.get(url, {"tab": "overdue"}).content.decode()
    assert "Rà soát đảng viên" in overdue and "Quá hạn" in overdue
    assert client.get(reverse("programmes:task_detail", args=[to_bloc.pk])).status_code == 200
    other = Task.objects.get(title="Việc của xã")
    assert client.get(reverse("programmes:task_detail", args=[other.pk])).status_code == 404


def test_task_create_breakthrough_requires_indicator(client, tree, officer):
    client.force_login(officer)
    data = {
        "kind": "breakthrough",
        "assigner_org": tree["bloc"].pk,
        "assignee_org": tree["committee"].pk,
        "assignee_person": "Nguyễn Văn Sở, Bí thư",
        "title": "Nâng chất lượng sinh hoạt chi bộ",
        "target": "100% chi bộ đạt Khá trở lên",
        "due_on": (timezone.localdate() + timedelta(days=90)).strftime("%d/%m/%Y"),
    }
    body = client.post(reverse("programmes:task_create"), data).content.decode()
    assert "Cần nhập chỉ số đo kết quả" in body
    data["indicator"] = "Tỷ lệ chi bộ xếp loại Khá"
    response = client.post(reverse("programmes:task_create"), data)
    assert response.status_code == 302
    data["assignee_org"] = tree["commune"].pk  # outside the officer's subtree
    body = client.post(reverse("programmes:task_create"), data).content.decode()
    assert "Không tồn tại hoặc ngoài phạm vi" in body and tree["commune"].name not in body
    assert Task.objects.count() == 1


def test_commitment_screens(client, tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    today = timezone.localdate()
    response = client.post(
        reverse("programmes:commitment_create"),
        {
            "organization": tree["cell_a"].pk,
            "year": today.year,
            "signer_name": "Nguyễn Văn Bình",
            "position": "Bí thư chi bộ",
            "signed_on": today.strftime("%d/%m/%Y"),
            "items": "Chi bộ đạt HTTNV\nKết nạp 2 đảng viên",
        },
    )
    assert response.status_code == 302
    commitment = tree["cell_a"].commitments.get()
    items = list(commitment.items.all())
    data = {"evaluated_on": today.strftime("%d/%m/%Y"), f"achieved_{items[0].pk}": "on"}
    response = client.post(reverse("programmes:commitment_evaluate", args=[commitment.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("programmes:commitment_detail", args=[commitment.pk]))
    assert page.context["achieved"] == 1
    other = factories.user(role_code="cell_secretary", on=tree["cell_b"])
    client.force_login(other)
    url = reverse("programmes:commitment_detail", args=[commitment.pk])
    assert client.get(url).status_code == 404


def test_index_and_lists_render(admin_client, programme):
    for name in (
        "programmes:index",
        "programmes:programmes",
        "programmes:commitments",
        "programmes:programme_create",
        "programmes:document_create",
        "programmes:task_create",
        "programmes:commitment_create",
    ):
        assert admin_client.get(reverse(name)).status_code == 200, name
    item = ProgrammeItem.objects.filter(depth=1).first()
    for name in ("programmes:item_create",):
        assert admin_client.get(reverse(name, args=[programme.pk])).status_code == 200
    assert admin_client.get(reverse("programmes:subitem_create", args=[item.pk])).status_code == 200


def test_flagged_items_overdue_and_at_risk(client, tree, programme, officer):
    bloc_item = programme.items.get(organization=tree["bloc"])
    commune_item = programme.items.get(organization=tree["commune"])
    today = timezone.localdate()
    ProgrammeItem.objects.filter(pk=bloc_item.pk).update(due_on=today - timedelta(days=3))
    ProgrammeItem.objects.filter(pk=commune_item.pk).update(due_on=today - timedelta(days=3))
    client.force_login(officer)
    body = client.get(reverse("programmes:flagged_items")).content.decode()
    assert bloc_item.get_absolute_url() in body
    assert commune_item.get_absolute_url() not in body  # outside the officer's subtree
    index = client.get(reverse("programmes:index")).content.decode()
    assert "1 mục quá hạn" in index
    ProgrammeItem.objects.filter(pk=bloc_item.pk).update(due_on=today + timedelta(days=5))
    soon = client.get(reverse("programmes:flagged_items"), {"show": "at_risk"}).content.decode()
    assert bloc_item.get_absolute_url() in soon


def test_cancel_item_screen(admin_client, tree, programme):
    commune_item = programme.items.get(organization=tree["commune"])
    url = reverse("programmes:item_cancel", args=[commune_item.pk])
    assert admin_client.post(url, {"cancel_reason": " "}).status_code == 200
    commune_item.refresh_from_db()
    assert commune_item.cancelled_on is None
    assert admin_client.post(url, {"cancel_reason": "Sáp nhập"}).status_code == 302
    page = admin_client.get(reverse("programmes:item_detail", args=[commune_item.pk]))
    assert "Đã hủy ngày" in page.content.decode()


def test_programme_docx_report_read_back(admin_client, client, tree, programme, officer):
    from docx import Document as DocxDocument

    leaf = programme.items.get(organization=tree["commune"])
    services.report_item_progress(
        leaf, percent=100, status="done", reported_on=timezone.localdate(), evidence="BC"
    )
    response = admin_client.get(reverse("programmes:programme_docx", args=[programme.pk]))
    assert response.status_code == 200
    doc = DocxDocument(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Đã hoàn thành 0/1 mục; tiến độ chung 50,0%" in text
    table = own_tables(doc)[0]
    assert table.rows[1].cells[1].text == "Kết nạp đảng viên mới"
    assert table.rows[1].cells[4].text == "50,0"
    assert len(doc.inline_shapes) == 1  # the chart
    client.force_login(officer)
    assert client.get(reverse("programmes:programme_docx", args=[programme.pk])).status_code == 404


def test_programme_as_of_date_and_picker(admin_client, client, tree, programme, officer):
    url = reverse("programmes:programme_detail", args=[programme.pk])
    response = admin_client.get(url, {"on": "01/01/2020"})  # before anything existed
    assert response.context["as_of"] == date(2020, 1, 1)
    assert response.context["summary"]["total"] == 0
    client.force_login(officer)
    pick = reverse("programmes:pick_org")
    body = client.get(pick, {"q": "so tu phap", "field": "id_org"}).content.decode()
    assert "Đảng bộ Sở Tư pháp" in body
    assert "Tân Lập" not in client.get(pick, {"q": "tan lap"}).content.decode()
    counts = client.get(reverse("programmes:document_counts")).content.decode()
    assert 'name="q"' in counts  # the org picker is on the page


def test_item_detail_query_count(admin_client, tree, programme, django_assert_max_num_queries):
    top = programme.items.get(depth=1)
    bloc_item = top.children.get(organization=tree["bloc"])
    services.cascade_item(bloc_item, organizations=[tree["committee"]])
    for n in range(15):
        services.add_item(
            programme=programme,
            parent=top,
            title=f"Phần việc {n}",
            expected_result="x",
            due_on=date(2026, 12, 1),
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("programmes:item_detail", args=[top.pk]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2 + 1 + 15
