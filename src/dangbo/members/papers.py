"""The member record form (Phiếu đảng viên, mẫu 2-HSĐV) from the register: identity, party
dates, education, placements and discipline, on the paper of the member's cell (signed for
the cell, not numbered), as DOCX and PDF from the member's page. The ID number shows as the
reader may see it (`core.exports.IdentityMask`)."""

from dangbo.core.exports import new_document

TITLE = ["PHIẾU ĐẢNG VIÊN"]


def _d(day) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def _choice(member, name: str) -> str:
    value = getattr(member, name)
    return getattr(member, f"get_{name}_display")() if value else "—"


def record_form(member, mask):
    """The form of `member` as a `DocumentWriter`; `mask` is the reader's IdentityMask."""
    doc = new_document(org=member.organization, title=TITLE)
    doc.paragraph(f"Số lý lịch: {member.history_number or '—'}", align="center")
    doc.heading("I. Sơ lược lý lịch", level=3)
    doc.table(
        None,
        [
            ["Họ và tên", member.full_name],
            ["Giới tính", member.get_gender_display()],
            ["Ngày sinh", _d(member.birth_date)],
            ["Quê quán", member.place_of_origin or "—"],
            ["Dân tộc", _choice(member, "ethnicity")],
            ["Tôn giáo", _choice(member, "religion")],
            ["Số định danh cá nhân", mask(member.id_number, member.org_path) or "—"],
            ["Nghề nghiệp", _choice(member, "occupation")],
            ["Nơi làm việc", member.workplace or "—"],
            ["Trình độ học vấn", _choice(member, "education")],
            ["Chuyên môn", _choice(member, "qualification")],
            ["Lý luận chính trị", _choice(member, "theory_level")],
        ],
    )
    doc.heading("II. Quá trình trong Đảng", level=3)
    doc.table(
        None,
        [
            ["Ngày vào Đảng", _d(member.admitted_on)],
            ["Ngày chính thức", _d(member.official_on)],
            ["Tình trạng", f"{member.get_status_display()} từ {_d(member.status_since)}"],
            ["Chi bộ đang sinh hoạt", member.organization.name],
        ],
    )
    placements = [
        [p.organization.name, _d(p.valid_from), _d(p.valid_to) if p.valid_to else "nay"]
        for p in member.placements.select_related("organization")
    ]
    if placements:
        doc.heading("III. Nơi sinh hoạt", level=3)
        doc.table(["Chi bộ", "Từ ngày", "Đến ngày"], placements, bold=True)
    disciplines = [
        [d.get_form_display(), f"{d.decision_number} ngày {_d(d.decided_on)}", d.authority]
        for d in member.disciplines.filter(annulled_on=None)
    ]
    doc.heading("IV. Kỷ luật", level=3)
    if disciplines:
        doc.table(["Hình thức", "Quyết định", "Cấp quyết định"], disciplines, bold=True)
    else:
        doc.paragraph("Không.")
    return doc
