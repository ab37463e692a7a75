"""Importing past years' classification results (kết quả xếp loại): preview with errors naming
row and column, commit through reviews.services.record_past_results, rollback, export round
trip, the correction path for years closed through the process, and exact org tallies."""

from datetime import date

import pytest

from dangbo.core.errors import DomainError
from dangbo.core.models import Role, RoleAssignment
from dangbo.demo import reviews as demo
from dangbo.imports import services
from dangbo.imports.rules import REVIEW_SHAPE
from dangbo.reviews import rules
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview, OrgReview, ReviewStep, ReviewYear
from tests import factories
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_exports import save, sheet_rows
from tests.reviews.test_services import _assert_tallies_exact

HEADERS = [c.label for c in REVIEW_SHAPE.columns]
FUTURE = date.today().year + 1


def row(member=None, year=2023, grade="Hoàn thành tốt nhiệm vụ", **values):
    values = {"year": year, "grade": grade, **values}
    if member is not None:
        values.setdefault("id", member.pk)
        values.setdefault("full_name", member.full_name)
    return [values.get(c.field) for c in REVIEW_SHAPE.columns]


def errors_of(job) -> dict:
    return {(e["row"], e["column"].split(" (cột")[0]): e["message"] for e in job.report["errors"]}


def assert_all_tallies_exact():
    for year in ReviewYear.objects.all():
        _assert_tallies_exact(year)


def test_preview_finds_members_and_names_row_column_and_problem(tree, officer, run_import):
    a1, a2, a3 = tree["members_a"]
    (b1,) = tree["members_b"]
    twin = factories.member(tree["cell_b"], "Nguyễn Văn Bình")  # same name and birth as a1
    review_services.open_year(organization=tree["committee"], year=2025)
    content = xlsx_bytes(
        HEADERS,
        [
            row(a1),  # 2: by system id
            row(a2, year=2022, grade="htxsnv", id=None, id_number=a2.id_number),  # 3: ID number
            row(
                full_name="pham quang dung", birth_date="15/03/1985", grade="hoan thanh"
            ),  # 4: name without diacritics + birth date
            row(full_name="Nguyễn Văn Bình", birth_date="15/03/1985"),  # 5: two of them
            row(
                full_name="Nguyễn Văn Bình",
                birth_date="15/03/1985",
                organization="Chi bộ Phòng Nghiệp vụ",
                year="Năm 2023",
            ),  # 6: the cell tells them apart
            row(id=999999, full_name="Ai Đó"),  # 7
            row(a3, year=FUTURE),  # 8
            row(a3, grade="Giỏi"),  # 9
            row(a1, grade="Hoàn thành"),  # 10: same member and year as row 2
            row(tree["village_members"][0]),  # 11: outside the bloc
            row(a3, full_name="Người Khác"),  # 12
            row(a3, year="hai nghìn"),  # 13
            row(a2, year=2025),  # 14: the open year
            row(a3, year=2021, grade=None, exemption="Miễn sinh hoạt"),  # 15: not classified
        ],
        title="Kết quả xếp loại",
    )
    job = run_import(officer, tree["bloc"], content, kind="reviews")
    assert job.state == "previewed", job.error_message
    assert job.counts == {
        "create": 5,
        "update": 0,
        "unchanged": 0,
        "error": 9,
        "total": 14,
    }, job.report["errors"]
    errors = errors_of(job)
    assert "Có 2 đảng viên «Nguyễn Văn Bình» sinh ngày 15/03/1985" in errors[(5, "Họ và tên")]
    assert "mã hệ thống 999999" in errors[(7, "Mã hệ thống đảng viên")]
    assert errors[(8, "Năm đánh giá *")] == f"Năm {FUTURE} chưa kết thúc (sau năm {FUTURE - 1})."
    assert "không có trong danh mục" in errors[(9, "Xếp loại")]
    assert errors[(10, "Năm đánh giá *")] == "Đảng viên đã có kết quả năm 2023 ở dòng 2."
    assert "trong phạm vi được giao" in errors[(11, "Mã hệ thống đảng viên")]
    assert errors[(12, "Họ và tên")] == "Họ tên không khớp với đảng viên tìm được («Lê Đức Anh»)."
    assert "không hợp lệ" in errors[(13, "Năm đánh giá *")]
    assert "Năm 2025 đang đánh giá theo quy trình" in errors[(14, "Năm đánh giá *")]
    creates = {c["row"]: c for c in job.report["creates"]}
    assert creates[4]["name"] == f"{b1.full_name} — năm 2023"
    assert creates[6]["name"] == f"{twin.full_name} — năm 2023"
    assert creates[4]["org"] == "Chi bộ Phòng Nghiệp vụ"
    assert not MemberReview.objects.exclude(review_year__year=2025).exists()  # a dry run


def test_commit_then_rollback_keeps_tallies_exact(tree, officer, run_import):
    a1, a2, a3 = tree["members_a"]
    (b1,) = tree["members_b"]
    content = xlsx_bytes(
        HEADERS,
        [
            row(a1, grade="Hoàn thành xuất sắc nhiệm vụ"),
            row(a2, grade="Hoan thanh tot nhiem vu"),
            row(a3, grade=None, exemption="Vào Đảng chưa đủ 6 tháng"),
            row(b1, grade="KHTNV"),
            row(a1, year=2024, grade="Tốt"),
            row(a1, year=FUTURE),  # an error: committed only with skip_errors
        ],
    )
    job = run_import(officer, tree["bloc"], content, kind="reviews")
    assert job.counts["create"] == 5 and job.counts["error"] == 1, job.report["errors"]
    with pytest.raises(DomainError, match="1 dòng lỗi"):
        services.request_commit(job, user=officer, skip_errors=False)
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == "committed", job.error_message
    assert job.rows.count() == 5
    year = ReviewYear.objects.get(year=2023)
    assert year.state == ReviewYear.State.IMPORTED and year.organization == tree["bloc"]
    grades = dict(
        MemberReview.objects.filter(review_year=year).values_list("member_id", "final_grade")
    )
    assert grades == {a1.pk: "htxs", a2.pk: "htt", a3.pk: "", b1.pk: "kht"}
    step = ReviewStep.objects.filter(kind="imported").first()
    assert f"lần nhập #{job.pk}" in step.note and step.decided_by == officer
    assert_all_tallies_exact()
    assert review_services.member_counts(tree["bloc"].path, [2023])[2023] == {
        "htxs": 1,
        "htt": 1,
        "kht": 1,
        "exempt": 1,
    }

    job = services.request_rollback(job, user=officer)
    assert job.state == "rolled_back", job.error_message
    assert not MemberReview.objects.exists() and not ReviewYear.objects.exists()
    assert not OrgReview.objects.exists() and not ReviewStep.objects.exists()


def test_export_round_trip_updates_only_what_changed(tree, officer, run_import):
    a1, a2, _a3 = tree["members_a"]
    first = run_import(
        officer,
        tree["bloc"],
        xlsx_bytes(HEADERS, [row(a1), row(a2, grade="Hoàn thành nhiệm vụ")]),
        kind="reviews",
    )
    first = services.request_commit(first, user=officer, skip_errors=False)
    content, export = services.export_bytes("reviews", user=officer, root=tree["bloc"])
    assert export.row_count == 2 and export.with_identity
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS
    assert rows[1][:7] == [
        a1.pk,
        a1.full_name,
        "15/03/1985",
        a1.id_number,
        "Chi bộ Văn phòng",
        2023,
        "Hoàn thành tốt nhiệm vụ",
    ]

    again = run_import(officer, tree["bloc"], content, kind="reviews")
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0, "total": 2}

    workbook.worksheets[0].cell(row=3, column=7).value = "Hoàn thành tốt nhiệm vụ"
    edited = run_import(officer, tree["bloc"], save(workbook), kind="reviews")
    assert edited.counts["update"] == 1 and edited.counts["unchanged"] == 1
    (update,) = edited.report["updates"]
    assert update["changes"] == [["Xếp loại", "Hoàn thành nhiệm vụ", "Hoàn thành tốt nhiệm vụ"]]
    edited = services.request_commit(edited, user=officer, skip_errors=False)
    assert edited.state == "committed", edited.error_message
    review = MemberReview.objects.get(member=a2)
    assert review.final_grade == rules.GOOD
    assert review.steps.order_by("id").last().details == {"previous": rules.COMPLETED}
    assert_all_tallies_exact()

    with pytest.raises(DomainError, match="dòng 3 đã được sửa sau lần nhập"):
        services.request_rollback(first, user=officer)
    services.request_rollback(edited, user=officer)
    review.refresh_from_db()
    assert review.final_grade == rules.COMPLETED
    assert [s.kind for s in review.steps.all()] == ["imported"]
    assert_all_tallies_exact()
    first = services.request_rollback(first, user=officer)
    assert first.state == "rolled_back" and not MemberReview.objects.exists()


def test_a_year_closed_through_the_process_needs_a_decision_to_change(tree, officer, run_import):
    demo.seed_history(tree["committee"], years={2023: demo.SEED_SHARES[2023]})
    content, export = services.export_bytes("reviews", user=officer, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    assert {r[5] for r in rows[1:]} == {2023}  # the open year 2026 is not exported
    assert export.row_count == 4
    ws = workbook.worksheets[0]
    member_id, old = rows[1][0], rows[1][6]
    new = "Không hoàn thành nhiệm vụ" if old != "Không hoàn thành nhiệm vụ" else "Hoàn thành"
    ws.cell(row=2, column=7).value = new
    job = run_import(officer, tree["bloc"], save(workbook), kind="reviews")
    (error,) = job.report["errors"]
    assert error["row"] == 2 and error["column"].startswith("Số quyết định, căn cứ")
    assert "cần ghi số quyết định điều chỉnh" in error["message"]

    ws.cell(row=2, column=9).value = "15-QĐ/ĐU"
    job = run_import(officer, tree["bloc"], save(workbook), kind="reviews")
    assert job.counts["update"] == 1 and job.counts["unchanged"] == 3, job.report["errors"]
    job = services.request_commit(job, user=officer, skip_errors=False)
    review = MemberReview.objects.get(member_id=member_id, review_year__year=2023)
    step = review.steps.get(kind="corrected")
    assert step.details["decision"] == "15-QĐ/ĐU" and step.grade == review.final_grade
    assert ReviewYear.objects.get(year=2023).state == ReviewYear.State.CLOSED
    assert_all_tallies_exact()
    services.request_rollback(job, user=officer)
    review.refresh_from_db()
    assert review.get_final_grade_display() == old
    assert_all_tallies_exact()


def test_template_and_permissions(tree, officer):
    content = services.template_bytes("reviews", user=officer, root=tree["bloc"])
    workbook, rows = sheet_rows(content)
    assert rows[0] == HEADERS and rows[1][0] == "Ví dụ"
    listed = {c for r in workbook["Danh mục"].iter_rows(values_only=True) for c in r}
    assert {"Chi bộ Văn phòng", "Hoàn thành xuất sắc nhiệm vụ", "Vào Đảng chưa đủ 6 tháng"} <= (
        listed
    )
    assert "HTXSNV" not in listed  # short forms are accepted, not offered
    # writing final grades needs reviews.confirm (reviews.change is the cells' entry)
    role = Role.objects.create(
        code="nhap_khong_xep_loai", name="x", permissions=["imports.*", "reviews.change", "*.view"]
    )
    clerk = factories.user("nhap_kq")
    RoleAssignment.objects.create(user=clerk, role=role, organization=tree["bloc"])
    with pytest.raises(DomainError, match="không có quyền nhập"):
        services.template_bytes("reviews", user=clerk, root=tree["bloc"])
    content, _export = services.export_bytes("reviews", user=clerk, root=tree["bloc"])
    assert len(sheet_rows(content)[1]) == 1  # may export (reviews.view): headers only here


def test_results_before_admission_and_at_date_cells(tree, officer, run_import):
    member = factories.member(
        tree["cell_a"], "Vũ Văn Mới", admitted_on=date(2024, 8, 1), official_on=None
    )
    content = xlsx_bytes(HEADERS, [row(member, year=2023), row(member, year=2024.0)])
    job = run_import(officer, tree["bloc"], content, kind="reviews")
    errors = errors_of(job)
    assert errors[(2, "Năm đánh giá *")].startswith("Năm 2023 trước năm vào Đảng")
    assert job.counts["create"] == 1


def test_org_results_preview_commit_export_round_trip_rollback(tree, officer, run_import):
    from dangbo.imports.rules import ORG_REVIEW_SHAPE

    headers = [c.label for c in ORG_REVIEW_SHAPE.columns]
    content = xlsx_bytes(
        headers,
        [
            [None, "chi bo van phong", 2022, "HTTNV", None],
            [tree["committee"].pk, "Đảng bộ Sở Tư pháp", "2022", "Hoàn thành xuất sắc", None],
            [None, "Đảng ủy Khối các cơ quan tỉnh", 2022, "Tốt", None],  # not classified
            [tree["cell_b"].pk, "Chi bộ Văn phòng", 2022, "Tốt", None],  # id ≠ name
            [None, "Chi bộ Thôn Đông", 2022, "Tốt", None],  # outside the bloc
        ],
        title="Xếp loại tổ chức đảng",
    )
    job = run_import(officer, tree["bloc"], content, kind="org_reviews")
    assert job.counts["create"] == 2 and job.counts["error"] == 3, job.report["errors"]
    errors = errors_of(job)
    assert errors[(4, "Tổ chức đảng *")].startswith("Chỉ chi bộ và tổ chức cơ sở đảng")
    assert "không khớp với mã hệ thống" in errors[(5, "Tổ chức đảng *")]
    assert "Không tìm thấy tổ chức" in errors[(6, "Tổ chức đảng *")]
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == "committed", job.error_message
    rows = OrgReview.objects.filter(review_year__year=2022, is_classified=True)
    assert dict(rows.values_list("organization_id", "final_grade")) == {
        tree["cell_a"].pk: "htt",
        tree["committee"].pk: "htxs",
    }

    content, export = services.export_bytes("org_reviews", user=officer, root=tree["bloc"])
    workbook, exported = sheet_rows(content)
    assert exported[0] == headers and export.row_count == 2
    again = run_import(officer, tree["bloc"], content, kind="org_reviews")
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0, "total": 2}
    workbook.worksheets[0].cell(row=3, column=4).value = "Hoàn thành nhiệm vụ"
    edited = run_import(officer, tree["bloc"], save(workbook), kind="org_reviews")
    assert edited.counts["update"] == 1, edited.report["errors"]
    edited = services.request_commit(edited, user=officer, skip_errors=False)
    with pytest.raises(DomainError, match="đã được sửa sau lần nhập"):
        services.request_rollback(job, user=officer)
    services.request_rollback(edited, user=officer)
    job = services.request_rollback(job, user=officer)
    assert job.state == "rolled_back", job.error_message
    assert not ReviewYear.objects.exists() and not OrgReview.objects.exists()


def test_a_2015_result_by_id_number_alone_with_a_score_counts_in_reports(
    tree, officer, run_import, admin_user
):
    """#22: years before any criteria set, a grade and optional score, the member found by
    ID number alone (no name column at all), counted like any result."""
    from decimal import Decimal

    from dangbo.reports import catalogue

    member = tree["members_a"][0]  # admitted 19/05/2010
    headers = ["Số CCCD", "Năm", "Xếp loại", "Điểm"]
    content = xlsx_bytes(
        headers,
        [
            [member.id_number, 2015, "HTTNV", "85,5"],
            [member.id_number, 2016, "Hoàn thành tốt nhiệm vụ", 101],
            ["", 2015, "HTTNV", None],
        ],
    )
    job = run_import(officer, tree["bloc"], content, kind="reviews")
    errors = errors_of(job)
    assert job.counts["create"] == 1, job.report["errors"]
    assert errors[(3, "Điểm")] == "Điểm phải từ 0 đến 100."
    assert [m for (r, _c), m in errors.items() if r == 4] == [
        "Cần mã hệ thống, số định danh, hoặc họ tên và ngày sinh để tìm đảng viên."
    ]
    job = services.request_commit(job, user=officer, skip_errors=True)
    review = MemberReview.objects.get(member=member, review_year__year=2015)
    assert review.final_grade == rules.GOOD and review.total_score == Decimal("85.5")
    assert review.review_year.state == ReviewYear.State.IMPORTED
    assert review.review_year.member_criteria is None
    table = catalogue.build_table(
        catalogue.REPORTS["member_reviews"], tree["province"], 2015, date.today(), admin_user
    )
    assert table.total.values["reviewed"] == 1
    assert table.total.values["good_or_better"] == 1
