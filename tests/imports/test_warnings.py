"""Warnings before commit in the member import (issue #22): never blocking, shown on the page."""

from datetime import date

from django.urls import reverse

from dangbo.core.models import RuleParameter
from dangbo.imports import rules, services
from dangbo.members.models import Member
from tests.imports.helpers import MEMBER_HEADERS, member_row, xlsx_bytes

TODAY = date(2026, 12, 7)
NO_OFFICIAL = [h for h in MEMBER_HEADERS if not h.startswith("Ngày chính thức")]


def _without_official(row):
    return [v for h, v in zip(MEMBER_HEADERS, row, strict=True) if h in NO_OFFICIAL]


# ---------------------------------------------------------------- pure helpers


def test_overdue_probationers_counts_admissions_over_twelve_months():
    admitted = [date(2025, 12, 6), date(2025, 12, 7), date(2026, 6, 1), None, date(2010, 5, 19)]
    assert rules.overdue_probationers(admitted, TODAY) == 2  # 06/12/2025 and 2010
    assert rules.overdue_probationers([], TODAY) == 0


def test_missing_official_warning_names_the_count_only_when_needed():
    warning = rules.missing_official_warning(False, 7)
    assert warning.startswith(
        "Không có ngày chính thức: 7 đảng viên vào Đảng quá 12 tháng sẽ được ghi là dự bị"
    )
    assert rules.missing_official_warning(True, 7) is None
    assert rules.missing_official_warning(False, 0) is None


def test_cells_below_minimum_adds_the_imported_officials_to_those_already_there():
    existing = {1: 2, 2: 0, 3: 5}
    added = {1: 1, 2: 2, 3: 0, 4: 0}
    assert rules.cells_below_minimum(existing, added, 3) == [2, 4]
    assert rules.cells_below_minimum(existing, added, 2) == [4]


def test_undeclared_theory_warning():
    assert rules.undeclared_theory_warning(0) is None
    assert rules.undeclared_theory_warning(3).startswith("3 đảng viên để trống «Lý luận chính trị»")


def test_small_cells_warning_lists_at_most_ten_cells():
    assert rules.small_cells_warning([], 3) is None
    assert rules.small_cells_warning(["Chi bộ A"], 3) == (
        "1 chi bộ sau khi nhập có dưới 3 đảng viên chính thức: Chi bộ A."
    )
    labels = [f"Chi bộ {n}" for n in range(12)]
    warning = rules.small_cells_warning(labels, 3)
    assert warning.startswith("12 chi bộ")
    assert "Chi bộ 9" in warning and "Chi bộ 10" not in warning
    assert warning.endswith("và 2 chi bộ khác.")


# ---------------------------------------------------------------- end to end


def test_no_official_column_warns_and_still_commits(tree, officer, run_import):
    rows = [
        member_row("Vào Lâu", admitted="19/05/2015"),
        member_row("Vào Lâu Hai", admitted="01/01/2020", org="Chi bộ Phòng Nghiệp vụ"),
    ]
    content = xlsx_bytes(NO_OFFICIAL, [_without_official(r) for r in rows])
    job = run_import(officer, tree["bloc"], content)
    assert job.counts["create"] == 2 and job.counts["error"] == 0
    warnings = job.report["warnings"]
    assert warnings[0].startswith("Không có ngày chính thức: 2 đảng viên vào Đảng quá 12 tháng")
    assert warnings[1] == (
        "2 đảng viên để trống «Lý luận chính trị»: báo cáo sẽ tính vào nhóm «Chưa khai» "
        "(không tính là «Chưa qua đào tạo»)."
    )
    # cell A: 2 officials + 1 probationer; cell B: 1 official + 1 probationer
    assert warnings[2] == (
        "2 chi bộ sau khi nhập có dưới 3 đảng viên chính thức: "
        "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp; Chi bộ Phòng Nghiệp vụ — Đảng bộ Sở Tư pháp."
    )
    services.request_commit(job, user=officer, skip_errors=False)
    assert (
        Member.objects.filter(full_name__startswith="Vào Lâu", status="probationary").count() == 2
    )


def test_official_dates_given_warn_about_nothing(tree, officer, run_import):
    row = member_row("Đủ Ngày", admitted="19/05/2015", theory_level="Sơ cấp")
    content = xlsx_bytes(MEMBER_HEADERS, [row])
    job = run_import(officer, tree["bloc"], content)
    assert job.counts["create"] == 1
    assert job.report["warnings"] == []  # cell A: 2 + 1 official


def test_the_minimum_comes_from_the_dated_parameter(tree, officer, run_import):
    RuleParameter.objects.create(
        key="org.min_official_members",
        value=5,
        valid_from=date(2020, 1, 1),
        org_path=tree["bloc"].path,
    )
    row = member_row("Đủ Ngày", admitted="19/05/2015", theory_level="Sơ cấp")
    content = xlsx_bytes(MEMBER_HEADERS, [row])
    job = run_import(officer, tree["bloc"], content)
    assert job.report["warnings"] == [
        "1 chi bộ sau khi nhập có dưới 5 đảng viên chính thức: "
        "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp."
    ]


def test_the_preview_page_shows_the_warnings(tree, officer, run_import, client):
    content = xlsx_bytes(NO_OFFICIAL, [_without_official(member_row("Vào Lâu"))])
    job = run_import(officer, tree["bloc"], content)
    client.force_login(officer)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'id="warnings"' in page
    assert "Không có ngày chính thức: 1 đảng viên vào Đảng quá 12 tháng" in page


# ---------------------------------------------------------------- every error of a row


def test_a_row_lists_all_its_errors(tree, officer, run_import, client):
    rows = [
        member_row("Ba Lỗi", birth="31/02/1990", org="Chi bộ Không Có", id_number="12345"),
        member_row("Quá Trẻ Sai Chi Bộ", birth="01/01/2000", admitted="01/01/2015", org="Không"),
        member_row(
            "Cập Nhật Sai",
            system_id=tree["members_a"][0].pk,
            birth="15/03/1985",
            admitted="19/05/2010",
            official="01/01/2009",  # before admission
            org="Chi bộ Phòng Nghiệp vụ",  # a move, not an update
        ),
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, rows))
    assert job.counts["error"] == 3
    by_row: dict[int, set[str]] = {}
    for e in job.report["errors"]:
        by_row.setdefault(e["row"], set()).add(e["column"].split(" *")[0].split(" (")[0])
    assert by_row[2] == {"Ngày sinh", "Chi bộ", "Số định danh cá nhân"}
    assert by_row[3] == {"Chi bộ", "Ngày vào Đảng"}
    assert by_row[4] >= {"Chi bộ", "Ngày chính thức"}
    messages = {(e["row"], e["message"]) for e in job.report["errors"]}
    assert (3, "Ngày vào Đảng phải khi đã đủ 18 tuổi.") in messages
    assert (4, "Ngày chính thức không được trước ngày vào Đảng.") in messages
    client.force_login(officer)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Ngày «31/02/1990» không tồn tại." in page
    assert "Không tìm thấy chi bộ «Chi bộ Không Có» trong phạm vi được giao." in page
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in page


# ---------------------------------------------------------------- blank theory level


def test_a_blank_theory_level_is_counted_as_not_declared(tree, officer, run_import):
    from dangbo.reports import dashboard

    rows = [
        member_row("Chưa Khai"),
        member_row("Chưa Học", theory_level="Chưa qua đào tạo"),
        member_row("Trung Cấp", theory_level="Trung cấp"),
    ]
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, rows))
    assert job.counts["create"] == 3
    services.request_commit(job, user=officer, skip_errors=False)
    assert Member.objects.get(full_name="Chưa Khai").theory_level == ""
    assert Member.objects.get(full_name="Chưa Học").theory_level == "none"
    [(_breakdown, counts, _total, _source)] = dashboard.composition(
        tree["cell_a"], date.today(), codes=("theory_level",)
    )
    by_label = {label: n for label, n, _value in counts}
    assert by_label["Chưa khai"] == 1
    assert by_label["Trung cấp"] == 1
    # the tree's three members of cell A have the model default («Chưa qua đào tạo»)
    assert by_label["Chưa qua đào tạo"] == 4


def test_a_blank_theory_level_on_an_update_keeps_the_stored_one(tree, officer, run_import):
    member = tree["members_b"][0]
    member.theory_level = "advanced"
    member.save(update_fields=["theory_level"])
    row = member_row(
        member.full_name,
        system_id=member.pk,
        id_number=member.id_number,
        birth=f"{member.birth_date:%d/%m/%Y}",
        admitted=f"{member.admitted_on:%d/%m/%Y}",
        official=f"{member.official_on:%d/%m/%Y}",
        org="Chi bộ Phòng Nghiệp vụ",
        workplace="Sở Tư pháp",
    )
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, [row]))
    assert job.counts["update"] == 1, job.report
    assert [c[0] for c in job.report["updates"][0]["changes"]] == ["Nơi làm việc"]
