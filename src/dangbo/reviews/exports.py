"""The classification table of a subtree for one year, as an XLSX workbook (openpyxl)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

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


def classification_xlsx(review_year, org) -> bytes:
    workbook = Workbook(write_only=True)
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
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold(sheet, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell
