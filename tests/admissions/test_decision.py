"""The admission decision (Quyết định kết nạp đảng viên): issued from an admitted file on the
issuing committee's paper, numbered in its register of outgoing documents, kept with its
SHA-256 and found again from the member's page. Read back with python-docx."""

import hashlib
import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from dangbo.admissions.rules import Stage
from dangbo.committees.models import PartyPost, PostPeriod, StartKind
from dangbo.organizations.documents import issuing_org_for_admission
from dangbo.organizations.models import OutgoingDocument
from tests import factories
from tests.admissions.helpers import open_file, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])


def _texts(content: bytes) -> tuple[list[str], list[str]]:
    doc = Document(io.BytesIO(content))
    cells = [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [p.text for p in doc.paragraphs], cells


def _secretary(tree, member):
    PostPeriod.objects.create(
        organization=tree["committee"],
        member=member,
        post=PartyPost.SECRETARY,
        valid_from=date(2020, 1, 1),
        start_kind=StartKind.ELECTED,
    )


def test_decision_is_issued_numbered_kept_and_found_again(client, tree, officer):
    _secretary(tree, tree["members_a"][0])
    file = walk(open_file(tree), tree, Stage.DECIDED)
    client.force_login(officer)
    response = client.post(reverse("admissions:decision", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    body, cells = _texts(response.content)
    # the letterhead of the deciding committee (the grassroots committee above the cell)
    for expected in [
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        "ĐẢNG ỦY SỞ TƯ PHÁP",
        "*",
        "Số 1-QĐ/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Sông Hồng, ngày 20 tháng 03 năm 2025",  # the decision day of the file
        # the signing block of a party committee without a standing committee, signed
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nguyễn Văn Bình",
        "Nơi nhận:",
        "- Như Điều 2;",
    ]:
        assert expected in cells, expected
    assert body[:2] == ["QUYẾT ĐỊNH", "về việc kết nạp đảng viên"]
    text = "\n".join(body)
    assert "Điều 1. Kết nạp quần chúng Võ Minh Khang, sinh ngày 01/01/2000" in text
    assert "Điều 2. Chi bộ Văn phòng" in text
    # kept in the register with its checksum
    document = OutgoingDocument.objects.get()
    assert (document.organization, document.year, document.number) == (tree["committee"], 2025, 1)
    assert document.reference == "1-QĐ/ĐU" and document.signer == "Nguyễn Văn Bình"
    assert document.subject_member == file.member and document.issued_on == date(2025, 3, 20)
    assert document.checksum == hashlib.sha256(response.content).hexdigest()
    # asked again: the same document, same number, same bytes
    again = client.post(reverse("admissions:decision", args=[file.pk]))
    assert again.content == response.content and OutgoingDocument.objects.count() == 1
    # found again from the member's page, downloaded as kept
    page = client.get(reverse("members:detail", args=[file.member.pk])).content.decode()
    url = reverse("organizations:document_file", args=[document.pk])
    assert url in page and "Quyết định kết nạp đảng viên số 1-QĐ/ĐU" in page
    assert client.get(url).content == response.content


def test_next_decision_of_the_year_takes_the_next_number(client, tree, officer):
    first = walk(open_file(tree), tree, Stage.DECIDED)
    second = walk(
        open_file(tree, full_name="Đỗ Văn Nam", id_number="079199005555"), tree, Stage.DECIDED
    )
    client.force_login(officer)
    client.post(reverse("admissions:decision", args=[first.pk]))
    response = client.post(reverse("admissions:decision", args=[second.pk]))
    _body, cells = _texts(response.content)
    assert "Số 2-QĐ/ĐU" in cells
    assert "T/M ĐẢNG ỦY" in cells  # nobody holds the posts: the signer's name is left blank
    numbers = list(OutgoingDocument.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]


def test_no_decision_before_the_file_is_decided(client, tree, officer):
    file = walk(open_file(tree), tree, Stage.RECEIVED)
    client.force_login(officer)
    response = client.post(reverse("admissions:decision", args=[file.pk]), follow=True)
    assert "Hồ sơ chưa có quyết định kết nạp." in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_a_cell_officer_cannot_issue_the_committees_decision(client, tree):
    file = walk(open_file(tree), tree, Stage.DECIDED)
    cell_officer = factories.user("chibo", role_code="grassroots_committee", on=tree["cell_a"])
    client.force_login(cell_officer)
    response = client.post(reverse("admissions:decision", args=[file.pk]), follow=True)
    assert "Quyết định kết nạp do Đảng bộ Sở Tư pháp ban hành." in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_who_decides_an_admission(tree):
    assert issuing_org_for_admission(tree["cell_a"]) == tree["committee"]
    assert issuing_org_for_admission(tree["village"]) == tree["commune"]
