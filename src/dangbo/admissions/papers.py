"""Documents the admission work issues from its records, numbered in the issuing org's register
of outgoing documents (`organizations.documents`) and kept there:

- the admission decision (Quyết định kết nạp đảng viên) of an admitted file, issued by the
  grassroots party committee (by the superior committee for a grassroots cell), dated on the
  decision day recorded in the file;
- the decision recognising an official member (Quyết định công nhận đảng viên chính thức),
  from the file's official-recognition step, by the same committee, dated on that step.
"""

from dangbo.admissions.rules import Stage
from dangbo.core.errors import DomainError
from dangbo.organizations import documents
from dangbo.organizations.models import OutgoingDocument

DECISION = OutgoingDocument.Kind.ADMISSION_DECISION
DECISION_TITLE = ["QUYẾT ĐỊNH", "về việc kết nạp đảng viên"]
DECISION_RECIPIENTS = ["Như Điều 2", "Lưu hồ sơ đảng viên", "Lưu văn phòng cấp ủy"]
RECOGNITION = OutgoingDocument.Kind.RECOGNITION_DECISION
RECOGNITION_TITLE = ["QUYẾT ĐỊNH", "về việc công nhận đảng viên chính thức"]


def source_of(file) -> str:
    return f"admissions.AdmissionFile:{file.pk}"


_authority = documents.decision_authority


def decision_body(doc, paper, file) -> None:
    """The decision's text after its title: grounds, the articles."""
    cell = file.organization.name
    doc.paragraph(_authority(paper), align="center").runs[0].bold = True
    for ground in (
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        "Căn cứ Quy định thi hành Điều lệ Đảng và hướng dẫn của Trung ương về công tác đảng "
        "viên hiện hành;",
        f"Xét đề nghị của {cell} và hồ sơ của quần chúng {file.full_name},",
    ):
        doc.paragraph(ground, align="justify").runs[0].italic = True
    doc.paragraph("QUYẾT ĐỊNH:", align="center").runs[0].bold = True
    origin = f", quê quán {file.place_of_origin}" if file.place_of_origin else ""
    doc.paragraph(
        f"Điều 1. Kết nạp quần chúng {file.full_name}, sinh ngày {file.birth_date:%d/%m/%Y}"
        f"{origin}, vào Đảng Cộng sản Việt Nam. Thời gian dự bị là 12 tháng, kể từ ngày chi bộ "
        "tổ chức lễ kết nạp.",
        align="justify",
    )
    doc.paragraph(
        f"Điều 2. {cell}, các cơ quan liên quan và đồng chí {file.full_name} chịu trách nhiệm "
        "thi hành Quyết định này.",
        align="justify",
    )


def admission_decision(file, user) -> OutgoingDocument:
    """The admission decision of `file` (issued once, then handed back as kept)."""
    kept = documents.issued_for(DECISION, source_of(file))
    if kept is not None:
        return kept
    if file.member_id is None or file.decided_on is None:
        raise DomainError("Hồ sơ chưa có quyết định kết nạp.", "stage")
    issuer = documents.issuing_org_for_admission(file.organization)

    return documents.issue(
        org=issuer,
        kind=DECISION,
        on=file.decided_on,
        subject=f"Kết nạp đảng viên {file.full_name}",
        build=documents.written_by(lambda doc, paper: decision_body(doc, paper, file)),
        file_name=f"quyet-dinh-ket-nap-{file.pk}.docx",
        user=user,
        source=source_of(file),
        subject_member=file.member,
        subject_org=file.organization,
        title=DECISION_TITLE,
        recipients=DECISION_RECIPIENTS,
    )


def recognition_source(file) -> str:
    return f"admissions.AdmissionFile:{file.pk}:recognition"


def recognition_body(doc, paper, file, step) -> None:
    cell = file.organization.name
    documents.write_decision(
        doc,
        paper,
        [
            *documents.CHARTER_GROUNDS,
            f"Xét đề nghị của {cell} về việc công nhận đảng viên chính thức cho đảng viên dự bị "
            f"{file.full_name},",
        ],
        [
            f"Công nhận đồng chí {file.full_name}, sinh ngày {file.birth_date:%d/%m/%Y}, kết nạp "
            f"vào Đảng ngày {file.decided_on:%d/%m/%Y}, là đảng viên chính thức của Đảng Cộng sản "
            f"Việt Nam kể từ ngày {file.probation_ends_on:%d/%m/%Y}.",
            f"{cell}, các cơ quan liên quan và đồng chí {file.full_name} chịu trách nhiệm thi hành "
            "Quyết định này.",
        ],
    )


def recognition_decision(file, user) -> OutgoingDocument:
    """The decision recognising the file's member as an official member (issued once)."""
    kept = documents.issued_for(RECOGNITION, recognition_source(file))
    if kept is not None:
        return kept
    step = file.steps.filter(stage=Stage.RECOGNISED).last()
    if step is None or file.member_id is None or file.probation_ends_on is None:
        raise DomainError("Hồ sơ chưa được xét công nhận đảng viên chính thức.", "stage")
    issuer = documents.issuing_org_for_admission(file.organization)

    return documents.issue(
        org=issuer,
        kind=RECOGNITION,
        on=step.date,
        subject=f"Công nhận đảng viên chính thức {file.full_name}",
        build=documents.written_by(lambda doc, paper: recognition_body(doc, paper, file, step)),
        file_name=f"quyet-dinh-cong-nhan-chinh-thuc-{file.pk}.docx",
        user=user,
        source=recognition_source(file),
        subject_member=file.member,
        subject_org=file.organization,
        title=RECOGNITION_TITLE,
        recipients=DECISION_RECIPIENTS,
    )


# What the decision screen issues, by the `paper` posted (the admission decision by default).
PAPERS = {"": admission_decision, "recognition": recognition_decision}
