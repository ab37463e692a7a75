"""The badge ceremony list (Danh sách đảng viên được tặng Huy hiệu Đảng) of an award day, from
the awards decided for it under an org: XLSX, DOCX (and PDF from it), on the org's paper."""

from dangbo.core.exports import new_document, new_workbook

HEADER = ["STT", "Họ và tên", "Năm sinh", "Chi bộ", "Huy hiệu", "Ngày vào Đảng", "Quyết định"]


def title(day) -> str:
    return f"DANH SÁCH ĐẢNG VIÊN ĐƯỢC TẶNG HUY HIỆU ĐẢNG ĐỢT {day:%d/%m/%Y}"


def rows(awards) -> list[list]:
    result = []
    for index, award in enumerate(awards, start=1):
        m = award.member
        result.append(
            [
                index,
                m.full_name,
                m.birth_date.year,
                m.organization.name,
                f"{award.milestone} năm",
                m.admitted_on.strftime("%d/%m/%Y"),
                f"{award.decision_number} ngày {award.decided_on:%d/%m/%Y}",
            ]
        )
    return result


def ceremony_workbook(org, day, awards):
    wb = new_workbook(write_only=True, org=org)
    ws = wb.create_sheet("Huy hieu")
    ws.append([title(day)])
    ws.append([org.name])
    ws.append(HEADER)
    for row in rows(awards):
        ws.append(row)
    return wb


def ceremony_document(org, day, awards):
    doc = new_document(org=org, title=[title(day), org.name])
    listed = rows(awards)
    doc.table(HEADER, listed, bold=True)
    doc.paragraph(f"Danh sách có {len(listed)} đồng chí.")
    return doc
