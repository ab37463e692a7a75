"""Figures checked against independently computed expectations, today and before changes."""

import io
import re
from datetime import date

from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangbo.members import services as member_services
from dangbo.members.models import Member
from dangbo.organizations import services as org_services
from dangbo.reports.report import build_member_table
from tests import factories
from tests.paper_helpers import own_tables

TODAY = timezone.localdate


def expected_by_gender(members):
    counts = {}
    for m in members:
        counts[m.gender] = counts.get(m.gender, 0) + 1
    return counts


def test_today_table_by_child_matches_rows(tree):
    table = build_member_table(tree["province"], TODAY(), "gender", True, TODAY())
    by_label = {row.label: row for row in table.rows}
    bloc = by_label["Đảng ủy Khối các cơ quan tỉnh"]
    expected = expected_by_gender(tree["members_a"] + tree["members_b"])
    columns = [value for value, _ in table.columns]
    assert dict(zip(columns, bloc.cells, strict=True)) == {"M": expected["M"], "F": expected["F"]}
    assert table.grand_total == Member.objects.active().count() == 5


def test_past_date_shows_tree_and_members_as_they_were(tree):
    """A merge and a move in 2025 do not change a report for 31/12/2022."""
    past = date(2022, 12, 31)
    before = build_member_table(tree["province"], past, "status", True, TODAY())
    member_services.merge_orgs(
        [tree["cell_b"]], tree["cell_a"], decision=factories.decision(date(2025, 3, 1))
    )
    org_services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(date(2025, 6, 1))
    )
    after_past = build_member_table(tree["province"], past, "status", True, TODAY())
    assert [(r.label, r.cells) for r in after_past.rows] == [
        (r.label, r.cells) for r in before.rows
    ]
    now = build_member_table(tree["province"], TODAY(), "status", True, TODAY())
    rows = {r.label: r.total for r in now.rows}
    assert rows["Đảng ủy xã Tân Lập"] == 5 and rows["Đảng ủy Khối các cơ quan tỉnh"] == 0
    # between the merge and the move: the committee was still under the bloc
    middle = build_member_table(tree["province"], date(2025, 4, 1), "status", True, TODAY())
    assert {r.label: r.total for r in middle.rows}["Đảng ủy Khối các cơ quan tỉnh"] == 4


def test_status_as_of_date_uses_status_periods(tree):
    probationary = tree["members_a"][2]
    member_services.change_status(
        probationary,
        new_status="official",
        on=date(2024, 6, 1),
        decision_number="1",
        reason="Hết dự bị",
    )
    table = build_member_table(tree["cell_a"], date(2024, 1, 1), "status", False, TODAY())
    cells = dict(zip([v for v, _ in table.columns], table.rows[0].cells, strict=True))
    assert cells == {"probationary": 1, "official": 2}
    member_services.change_status(
        probationary,
        new_status="deceased",
        on=date(2025, 1, 1),
        decision_number="2",
        reason="Từ trần",
    )
    assert (
        build_member_table(tree["cell_a"], date(2025, 2, 1), "status", False, TODAY()).grand_total
        == 2
    )
    assert (
        build_member_table(tree["cell_a"], date(2024, 7, 1), "status", False, TODAY()).grand_total
        == 3
    )


def test_member_joining_later_not_counted_before(tree):
    factories.member(
        tree["cell_a"], "Vũ Minh Khoa", admitted_on=date(2024, 5, 19), official_on=None
    )
    assert (
        build_member_table(tree["cell_a"], date(2023, 1, 1), "gender", False, TODAY()).grand_total
        == 3
    )
    assert build_member_table(tree["cell_a"], TODAY(), "gender", False, TODAY()).grand_total == 4


def test_report_screen_drilldown_and_exports(admin_client, tree):
    url = reverse("reports:members")
    params = {"org": tree["province"].pk, "breakdown": "gender", "on": "01/01/2024"}
    body = admin_client.get(url, params).content.decode()
    assert "Đảng viên theo giới tính" in body and "<svg" in body
    rows = admin_client.get(reverse("reports:rows"), {**params, "value": "F"}).content.decode()
    assert "Trần Thị Hằng" in rows and "Nguyễn Văn Bình" not in rows
    assert "Đặng Thị Thủy" in rows

    xlsx = admin_client.get(reverse("reports:export", args=["xlsx"]), params)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    total_row = next(r for r in values if r[1] == "Tổng cộng")
    assert total_row[2] == 5
    texts = [str(v) for r in values for v in r if v is not None]
    # signed once: the letterhead's signing block, no second «NGƯỜI LẬP BIỂU» block
    assert "NGƯỜI LẬP BIỂU" not in texts and texts.count("BÍ THƯ") == 1
    docx = Document(
        io.BytesIO(admin_client.get(reverse("reports:export", args=["docx"]), params).content)
    )
    assert own_tables(docx)[0].rows[-1].cells[1].text == "5"
    csv_body = admin_client.get(reverse("reports:export", args=["csv"]), params).content
    assert "Tổng cộng,5".encode() in csv_body

    from auditlog.models import LogEntry

    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__org=tree["province"].pk
    )
    exports = entries.filter(additional_data__has_key="export")
    assert exports.count() == 3
    (rows_page,) = entries.filter(additional_data__has_key="list")  # the drill-down rows
    assert rows_page.additional_data["rows"] == 2
    assert {e.additional_data["filename"].rsplit(".", 1)[1] for e in exports} == {
        "xlsx",
        "docx",
        "csv",
    }


def test_reports_scoped_to_user_subtree(client, tree):
    officer = factories.user(role_code="org_board_officer", on=tree["bloc"])
    client.force_login(officer)
    assert client.get(reverse("reports:members"), {"org": tree["province"].pk}).status_code == 404
    assert client.get(reverse("reports:members"), {"org": tree["bloc"].pk}).status_code == 200
    body = client.get(reverse("reports:index")).content.decode()
    assert "Đảng ủy Khối các cơ quan tỉnh" in body
    rows = client.get(
        reverse("reports:rows"), {"org": tree["bloc"].pk, "path": tree["province"].path}
    )
    assert rows.status_code == 404


def test_member_rows_and_their_export_need_members_view(client, tree):
    """office_staff holds reports.view but not members.view: it reads the figures, not the
    members' names behind them (the rows page and its XLSX listed them)."""
    client.force_login(factories.user(role_code="office_staff", on=tree["committee"]))
    params = {"org": tree["committee"].pk}
    assert client.get(reverse("reports:members"), params).status_code == 200
    rows = client.get(reverse("reports:rows"), params)
    assert rows.status_code == 404
    assert tree["members_a"][0].full_name not in rows.content.decode()
    start = client.post(reverse("reports:export_start") + f"?org={tree['committee'].pk}")
    assert start.status_code == 404
    client.force_login(factories.user(role_code="viewer", on=tree["committee"]))
    rows = client.get(reverse("reports:rows"), params).content.decode()
    assert tree["members_a"][0].full_name in rows


def test_report_query_count(admin_client, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        admin_client.get(reverse("reports:members"), {"org": tree["province"].pk})


def test_dashboard_and_quality(admin_client, tree):
    factories.member(
        tree["cell_b"],
        "Bùi Thị Loan",
        gender="F",
        id_number="",
        admitted_on=date(2025, 2, 3),
        official_on=None,
    )
    body = admin_client.get(
        reverse("reports:dashboard"), {"org": tree["province"].pk, "year": 2025}
    ).content.decode()
    assert "Biến động năm 2025" in body
    # each composition row carries its share as a bar beside the figure
    gender = body.split('id="dash-gender"', 1)[1].split("</table>", 1)[0]
    shares = [
        int(w) for w in re.findall(r'class="progress-bar bg-danger" style="width: (\d+)%"', gender)
    ]
    assert len(shares) >= 2 and 98 <= sum(shares) <= 100  # shares of one whole, rounded down
    from dangbo.reports import dashboard

    changes = dashboard.changes_in_year(tree["province"], 2025)
    assert changes["admitted"] == 1
    quality = dashboard.quality_problems(tree["province"], TODAY())
    missing_id = dict((label, n) for label, n, _s in quality["problems"])
    assert missing_id["Thiếu số định danh cá nhân"] == 1
    # Văn phòng has 2 official + 1 probationary; the other two cells 1 official each
    assert {o.name for o in quality["small_orgs"]} == {
        "Chi bộ Văn phòng",
        "Chi bộ Phòng Nghiệp vụ",
        "Chi bộ Thôn Đông",
    }
    page = admin_client.get(reverse("reports:quality"), {"org": tree["province"].pk})
    assert "Bùi Thị Loan" in page.content.decode()
    sizes = dict(dashboard.cells_by_size(tree["province"]))
    assert sizes["<3"] == 3 and sizes["3–8"] == 0


def test_quality_small_cells_follow_the_dated_minimum(admin_client, tree):
    """«Under N official members» reads org.min_official_members in force on the day (#22)."""
    from dangbo.core.models import RuleParameter
    from dangbo.reports import dashboard

    today = TODAY()
    cells = {"Chi bộ Văn phòng", "Chi bộ Phòng Nghiệp vụ", "Chi bộ Thôn Đông"}
    assert dashboard.quality_problems(tree["province"], today)["minimum"] == 3
    RuleParameter.objects.create(
        key="org.min_official_members", value=2, valid_from=today, org_path=""
    )
    quality = dashboard.quality_problems(tree["province"], today)
    assert quality["minimum"] == 2
    official = {o.name: o.official for o in quality["small_orgs"]}
    assert official and all(n < 2 for n in official.values())
    RuleParameter.objects.create(
        key="org.min_official_members",
        value=50,
        valid_from=date(today.year + 1, 1, 1),
        org_path="",
    )
    assert dashboard.quality_problems(tree["province"], today)["minimum"] == 2
    RuleParameter.objects.create(
        key="org.min_official_members",
        value=50,
        valid_from=date(2001, 1, 1),
        org_path=tree["province"].path,
    )
    quality = dashboard.quality_problems(tree["province"], today)
    assert {o.name for o in quality["small_orgs"]} >= cells
    page = admin_client.get(reverse("reports:quality"), {"org": tree["province"].pk})
    assert "Chi bộ dưới 50 đảng viên chính thức" in page.content.decode()


def test_quality_under_18_is_the_age_in_whole_years(tree):
    """«Vào Đảng trước 18 tuổi» is the age on the decision day in whole years (as
    members.rules.date_order_problems): admitted the day before an 18th birthday whose 18 years
    hold five 29 Februaries is under 18; on the birthday itself, and on 1 March for a 29
    February birth in a common year, is not (#23)."""
    from dangbo.reports import dashboard

    def member(name, admitted_on):
        return factories.member(tree["cell_b"], name, admitted_on=admitted_on, official_on=None)

    day_before = member("Trước Một Ngày", date(2025, 4, 2))
    birthday = member("Đúng Ngày", date(2025, 4, 2))
    leap_early = member("Sinh 29 Hai", date(2018, 2, 28))
    leap_ok = member("Sinh 29 Hai Đủ", date(2018, 3, 1))
    Member.objects.filter(pk=day_before.pk).update(birth_date=date(2007, 4, 3))
    Member.objects.filter(pk=birthday.pk).update(birth_date=date(2007, 4, 2))
    Member.objects.filter(pk__in=[leap_early.pk, leap_ok.pk]).update(birth_date=date(2000, 2, 29))
    problems = {
        label: rows
        for label, _n, rows in dashboard.quality_problems(tree["province"], TODAY())["problems"]
    }
    assert {m.full_name for m in problems["Vào Đảng trước 18 tuổi"]} == {
        "Trước Một Ngày",
        "Sinh 29 Hai",
    }


def test_quality_score_counts_every_flagged_member_whatever_the_list_limit(tree):
    """The score is the share of members without a problem: the limit cuts the lists shown,
    never the members counted (#23)."""
    from dangbo.reports import dashboard

    # Every member of the tree lacks a place of origin: none is clean.
    assert dashboard.quality_problems(tree["province"], TODAY())["score"] == 0.0
    quality = dashboard.quality_problems(tree["province"], TODAY(), limit=1)
    assert quality["score"] == 0.0
    assert len(quality["small_orgs"]) == 1
