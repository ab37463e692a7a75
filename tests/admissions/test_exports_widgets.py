"""Per-step DOCX papers, the logged XLSX list and the home dashboard card."""

import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from docx import Document

from dangbo.admissions.exports import STEP_PAPERS
from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from tests import factories
from tests.admissions.helpers import open_file, walk


@pytest.fixture
def officer(tree):
    return factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_every_stage_has_its_paper():
    assert set(STEP_PAPERS) == set(Stage.ORDER)


def test_each_step_prints_its_own_paper_and_is_logged(client, tree, officer):
    file = walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(officer)
    detail = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    for step in file.steps.all():
        assert reverse("admissions:step_docx", args=[file.pk, step.pk]) in detail
    vote = file.steps.get(stage=Stage.CELL_VOTED)
    response = client.get(reverse("admissions:step_docx", args=[file.pk, vote.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = _text(response.content)
    assert "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN" in text
    assert "Võ Minh Khang" in text and "2/2 tán thành" in text and "10/02/2025" in text
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["stage"] == Stage.CELL_VOTED and entry.actor == officer
    decided = file.steps.get(stage=Stage.DECIDED)
    text = _text(client.get(reverse("admissions:step_docx", args=[file.pk, decided.pk])).content)
    assert "QUYẾT ĐỊNH KẾT NẠP ĐẢNG VIÊN" in text and "Số: 123-QĐ/ĐUK" in text
    introduced = file.steps.get(stage=Stage.INTRODUCED)
    text = _text(client.get(reverse("admissions:step_docx", args=[file.pk, introduced.pk])).content)
    assert "Nguyễn Văn Bình (công tác cùng từ 01/01/2020)" in text


def test_step_of_another_file_or_outside_is_404(client, tree, officer):
    one = walk(open_file(tree), tree, Stage.COURSE)
    two = open_file(tree, full_name="Đỗ Văn Nam", id_number="079199005555")
    client.force_login(officer)
    step = one.steps.first()
    assert client.get(reverse("admissions:step_docx", args=[two.pk, step.pk])).status_code == 404
    outsider = factories.user("xa", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    assert client.get(reverse("admissions:step_docx", args=[one.pk, step.pk])).status_code == 404


def test_list_xlsx_and_file_docx_go_through_the_export_log(client, tree, officer):
    walk(open_file(tree), tree, Stage.RECEIVED)
    client.force_login(officer)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = client.get(reverse("admissions:index"), {"export": "xlsx"})
    assert response.status_code == 200
    file = AdmissionFile.objects.get()
    assert client.get(reverse("admissions:docx", args=[file.pk])).status_code == 200
    exports = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)[:10]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() >= before + 2
    assert {e.additional_data.get("export") for e in exports} >= {"hồ sơ kết nạp"}


def test_dashboard_card_shows_overdue_files_in_the_subtree(client, tree, officer):
    walk(open_file(tree), tree, Stage.RECEIVED)  # the decision is long overdue
    client.force_login(officer)
    body = client.get(reverse("home")).content.decode()
    assert 'data-widget="admissions.deadlines"' in body
    assert "Hồ sơ quá hạn" in body and "Võ Minh Khang" in body
    outsider = factories.user("xa", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(outsider)
    body = client.get(reverse("home")).content.decode()
    assert "Võ Minh Khang" not in body
    assert "Không có hồ sơ kết nạp quá hạn" in body
    viewer = factories.user("xem", role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    assert 'data-widget="admissions.deadlines"' not in client.get(reverse("home")).content.decode()


def test_dashboard_query_count(client, tree, officer, django_assert_max_num_queries):
    for i in range(5):
        walk(
            open_file(tree, full_name=f"Người Số {i}", id_number=f"0792000099{i:02d}"),
            tree,
            Stage.RECEIVED,
        )
    client.force_login(officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("home")).status_code == 200
