"""XLSX and DOCX exports of committee lists, cadre lists, who-holds-what and planning lists
(each logged through core.exports)."""

from openpyxl.styles import Font

from dangbo.committees import queries
from dangbo.committees.models import AgencyCategory, PartyPost, PlanningCandidate, PostPeriod
from dangbo.core.exports import docx_response, new_document, new_workbook, xlsx_response

BOLD = Font(bold=True)


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    for n, _ in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = 24
    return count


def _d(day):
    return day.strftime("%d/%m/%Y") if day else ""


def committee_xlsx(request, org, on, seats):
    wb = new_workbook(org=org)
    rows = _sheet(
        wb,
        "Cấp ủy",
        ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ", "Từ ngày"],
        (
            [
                n,
                s.member.full_name,
                s.member.birth_date.year,
                s.member.get_gender_display(),
                s.labels,
                _d(min(p.valid_from for p in s.posts)),
            ]
            for n, s in enumerate(seats, start=1)
        ),
        first=True,
    )
    wb.active.insert_rows(1)
    wb.active["A1"] = f"{org.name} — cấp ủy ngày {_d(on)}"
    wb.active["A1"].font = BOLD
    return xlsx_response(
        request,
        wb,
        filename=f"cap-uy-{org.pk}-{on:%Y%m%d}.xlsx",
        what=PostPeriod,
        rows=rows,
        organization=org.pk,
        on=on.isoformat(),
    )


def holders_xlsx(request, root, on, party, agency):
    """Every post in force in a subtree: read as tuples (a province holds ~50,000) and written
    with openpyxl's write-only workbook."""
    posts = dict(PartyPost.choices)
    categories = dict(AgencyCategory.choices)
    wb = new_workbook(write_only=True, org=root)
    ws = wb.create_sheet("Chức vụ Đảng")
    ws.append(["Tổ chức", "Chức vụ", "Họ và tên", "Năm sinh", "Từ ngày"])
    rows = 0
    for org, post, name, born, since in party.values_list(*queries.PARTY_EXPORT):
        ws.append([org, posts[post], name, born.year, _d(since)])
        rows += 1
    ws = wb.create_sheet("Chính quyền, đoàn thể")
    ws.append(["Khối", "Chức vụ", "Cơ quan", "Họ và tên", "Chi bộ", "Từ ngày"])
    for category, title, agency_name, name, cell, since in agency.values_list(
        *queries.AGENCY_EXPORT
    ):
        ws.append([categories[category], title, agency_name, name, cell, _d(since)])
        rows += 1
    return xlsx_response(
        request,
        wb,
        filename=f"chuc-vu-{on:%Y%m%d}.xlsx",
        what=PostPeriod,
        rows=rows,
        organization=root.pk if root else None,
        on=on.isoformat(),
    )


def cadres_xlsx(request, org, on, groups):
    wb = new_workbook(org=org)
    lines = []
    for scope, rows in groups:
        for row in rows:
            if isinstance(row, PostPeriod):
                lines.append(
                    [
                        str(scope),
                        row.member.full_name,
                        row.get_post_display(),
                        row.organization.name,
                        _d(row.valid_from),
                    ]
                )
            else:
                lines.append(
                    [str(scope), row.member.full_name, row.title, row.agency, _d(row.valid_from)]
                )
    rows = _sheet(
        wb,
        "Cán bộ diện quản lý",
        ["Diện", "Họ và tên", "Chức vụ", "Nơi", "Từ ngày"],
        lines,
        first=True,
    )
    return xlsx_response(
        request,
        wb,
        filename=f"can-bo-dien-quan-ly-{org.pk}.xlsx",
        what=PostPeriod,
        rows=rows,
        organization=org.pk,
        on=on.isoformat(),
    )


def planning_xlsx(request, term, rows, composition):
    wb = new_workbook(org=term.organization)
    count = _sheet(
        wb,
        "Danh sách quy hoạch",
        [
            "Chức danh",
            "Họ và tên",
            "Năm sinh",
            "Giới tính",
            "Dân tộc",
            "Tuổi khi bắt đầu NK",
            "Lý luận chính trị",
            "Ngày vào quy hoạch",
            "Cảnh báo",
        ],
        (
            [
                row.post.title,
                c.member.full_name,
                c.member.birth_date.year,
                c.member.get_gender_display(),
                c.member.ethnicity,
                c.age_at_start,
                c.member.get_theory_level_display(),
                _d(c.added_on),
                "; ".join(c.warnings),
            ]
            for row in rows
            for c in row.candidates
        ),
        first=True,
    )
    labels = {"women": "Nữ", "young": "Trẻ", "ethnic_minority": "Dân tộc thiểu số"}
    _sheet(
        wb,
        "Cơ cấu",
        ["Tiêu chí", "Số người", "Tỷ lệ (%)", "Mục tiêu (%)", "Đạt"],
        (
            [
                label,
                composition[key]["count"],
                composition[key]["share"],
                composition[key]["target"],
                "Đạt" if composition[key]["met"] else "Chưa đạt",
            ]
            for key, label in labels.items()
        ),
    )
    return xlsx_response(
        request,
        wb,
        filename=f"quy-hoach-{term.pk}.xlsx",
        what=PlanningCandidate,
        rows=count,
        term=term.pk,
    )


COMPOSITION_LABELS = {"women": "Nữ", "young": "Trẻ", "ethnic_minority": "Dân tộc thiểu số"}


def planning_docx(request, term, rows, composition):
    """The planning report: list per post and the composition against the targets."""
    doc = new_document(org=term.organization)
    doc.heading(f"DANH SÁCH QUY HOẠCH NHIỆM KỲ {term.name}", level=1)
    doc.paragraph(
        f"{term.organization.name} — nhiệm kỳ bắt đầu {term.starts_on:%d/%m/%Y}; "
        f"tổng số {composition['total']} người trong quy hoạch."
    )
    count = 0
    for row in rows:
        doc.heading(row.post.title, level=2)
        if row.warning:
            doc.paragraph(row.warning)
        doc.table(
            ["STT", "Họ và tên", "Năm sinh", "Tuổi khi bắt đầu NK", "Lý luận chính trị"],
            (
                [
                    n,
                    c.member.full_name,
                    c.member.birth_date.year,
                    c.age_at_start,
                    c.member.get_theory_level_display(),
                ]
                for n, c in enumerate(row.candidates, start=1)
            ),
        )
        count += len(row.candidates)
    doc.heading("Cơ cấu", level=2)
    doc.table(
        ["Tiêu chí", "Số người", "Tỷ lệ (%)", "Mục tiêu (%)", "Kết quả"],
        (
            [
                label,
                composition[key]["count"],
                composition[key]["share"],
                composition[key]["target"],
                "Đạt" if composition[key]["met"] else "Chưa đạt",
            ]
            for key, label in COMPOSITION_LABELS.items()
        ),
    )
    return docx_response(
        request,
        doc,
        filename=f"quy-hoach-{term.pk}.docx",
        what=PlanningCandidate,
        rows=count,
        term=term.pk,
    )
