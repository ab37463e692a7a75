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
    # cell A: 2 officials + 1 probationer; cell B: 1 official + 1 probationer
    assert warnings[1] == (
        "2 chi bộ sau khi nhập có dưới 3 đảng viên chính thức: "
        "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp; Chi bộ Phòng Nghiệp vụ — Đảng bộ Sở Tư pháp."
    )
    services.request_commit(job, user=officer, skip_errors=False)
    assert (
        Member.objects.filter(full_name__startswith="Vào Lâu", status="probationary").count() == 2
    )


def test_official_dates_given_warn_about_nothing(tree, officer, run_import):
    content = xlsx_bytes(MEMBER_HEADERS, [member_row("Đủ Ngày", admitted="19/05/2015")])
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
    content = xlsx_bytes(MEMBER_HEADERS, [member_row("Đủ Ngày", admitted="19/05/2015")])
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
