"""The documents issued from the records they concern (#25), read back with python-docx: the
decision recognising an official member, the discipline decision, the founding and merging
decisions of orgs, the minutes and the resolution of a cell meeting, and the badge ceremony
list. Each issued one is numbered in the issuer's register, kept (asked again: the same
bytes) and listed on the member's or the org's page with its «Tải PDF»."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from dangbo.admissions.rules import Stage
from dangbo.inspections import services as inspection_services
from dangbo.meetings import services as meeting_services
from dangbo.members import services as member_services
from dangbo.organizations.models import OrgEvent, OutgoingDocument
from dangbo.recognition.models import BadgeAward
from tests import factories
from tests.admissions.helpers import open_file, walk
from tests.meetings.conftest import held_meeting

pytestmark = pytest.mark.django_db


def _texts(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    lines += [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return "\n".join(lines)


def _issued_twice(client, url, data=None) -> tuple[str, OutgoingDocument]:
    first = client.post(url, data or {})
    assert first.status_code == 200, first.status_code
    assert first["Content-Type"].endswith("wordprocessingml.document")
    again = client.post(url, data or {})
    assert again.content == first.content
    document = OutgoingDocument.objects.latest("id")
    assert bytes(document.content) == first.content
    return _texts(first.content), document


def _listed(client, page_url, document) -> None:
    page = client.get(page_url).content.decode()
    kept = reverse("organizations:document_file", args=[document.pk])
    assert f"{kept}?export=pdf" in page, page[-3000:]
    assert document.reference in page


def test_recognition_decision_from_the_recognition_step(client, tree):
    file = walk(open_file(tree), tree, Stage.CEREMONY)
    client.force_login(factories.user("capuy", "grassroots_committee", on=tree["committee"]))
    url = reverse("admissions:decision", args=[file.pk])
    early = client.post(url, {"paper": "recognition"}, follow=True)
    assert "chưa được xét công nhận" in early.content.decode()
    file = walk_on_recognised(file)
    text, document = _issued_twice(client, url, {"paper": "recognition"})
    assert "về việc công nhận đảng viên chính thức" in text
    assert "là đảng viên chính thức của Đảng Cộng sản Việt Nam kể từ ngày 10/04/2026" in text
    assert "Số 1-QĐ/ĐU" in text and "T/M ĐẢNG ỦY" in text
    assert document.kind == OutgoingDocument.Kind.RECOGNITION_DECISION
    assert (document.issued_on, document.organization) == (date(2026, 4, 15), tree["committee"])
    _listed(client, reverse("members:detail", args=[file.member_id]), document)
    # the admission decision is another document of the same file: the next number
    client.post(url)
    assert OutgoingDocument.objects.latest("id").number == 1  # of its year, 2025


def walk_on_recognised(file):
    from tests.admissions.helpers import walk_on

    return walk_on(file, Stage.RECOGNISED)


def test_discipline_decision_from_the_case(client, tree):
    member = tree["members_a"][1]
    case = inspection_services.open_case(
        member=member,
        opened_on=date(2026, 6, 1),
        decision_number="20-QĐ/UBKT",
        authority="Ủy ban kiểm tra Đảng ủy",
        signs="Dấu hiệu vi phạm quy chế",
    )
    url = reverse("inspections:case_decision", args=[case.pk])
    client.force_login(factories.user("ubkt", "inspection_officer", on=tree["committee"]))
    early = client.post(url, follow=True)
    assert "chưa có quyết định kỷ luật" in early.content.decode()
    inspection_services.discipline_member(
        case,
        form="reprimand",
        decided_on=date(2026, 7, 1),
        decision_number="21-QĐ/UBKT",
        authority_org=tree["committee"],  # the deciding org issues the decision
        reason="Vi phạm quy chế làm việc",
    )
    text, document = _issued_twice(client, url)
    assert "về việc thi hành kỷ luật đảng viên" in text
    assert f"hình thức khiển trách đối với đồng chí {member.full_name}" in text
    assert "Căn cứ Quyết định kiểm tra số 20-QĐ/UBKT ngày 01/06/2026" in text
    assert "Lý do: Vi phạm quy chế làm việc" in text and "Số 1-QĐ/ĐU" in text
    assert document.subject_member == member and document.issued_on == date(2026, 7, 1)
    assert document.organization == tree["committee"]
    _listed(client, reverse("members:detail", args=[member.pk]), document)
    # the case page offers it
    page = client.get(reverse("inspections:case", args=[case.pk])).content.decode()
    assert url in page and "Quyết định kỷ luật (PDF)" in page


def test_founding_and_merging_decisions_from_the_org_events(client, tree):
    admin = factories.user("bantc", "org_board_officer", on=tree["province"])
    client.force_login(admin)
    founded = OrgEvent.objects.get(organization=tree["cell_a"], kind="founded")
    url = reverse("organizations:event_decision", args=[founded.pk])
    text, document = _issued_twice(client, url)
    assert "về việc thành lập Chi bộ Văn phòng" in text
    assert "Thành lập Chi bộ Văn phòng" in text and "trực thuộc Đảng bộ Sở Tư pháp" in text
    assert document.organization == tree["committee"]  # the superior decides
    assert document.kind == OutgoingDocument.Kind.FOUNDING_DECISION
    _listed(client, reverse("organizations:detail", args=[tree["cell_a"].pk]), document)
    # merging cell_b into cell_a: the decision names both
    member_services.merge_orgs(
        [tree["cell_b"]],
        tree["cell_a"],
        decision=_decision(),
        user=admin,
    )
    merged = OrgEvent.objects.get(organization=tree["cell_b"], kind="merged")
    text, document = _issued_twice(
        client, reverse("organizations:event_decision", args=[merged.pk])
    )
    assert "Hợp nhất Chi bộ Phòng Nghiệp vụ vào Chi bộ Văn phòng" in text, text
    assert document.kind == OutgoingDocument.Kind.MERGER_DECISION


def _decision():
    return factories.decision(date(2026, 9, 1), "15-QĐ/ĐU")


def test_meeting_minutes_and_resolution(client, tree):
    members = tree["members_a"]
    meeting = held_meeting(
        tree["cell_a"],
        members,
        statuses={members[2].pk: ("excused", "Đi công tác")},
    )
    client.force_login(factories.user("bithu", "cell_secretary", on=tree["cell_a"]))
    url = reverse("meetings:paper", args=[meeting.pk])
    refused = client.post(url, {"paper": "resolution"}, follow=True)
    assert "chưa có nghị quyết" in refused.content.decode()
    meeting_services.adopt_resolution(
        meeting,
        content="Tập trung hoàn thành kế hoạch quý II",
        tasks=[meeting_services.TaskInput("Rà soát hồ sơ", members[0].pk, date(2026, 4, 1))],
    )
    text, minutes = _issued_twice(client, url, {"paper": "minutes"})
    assert "BIÊN BẢN" in text and "sinh hoạt chi bộ tháng 03/2026" in text
    assert f"Chủ trì: đồng chí {members[0].full_name}" in text
    assert f"Vắng có lý do: {members[2].full_name} (Đi công tác)" in text
    assert "CHỦ TRÌ" in text and "THƯ KÝ" in text and "Số 1-BB/CB" in text
    assert minutes.signed_as == "CHỦ TRÌ" and minutes.signer == members[0].full_name
    text, resolution = _issued_twice(client, url, {"paper": "resolution"})
    assert "QUYẾT NGHỊ:" in text and "1. Tập trung hoàn thành kế hoạch quý II" in text
    assert f"Rà soát hồ sơ: đồng chí {members[0].full_name} thực hiện" in text
    assert "Số 2-NQ/CB" in text and "Nơi nhận:" in text
    _listed(client, reverse("organizations:detail", args=[tree["cell_a"].pk]), resolution)


def test_badge_ceremony_list_as_word(client, tree):
    member = tree["members_a"][0]
    BadgeAward.objects.create(
        member=member,
        milestone=30,
        award_date=date(2025, 9, 2),
        status="awarded",
        reason="Đủ 30 năm tuổi đảng",
        decision_number="125-QĐ/TU",
        decided_on=date(2025, 8, 20),
    )
    client.force_login(factories.user("bantc", "org_board_officer", on=tree["committee"]))
    url = reverse("recognition:ceremony")
    query = {"org": tree["committee"].pk, "day": "02/09/2025", "export": "docx"}
    response = client.get(url, query)
    assert response.status_code == 200
    text = _texts(response.content)
    assert "DANH SÁCH ĐẢNG VIÊN ĐƯỢC TẶNG HUY HIỆU ĐẢNG ĐỢT 02/09/2025" in text
    assert member.full_name in text and "125-QĐ/TU ngày 20/08/2025" in text
    assert "Danh sách có 1 đồng chí." in text


def test_member_record_form(client, tree):
    member = tree["members_a"][0]
    client.force_login(factories.user("bithu", "cell_secretary", on=tree["cell_a"]))
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    url = reverse("members:record_form", args=[member.pk])
    assert url in page and f"{url}?export=pdf" in page
    response = client.get(url)
    assert response.status_code == 200
    text = _texts(response.content)
    assert "PHIẾU ĐẢNG VIÊN" in text and member.full_name in text
    assert f"{member.admitted_on:%d/%m/%Y}" in text and "Chi bộ Văn phòng" in text
    assert "T/M CHI ỦY" in text  # signed for the cell
