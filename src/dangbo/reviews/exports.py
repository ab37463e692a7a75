"""A review year's results for a subtree: the classification table as an XLSX workbook
(openpyxl) and the report as a DOCX document (python-docx)."""

from openpyxl.styles import Font

from dangbo.core.exports import SafeWorkbook, cell, new_document, new_workbook
from dangbo.reviews import rules, services
from dangbo.reviews.models import MemberReview, OrgReview

MEMBER_HEADER = [
    "STT",
    "Họ và tên",
    "Chi bộ",
    "Điểm chung",
    "Điểm nhiệm vụ",
    "Tổng điểm",
    "Mức tính theo điểm",
    "Chi bộ đề xuất",
    "Cấp ủy quyết định",
    "Kết quả cuối cùng",
    "Không xếp loại (lý do)",
]
ORG_HEADER = ["STT", "Tổ chức đảng", "Loại", "Tổng điểm", "Mức tính theo điểm", "Kết quả"]


def _grade(code: str) -> str:
    return rules.GRADE_SHORT.get(code, "") if code else ""


def _number(value):
    return float(value) if value is not None else None


def classification_xlsx(review_year, org) -> tuple[SafeWorkbook, int]:
    """The workbook and how many member rows it holds."""
    workbook = new_workbook(write_only=True, org=org)
    bold = Font(bold=True)

    summary = workbook.create_sheet("Tổng hợp")
    summary.append([f"Kết quả đánh giá, xếp loại năm {review_year.year} — {org.name}"])
    summary.append(
        [
            "Đối tượng",
            *(rules.GRADE_SHORT[g] for g in reversed(rules.GRADES)),
            "Tỷ lệ HTTNV trở lên (%)",
            "Tỷ lệ HTXSNV (%)",
        ]
    )
    (year,) = services.shares(org.path, [review_year.year]) or [None]
    if year is not None:
        for label, counts, shares in (
            ("Đảng viên", year.members, year.member_shares),
            ("Tổ chức cơ sở đảng", year.grassroots, year.grassroots_shares),
            ("Chi bộ trực thuộc", year.cells, year.cell_shares),
        ):
            summary.append(
                [
                    label,
                    *(counts.get(g, 0) for g in reversed(rules.GRADES)),
                    _number(shares["good_or_better"]),
                    _number(shares[rules.EXCELLENT]),
                ]
            )

    members = workbook.create_sheet("Đảng viên")
    members.append([_bold(members, h, bold) for h in MEMBER_HEADER])
    rows = (
        MemberReview.objects.filter(
            review_year=review_year, organization__path__startswith=org.path
        )
        .select_related("member", "organization")
        .order_by("organization__path", "member__name_search", "id")
    )
    number = 0
    for number, r in enumerate(rows.iterator(chunk_size=2000), start=1):
        members.append(
            [
                number,
                r.member.full_name,
                r.organization.name,
                _number(r.general_score),
                _number(r.task_score),
                _number(r.total_score),
                _grade(r.proposed_grade),
                _grade(r.cell_grade),
                _grade(r.committee_grade),
                _grade(r.final_grade),
                r.get_exemption_display() if r.exemption else "",
            ]
        )

    orgs = workbook.create_sheet("Tổ chức đảng")
    orgs.append([_bold(orgs, h, bold) for h in ORG_HEADER])
    org_rows = (
        OrgReview.objects.filter(
            review_year=review_year, organization__path__startswith=org.path, is_classified=True
        )
        .select_related("organization__org_type")
        .order_by("organization__path")
    )
    for number, r in enumerate(org_rows, start=1):
        orgs.append(
            [
                number,
                r.organization.name,
                r.organization.org_type.name,
                _number(r.total_score),
                _grade(r.proposed_grade),
                _grade(r.final_grade),
            ]
        )
    return workbook, number


def _bold(sheet, value, font):
    return cell(sheet, value, font=font)


def _pct(value) -> str:
    return "—" if value is None else rules.points(value)


def _table(doc, header: list[str], rows: list[list]):
    return doc.table(header, rows, bold=True)


def classification_docx(review_year, org, today) -> tuple[object, int]:
    """The year's report: shares for members, grassroots orgs and cells, the years compared
    (with multi-year averages), and member grades per subordinate org. Returns the document
    (a core.exports DocumentWriter) and how many table rows it holds."""
    doc = new_document(org=org)
    doc.heading(f"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI NĂM {review_year.year}", level=1)
    state = "đã kết thúc" if not review_year.is_open else "đang đánh giá (số liệu tạm thời)"
    doc.paragraph(f"{org.name} — đợt đánh giá {state}; số liệu đến ngày {today:%d/%m/%Y}.")
    grades = list(reversed(rules.GRADES))
    short = [rules.GRADE_SHORT[g] for g in grades]
    rows = _grades_section(doc, review_year, org, grades, short)
    rows += _years_section(doc, review_year, org)
    rows += _children_section(doc, review_year, org, grades, short)
    return doc, rows


def _grades_section(doc, review_year, org, grades, short) -> int:
    doc.heading("1. Kết quả xếp loại", level=2)
    (year,) = services.shares(org.path, [review_year.year]) or [None]
    summary = []
    if year is not None:
        for label, counts, shares in (
            ("Đảng viên", year.members, year.member_shares),
            ("Tổ chức cơ sở đảng", year.grassroots, year.grassroots_shares),
            ("Chi bộ trực thuộc", year.cells, year.cell_shares),
        ):
            summary.append(
                [
                    label,
                    *(counts.get(g, 0) for g in grades),
                    counts.get("exempt", 0) if label == "Đảng viên" else "",
                    counts.get("pending", 0),
                    _pct(shares["good_or_better"]),
                    _pct(shares[rules.EXCELLENT]),
                ]
            )
    _table(
        doc,
        [
            "Đối tượng",
            *short,
            "Không xếp loại",
            "Chưa có kết quả",
            "HTTNV trở lên (%)",
            "HTXSNV (%)",
        ],
        summary,
    )
    return len(summary)


def _years_section(doc, review_year, org) -> int:
    doc.heading("2. So sánh các năm", level=2)
    years = [y for y in services.shares(org.path) if y.year <= review_year.year]
    history = [
        [
            y.year,
            _pct(y.member_shares[rules.EXCELLENT]),
            _pct(y.member_shares[rules.GOOD]),
            _pct(y.member_shares["good_or_better"]),
            _pct(y.grassroots_shares["good_or_better"]),
        ]
        for y in years
    ]
    if years:
        avg = services.averages(years)
        history.append(
            [
                "Bình quân",
                _pct(avg[rules.EXCELLENT]),
                _pct(avg[rules.GOOD]),
                _pct(avg["good_or_better"]),
                _pct(avg["grassroots_good_or_better"]),
            ]
        )
    _table(
        doc,
        [
            "Năm",
            "Đảng viên HTXSNV (%)",
            "Đảng viên HTTNV (%)",
            "Đảng viên HTTNV trở lên (%)",
            "TCCSĐ HTTNV trở lên (%)",
        ],
        history,
    )
    return len(history)


def _children_section(doc, review_year, org, grades, short) -> int:
    from dangbo.organizations.models import Organization

    doc.heading("3. Xếp loại đảng viên theo tổ chức trực thuộc", level=2)
    by_child = services.grades_by_child(review_year, org)
    names = dict(Organization.objects.filter(path__in=list(by_child)).values_list("path", "name"))
    children = []
    for number, path in enumerate(sorted(by_child), start=1):
        counts = by_child[path]
        children.append(
            [
                number,
                names.get(path, path),
                *(counts.get(g, 0) for g in grades),
                counts.get("exempt", 0),
                counts.get("pending", 0),
            ]
        )
    _table(
        doc,
        ["STT", "Tổ chức đảng", *short, "Không xếp loại", "Chưa có kết quả"],
        children,
    )
    return len(children)
