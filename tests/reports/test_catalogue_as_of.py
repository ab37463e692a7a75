"""Module reports for a past year show the tree as it stood then (valid time, issue #23).

The grassroots committee (with its two cells) moves from the bloc to the commune in 2026:
the 2025 report and its drill-down keep its records under the bloc, the 2026 report puts
them under the commune, and the report of the moved org itself still finds its rows.
"""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.meetings.models import Meeting
from dangbo.organizations import services as org_services
from dangbo.reports import catalogue
from tests import factories

MOVED_ON = date(2026, 3, 1)
TODAY = date(2026, 6, 1)


def meeting(org, day):
    return Meeting.objects.create(
        organization=org, kind="regular", planned_on=day, status="held", grade="tot"
    )


@pytest.fixture
def moved(tree):
    rows = [
        meeting(tree["cell_a"], date(2025, 4, 10)),
        meeting(tree["cell_b"], date(2025, 5, 10)),
        meeting(tree["village"], date(2025, 6, 10)),
        meeting(tree["cell_a"], date(2026, 4, 10)),
    ]
    org_services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(MOVED_ON)
    )
    for key in ("committee", "cell_a", "cell_b", "bloc", "commune"):
        tree[key].refresh_from_db()
    return rows


def figures(table, key="held"):
    return {row.label: row.values[key] for row in table.rows}, table.total.values[key]


def test_past_year_keeps_the_moved_org_under_its_old_parent(tree, moved, admin_user):
    report = catalogue.REPORTS["meetings"]
    measure = report.measure("held")
    province, bloc, commune = tree["province"], tree["bloc"], tree["commune"]

    past = catalogue.build_table(report, province, 2025, TODAY, admin_user)
    assert figures(past) == ({bloc.name: 2, commune.name: 1}, 3)
    assert past.on == date(2025, 12, 31)
    bloc_row = next(r for r in past.rows if r.org_id == bloc.pk)
    drilled = catalogue.drill_rows(report, measure, bloc_row.path, 2025, TODAY, admin_user)
    assert {m.pk for m in drilled} == {moved[0].pk, moved[1].pk}

    # The bloc's own 2025 report still counts the cells it had then.
    assert figures(catalogue.build_table(report, bloc, 2025, TODAY, admin_user))[1] == 2
    assert figures(catalogue.build_table(report, commune, 2025, TODAY, admin_user))[1] == 1

    now = catalogue.build_table(report, province, 2026, TODAY, admin_user)
    assert figures(now) == ({bloc.name: 0, commune.name: 1}, 1)
    commune_row = next(r for r in now.rows if r.org_id == commune.pk)
    drilled = catalogue.drill_rows(report, measure, commune_row.path, 2026, TODAY, admin_user)
    assert [m.pk for m in drilled] == [moved[3].pk]


def test_the_moved_org_s_own_past_report_is_found_by_its_old_path(tree, moved, admin_user):
    report = catalogue.REPORTS["meetings"]
    committee = tree["committee"]
    table = catalogue.build_table(report, committee, 2025, TODAY, admin_user)
    assert figures(table) == ({tree["cell_a"].name: 1, tree["cell_b"].name: 1}, 2)
    assert table.total.path != committee.path  # its path under the bloc then
    drilled = catalogue.drill_rows(
        report, report.measure("held"), table.total.path, 2025, TODAY, admin_user
    )
    assert drilled.count() == 2


def test_past_year_screen_and_drill_down(tree, moved, admin_client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    query = {"org": tree["province"].pk, "year": 2025}
    page = admin_client.get(reverse("reports:module", args=["meetings"]), query)
    assert page.status_code == 200
    assert "cây tổ chức ngày 31/12/2025" in page.content.decode()
    bloc_path = next(r.path for r in page.context["table"].rows if r.org_id == tree["bloc"].pk)
    rows = admin_client.get(
        reverse("reports:module_rows", args=["meetings"]),
        {**query, "measure": "held", "path": bloc_path},
    )
    assert rows.status_code == 200
    assert rows.content.decode().count("Chi bộ") >= 2
