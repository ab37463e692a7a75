"""Documents the inspection work issues from its records, numbered in the issuing org's
register of outgoing documents (`organizations.documents`) and kept there:

- the discipline decision (Quyết định thi hành kỷ luật đảng viên) of a case that ended in
  discipline of a member, issued by the org that decided it (`Discipline.authority_org`; for
  decisions recorded before it was kept, the member's grassroots party organisation), dated
  on the decision day recorded, numbered in that org's register.
"""

from dangbo.core.errors import DomainError
from dangbo.organizations import documents
from dangbo.organizations.models import OutgoingDocument

DISCIPLINE = OutgoingDocument.Kind.DISCIPLINE_DECISION
TITLE = ["QUYẾT ĐỊNH", "về việc thi hành kỷ luật đảng viên"]
RECIPIENTS = ["Như Điều 2", "Ủy ban kiểm tra cấp trên", "Lưu hồ sơ đảng viên", "Lưu hồ sơ vụ việc"]


def source_of(case) -> str:
    return f"inspections.Case:{case.pk}"


def issuer_of(case):
    discipline = case.member_discipline
    if discipline is not None and discipline.authority_org_id:
        return discipline.authority_org
    member = case.member
    return documents.grassroots_of(member.organization if member else case.organization)


def discipline_body(doc, paper, case, discipline) -> None:
    member = case.member
    form = discipline.get_form_display().lower()
    documents.write_decision(
        doc,
        paper,
        [
            *documents.CHARTER_GROUNDS,
            "Căn cứ Quy định của Ban Chấp hành Trung ương về xử lý kỷ luật đảng viên vi phạm;",
            f"Căn cứ Quyết định kiểm tra số {case.decision_number} ngày "
            f"{case.opened_on:%d/%m/%Y} của {case.authority};",
            f"Xét kết luận kiểm tra của {case.authority},",
        ],
        [
            f"Thi hành kỷ luật bằng hình thức {form} đối với đồng chí {member.full_name}, sinh "
            f"ngày {member.birth_date:%d/%m/%Y}, đảng viên {member.organization.name}.",
            f"Lý do: {discipline.reason}",
            f"{member.organization.name}, các cơ quan liên quan và đồng chí {member.full_name} "
            "chịu trách nhiệm thi hành Quyết định này. Quyết định có hiệu lực kể từ ngày ký.",
        ],
    )
    doc.paragraph(
        "Đồng chí có quyền khiếu nại theo quy định của Điều lệ Đảng trong thời hạn một tháng kể "
        "từ ngày nhận Quyết định.",
        align="justify",
    ).runs[0].italic = True


def discipline_decision(case, user) -> OutgoingDocument:
    """The discipline decision of `case` (issued once, then handed back as kept)."""
    kept = documents.issued_for(DISCIPLINE, source_of(case))
    if kept is not None:
        return kept
    discipline = case.member_discipline
    if discipline is None or case.member_id is None:
        raise DomainError("Vụ việc chưa có quyết định kỷ luật đảng viên.", "outcome")

    return documents.issue(
        org=issuer_of(case),
        kind=DISCIPLINE,
        on=discipline.decided_on,
        subject=f"Kỷ luật {discipline.get_form_display().lower()} đồng chí {case.member.full_name}",
        build=documents.written_by(
            lambda doc, paper: discipline_body(doc, paper, case, discipline)
        ),
        file_name=f"quyet-dinh-ky-luat-{case.pk}.docx",
        user=user,
        source=source_of(case),
        subject_member=case.member,
        subject_org=case.organization,
        title=TITLE,
        recipients=RECIPIENTS,
    )
