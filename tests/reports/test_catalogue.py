"""Module reports of the catalogue: figures by child, drill-down, exports, access."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangbo.admissions.models import AdmissionTarget
from dangbo.dues.models import LedgerEntry
from dangbo.meetings.models import Meeting
from dangbo.reports import catalogue
from tests import factories
from tests.paper_helpers import own_rows

YEAR = 2025
TODAY = date(2026, 3, 1)


def meeting(org, day, status="held", grade=""):
    return Meeting.objects.create(
        organization=org, kind="regular", planned_on=day, status=status, grade=grade
    )


@pytest.fixture
def meetings(tree):
    rows = [
        meeting(tree["cell_a"], date(YEAR, 1, 10), grade="tot"),
        meeting(tree["cell_a"], date(YEAR, 2, 10), grade="kha"),
        meeting(tree["cell_b"], date(YEAR, 1, 12), grade="tot"),
        meeting(tree["cell_b"], date(YEAR, 3, 12), status="cancelled"),
        meeting(tree["village"], date(YEAR, 1, 5), grade="kem"),
        meeting(tree["village"], date(YEAR - 1, 12, 5), grade="tot"),  # another year
    ]
    return rows


def by_label(table):
    return {row.label: row for row in table.rows}


def test_meeting_report_counts_by_child_with_ratio(tree, meetings, admin_user):
    report = catalogue.REPORTS["meetings"]
    table = catalogue.build_table(report, tree["province"], YEAR, TODAY, admin_user)
    rows = by_label(table)
    bloc, commune = rows["Đảng ủy Khối các cơ quan tỉnh"], rows["Đảng ủy xã Tân Lập"]
    assert bloc.values["held"] == 3 and bloc.values["grade_tot"] == 2
    assert bloc.values["cancelled"] == 1
    assert bloc.ratios["good_share"] == pytest.approx(66.7)
    assert commune.values["held"] == 1 and commune.values["grade_kem"] == 1
    assert table.total.values["held"] == 4  # the previous year's meeting is not counted
    assert table.total.ratios["good_share"] == 50.0


def test_rows_outside_the_users_subtree_are_not_counted(tree, meetings):
    officer = factories.user(role_code="grassroots_committee", on=tree["committee"])
    table = catalogue.build_table(
        catalogue.REPORTS["meetings"], tree["province"], YEAR, TODAY, officer
    )
    assert table.total.values["held"] == 3  # the village's meeting is outside


def test_admissions_against_target_and_dues_sums(tree, admin_user):
    AdmissionTarget.objects.create(organization=tree["cell_a"], year=YEAR, target=4)
    AdmissionTarget.objects.create(organization=tree["village"], year=YEAR, target=2)
    member = tree["members_a"][0]
    for month, paid in ((1, 30000), (2, 0)):
        LedgerEntry.objects.create(
            member=member,
            organization=tree["cell_a"],
            month=date(YEAR, month, 1),
            due=30000,
            paid=paid,
        )
    admissions = catalogue.build_table(
        catalogue.REPORTS["admissions"], tree["province"], YEAR, TODAY, admin_user
    )
    assert admissions.total.values["target"] == 6  # no province target: the sum below
    assert admissions.total.values["admitted"] == 0
    assert admissions.total.ratios["of_target"] == 0.0
    dues = catalogue.build_table(
        catalogue.REPORTS["dues"], tree["committee"], YEAR, TODAY, admin_user
    )
    cell_a = by_label(dues)["Chi bộ Văn phòng"]
    assert (cell_a.values["due"], cell_a.values["paid"], cell_a.values["unpaid"]) == (
        60000,
        30000,
        1,
    )
    assert cell_a.ratios["collected"] == 50.0


def test_every_catalogue_report_builds_and_renders(tree, meetings, admin_client):
    for key in catalogue.REPORTS:
        url = reverse("reports:module", args=[key])
        response = admin_client.get(url, {"org": tree["province"].pk, "year": YEAR})
        assert response.status_code == 200, key
        assert "Tổng cộng" in response.content.decode()
        card = admin_client.get(
            reverse("reports:module_card", args=[key]), {"org": tree["province"].pk}
        )
        assert card.status_code == 200


def test_module_page_links_numbers_to_rows(tree, meetings, admin_client):
    page = admin_client.get(
        reverse("reports:module", args=["meetings"]), {"org": tree["province"].pk, "year": YEAR}
    ).content.decode()
    assert "measure=grade_tot" in page
    rows = admin_client.get(
        reverse("reports:module_rows", args=["meetings"]),
        {
            "org": tree["province"].pk,
            "year": YEAR,
            "measure": "grade_tot",
            "path": tree["bloc"].path,
        },
    )
    body = rows.content.decode()
    assert rows.status_code == 200
    assert body.count("Chi bộ Văn phòng") == 1 and body.count("Chi bộ Phòng Nghiệp vụ") == 1
    assert "10/01/2025" in body and "Tốt" in body


def test_rows_csv_and_table_exports_are_logged(tree, meetings, admin_client):
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    csv = admin_client.get(
        reverse("reports:module_rows", args=["meetings"]),
        {"org": tree["province"].pk, "year": YEAR, "measure": "held", "format": "csv"},
    )
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Chi bộ,Ngày") and len(lines) == 1 + 4
    xlsx = admin_client.get(
        reverse("reports:module_export", args=["meetings", "xlsx"]),
        {"org": tree["province"].pk, "year": YEAR},
    )
    rows = own_rows(load_workbook(io.BytesIO(xlsx.content)).active)
    labels = [row[1] for row in rows[5:9]]
    assert "Đảng ủy Khối các cơ quan tỉnh" in labels and "Tổng cộng" in labels
    total_row = labels.index("Tổng cộng") + 5
    assert rows[total_row][2] == 4  # "Đã họp"
    docx = admin_client.get(
        reverse("reports:module_export", args=["meetings", "docx"]),
        {"org": tree["province"].pk, "year": YEAR},
    )
    assert docx.status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 3


def test_unknown_report_or_missing_permission_is_404(tree, client):
    viewer = factories.user(role_code="viewer", on=tree["province"])  # no meetings.view
    client.force_login(viewer)
    assert client.get(reverse("reports:module", args=["meetings"])).status_code == 404
    assert client.get(reverse("reports:module", args=["nope"])).status_code == 404
    officer = factories.user(role_code="grassroots_committee", on=tree["committee"])
    client.force_login(officer)
    outside = client.get(reverse("reports:module", args=["meetings"]), {"org": tree["province"].pk})
    assert outside.status_code == 404
    inside = client.get(reverse("reports:module", args=["meetings"]), {"org": tree["committee"].pk})
    assert inside.status_code == 200


def test_catalogue_page_query_count_does_not_grow_with_children(
    tree, meetings, admin_client, django_assert_max_num_queries
):
    for i in range(6):
        factories.org(f"Chi bộ thêm {i}", "cell", tree["committee"])
    with django_assert_max_num_queries(25):
        response = admin_client.get(
            reverse("reports:module", args=["meetings"]),
            {"org": tree["committee"].pk, "year": YEAR},
        )
    assert response.status_code == 200


def test_dashboard_lists_module_cards(tree, admin_client):
    body = admin_client.get(
        reverse("reports:dashboard"), {"org": tree["province"].pk}
    ).content.decode()
    assert reverse("reports:module_card", args=["meetings"]) in body
    assert timezone.localdate().year


def test_every_measure_drills_down(tree, meetings, admin_client):
    for key, report in catalogue.REPORTS.items():
        for measure in report.measures:
            response = admin_client.get(
                reverse("reports:module_rows", args=[key]),
                {"org": tree["province"].pk, "year": YEAR, "measure": measure.key},
            )
            assert response.status_code == 200, (key, measure.key)
    missing = admin_client.get(
        reverse("reports:module_rows", args=["meetings"]), {"measure": "nope"}
    )
    assert missing.status_code == 404


def test_classification_shares_match_the_final_grades(tree, admin_user):
    from dangbo.reviews import rules as review_rules
    from dangbo.reviews import services as review_services
    from dangbo.reviews.models import MemberReview
    from tests.reviews.test_services import _enter_all

    year = review_services.open_year(
        organization=tree["committee"], year=2025, reference_date=date(2025, 12, 1)
    )
    a, _b = _enter_all(year, tree)
    review_services.confirm(
        review_year=year,
        organization=tree["committee"],
        grades={a[0].pk: review_rules.GOOD, a[1].pk: review_rules.GOOD},
    )
    finals = list(
        MemberReview.objects.filter(review_year=year)
        .exclude(final_grade="")
        .values_list("final_grade", flat=True)
    )
    table = catalogue.build_table(
        catalogue.REPORTS["member_reviews"], tree["committee"], 2025, TODAY, admin_user
    )
    good = sum(g in (review_rules.EXCELLENT, review_rules.GOOD) for g in finals)
    assert table.total.values["reviewed"] == len(finals) > 0
    assert table.total.values["good_or_better"] == good
    assert table.total.ratios["good_or_better"] == round(100 * good / len(finals), 1)


def test_a_target_is_never_counted_with_the_targets_set_below_it(tree, admin_user, admin_client):
    """A target covers the org's subtree: a parent's own target is its figure (not parent +
    children), an org without one sums the topmost targets below; the targets page, the
    catalogue and the drill-down agree."""
    from dangbo.admissions import services as admission_services

    AdmissionTarget.objects.create(organization=tree["bloc"], year=YEAR, target=5)
    AdmissionTarget.objects.create(organization=tree["committee"], year=YEAR, target=3)
    AdmissionTarget.objects.create(organization=tree["cell_a"], year=YEAR, target=2)
    AdmissionTarget.objects.create(organization=tree["village"], year=YEAR, target=4)
    report = catalogue.REPORTS["admissions"]
    table = catalogue.build_table(report, tree["province"], YEAR, TODAY, admin_user)
    rows = by_label(table)
    assert rows["Đảng ủy Khối các cơ quan tỉnh"].values["target"] == 5
    assert table.total.values["target"] == 9  # bloc 5 + village 4
    assert not any(r.label.startswith("Trực thuộc") for r in table.rows)
    pages = {
        row["org"].pk: row["target"]
        for row in admission_services.target_report(tree["province"], YEAR, TODAY)
    }
    assert pages[tree["province"].pk] == 9 and pages[tree["bloc"].pk] == 5
    measure = report.measure("target")
    for path, expected in ((tree["province"].path, 9), (tree["bloc"].path, 5)):
        drilled = catalogue.drill_rows(report, measure, path, YEAR, TODAY, admin_user)
        assert sum(t.target for t in drilled) == expected
    committee = catalogue.build_table(report, tree["committee"], YEAR, TODAY, admin_user)
    assert committee.total.values["target"] == 3  # its own, not 3 + cell_a's 2


def test_transfers_out_are_transfers_of_membership_not_temporary_attendance(tree, admin_user):
    """«Chuyển đi (đã tiếp nhận)» counts official transfers received and transfers out of the
    system; a temporary attendance that ended is no transfer out, though its introduction
    paper counts among the papers issued (#23)."""
    from dangbo.transfers import services as transfers

    a1, a2, a3 = tree["members_a"]
    official = transfers.issue(a1, to_org=tree["village"], on=date(YEAR, 3, 1), paper_number="1")
    transfers.present(official, on=date(YEAR, 3, 5))
    transfers.receive(official, on=date(YEAR, 3, 10))
    temporary = transfers.start_temporary(
        a2,
        host_org=tree["cell_b"],
        starts_on=date(YEAR, 4, 1),
        ends_on=date(YEAR, 8, 1),
        paper_number="2",
    )
    transfers.accept_temporary(temporary, on=date(YEAR, 4, 2))
    transfers.end_temporary(temporary, on=date(YEAR, 8, 1))
    transfers.transfer_out(
        a3, destination="Đảng bộ Quân khu", on=date(YEAR, 9, 1), paper_number="3"
    )
    report = catalogue.REPORTS["transfers"]
    table = catalogue.build_table(report, tree["committee"], YEAR, TODAY, admin_user)
    assert table.total.values == {"out": 2, "issued": 3}
    assert by_label(table)["Chi bộ Văn phòng"].values == {"out": 2, "issued": 3}
    drilled = catalogue.drill_rows(
        report, report.measure("out"), tree["committee"].path, YEAR, TODAY, admin_user
    )
    assert {t.kind for t in drilled} == {"official", "out"}
    measure = report.measure("out")
    shown = {
        tuple(catalogue.display_row(measure, row))
        for row in catalogue.drill_values(measure, drilled)
    }
    destinations = {row[1] for row in shown}
    assert destinations == {tree["village"].name, "Đảng bộ Quân khu"}  # outside: the name typed
