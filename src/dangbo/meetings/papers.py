"""Documents of a held cell meeting, written from what was recorded (time, place, chair and
secretary, attendance with the reasons of absence, content, resolutions and their tasks), on
the cell's paper, numbered in its register of outgoing documents (`organizations.documents`)
and kept there:

- the minutes (Biên bản sinh hoạt chi bộ), signed by the chair and the secretary;
- the resolution (Nghị quyết chi bộ) of the meeting's resolutions, signed for the cell.

Issued once: a record corrected afterwards does not change a kept document.
"""

from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.core.exports import new_document
from dangbo.meetings.models import AttendanceStatus
from dangbo.organizations import documents
from dangbo.organizations.models import OutgoingDocument

MINUTES = OutgoingDocument.Kind.MEETING_MINUTES
RESOLUTION = OutgoingDocument.Kind.MEETING_RESOLUTION
RESOLUTION_RECIPIENTS = ["Cấp ủy cấp trên (để báo cáo)", "Đảng viên trong chi bộ", "Lưu chi bộ"]


def source_of(meeting, kind) -> str:
    return f"meetings.Meeting:{meeting.pk}:{kind}"


def _time(moment) -> str:
    return f"{timezone.localtime(moment):%H giờ %M}" if moment else "…"


def _month(meeting) -> str:
    return f"tháng {meeting.planned_on:%m/%Y}"


def _names(attendances, status) -> list[str]:
    rows = [a for a in attendances if a.status == status]
    return [f"{a.member.full_name}{f' ({a.reason})' if a.reason else ''}" for a in rows]


def minutes_body(doc, meeting) -> None:
    attendances = list(meeting.attendances.select_related("member"))
    chair = meeting.chair.full_name if meeting.chair else "…"
    secretary = meeting.secretary.full_name if meeting.secretary else "…"
    doc.paragraph(
        f"Vào lúc {_time(meeting.started_at)}, ngày {meeting.planned_on:%d/%m/%Y}, tại "
        f"{meeting.location or '…'}, {meeting.organization.name} tiến hành sinh hoạt "
        f"{meeting.get_kind_display().lower()}{f': {meeting.topic}' if meeting.topic else ''}.",
        align="justify",
    )
    doc.paragraph("I. THÀNH PHẦN").runs[0].bold = True
    doc.paragraph(f"Chủ trì: đồng chí {chair}. Thư ký: đồng chí {secretary}.")
    doc.paragraph(
        f"Đảng viên phải dự: {meeting.expected_count}; có mặt: {meeting.attended_count}; vắng có "
        f"lý do: {meeting.excused_count}; vắng không lý do: {meeting.unexcused_count}."
    )
    for label, status in (
        ("Vắng có lý do", AttendanceStatus.EXCUSED),
        ("Vắng không lý do", AttendanceStatus.UNEXCUSED),
    ):
        names = _names(attendances, status)
        if names:
            doc.paragraph(f"{label}: {', '.join(names)}.", align="justify")
    if meeting.guests:
        doc.paragraph(f"Khách mời: {meeting.guests}", align="justify")
    doc.paragraph("II. NỘI DUNG").runs[0].bold = True
    for text in (meeting.agenda, meeting.minutes):
        for line in (text or "").splitlines():
            if line.strip():
                doc.paragraph(line.strip(), align="justify")
    resolutions = list(meeting.resolutions.all())
    if resolutions:
        doc.paragraph("III. KẾT LUẬN, NGHỊ QUYẾT").runs[0].bold = True
        for number, resolution in enumerate(resolutions, start=1):
            doc.paragraph(f"{number}. {resolution.content}", align="justify")
    doc.paragraph(
        f"Buổi sinh hoạt kết thúc lúc {_time(meeting.ended_at)} cùng ngày. Biên bản đã được "
        "thông qua trước chi bộ."
    )
    doc.document.add_paragraph()
    doc._block(
        [("THƯ KÝ", {"bold": True}), *[("", {})] * 3, (secretary, {"bold": True})],
        [("CHỦ TRÌ", {"bold": True}), *[("", {})] * 3, (chair, {"bold": True})],
        left_mm=80,
    )


def resolution_body(doc, meeting) -> None:
    doc.paragraph(
        f"Ngày {meeting.planned_on:%d/%m/%Y}, {meeting.organization.name} họp sinh hoạt "
        f"{meeting.get_kind_display().lower()} {_month(meeting)}, có mặt "
        f"{meeting.attended_count}/{meeting.expected_count} đảng viên.",
        align="justify",
    )
    doc.paragraph("QUYẾT NGHỊ:", align="center").runs[0].bold = True
    for number, resolution in enumerate(meeting.resolutions.all(), start=1):
        doc.paragraph(f"{number}. {resolution.content}", align="justify")
        for task in resolution.tasks.select_related("owner"):
            doc.paragraph(
                f"- {task.description}: đồng chí {task.owner.full_name} thực hiện, hoàn thành "
                f"trước ngày {task.due_on:%d/%m/%Y}.",
                align="justify",
            )
    doc.paragraph(
        "Chi bộ giao chi ủy tổ chức thực hiện; đảng viên trong chi bộ có trách nhiệm thực hiện "
        "Nghị quyết này.",
        align="justify",
    )


def meeting_paper(meeting, kind: str, user) -> OutgoingDocument:
    """The minutes (`kind` MINUTES) or the resolution (RESOLUTION) of a held meeting."""
    kept = documents.issued_for(kind, source_of(meeting, kind))
    if kept is not None:
        return kept
    if not meeting.is_held:
        raise DomainError("Buổi sinh hoạt chưa được ghi nhận là đã họp.", "status")
    if kind == RESOLUTION and not meeting.resolutions.exists():
        raise DomainError("Buổi sinh hoạt chưa có nghị quyết.", "resolutions")
    minutes = kind == MINUTES

    def build(paper) -> bytes:
        doc = new_document(paper=paper)
        if minutes:
            minutes_body(doc, meeting)
            signed = paper.signing, paper.recipients
            paper.signing, paper.recipients = [], []  # signed in the body: chair and secretary
            body = doc.to_bytes()
            paper.signing, paper.recipients = ["CHỦ TRÌ"], signed[1]
            paper.signer = meeting.chair.full_name if meeting.chair else ""
            return body
        resolution_body(doc, meeting)
        return doc.to_bytes()

    word = "Biên bản" if minutes else "Nghị quyết"
    return documents.issue(
        org=meeting.organization,
        kind=kind,
        on=meeting.planned_on,
        subject=f"{word} sinh hoạt chi bộ {_month(meeting)}",
        build=build,
        file_name=f"{'bien-ban' if minutes else 'nghi-quyet'}-sinh-hoat-{meeting.pk}.docx",
        user=user,
        source=source_of(meeting, kind),
        subject_org=meeting.organization,
        title=["BIÊN BẢN" if minutes else "NGHỊ QUYẾT", f"sinh hoạt chi bộ {_month(meeting)}"],
        recipients=[] if minutes else RESOLUTION_RECIPIENTS,
    )


PAPERS = {"minutes": MINUTES, "resolution": RESOLUTION}
