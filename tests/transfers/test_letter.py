"""The introduction letter of a transfer (Giấy giới thiệu sinh hoạt đảng): issued by the
sending grassroots organisation on its paper, numbered in its register, kept and found again
from the member's page. Read back with python-docx."""

import hashlib
import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from dangbo.organizations.models import OutgoingDocument
from dangbo.transfers import services
from tests import factories

pytestmark = pytest.mark.django_db


def _texts(content: bytes) -> tuple[str, list[str]]:
    doc = Document(io.BytesIO(content))
    cells = [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join(p.text for p in doc.paragraphs), cells


def test_letter_is_issued_by_the_sending_side_and_kept(client, tree):
    member = tree["members_b"][0]
    transfer = services.issue(
        member, to_org=tree["cell_a"], on=date(2026, 10, 1), paper_number="12"
    )
    officer = factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(officer)
    detail = client.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    assert reverse("transfers:letter", args=[transfer.pk]) in detail
    response = client.post(reverse("transfers:letter", args=[transfer.pk]))
    assert response.status_code == 200
    body, cells = _texts(response.content)
    for expected in [
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        "ĐẢNG ỦY SỞ TƯ PHÁP",
        "Số 1-GGT/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sông Hồng, ngày 01 tháng 10 năm 2026",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nơi nhận:",
    ]:
        assert expected in cells, expected
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in body and "Kính gửi: Chi bộ Văn phòng" in body
    assert "giới thiệu đồng chí Phạm Quang Dũng, sinh ngày 15/03/1985" in body
    assert "Được chuyển sinh hoạt đảng chính thức đến Chi bộ Văn phòng." in body
    letter = OutgoingDocument.objects.get()
    assert letter.kind == OutgoingDocument.Kind.TRANSFER_LETTER
    assert letter.organization == tree["committee"] and letter.subject_member == member
    assert letter.checksum == hashlib.sha256(response.content).hexdigest()
    again = client.post(reverse("transfers:letter", args=[transfer.pk]))
    assert again.content == response.content and OutgoingDocument.objects.count() == 1
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Giấy giới thiệu sinh hoạt đảng số 1-GGT/ĐU" in page


def test_the_receiving_side_does_not_issue_the_letter(client, tree):
    transfer = services.issue(
        tree["members_b"][0], to_org=tree["village"], on=date(2026, 10, 1), paper_number="12"
    )
    host = factories.user("xa", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(host)
    response = client.post(reverse("transfers:letter", args=[transfer.pk]), follow=True)
    assert "Giấy giới thiệu do tổ chức cơ sở đảng nơi đi cấp." in response.content.decode()
    assert not OutgoingDocument.objects.exists()
