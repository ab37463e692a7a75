"""A random series of admissions, transfers, moves and merges, each dated after the last:

- a report as of any day before a change reads the same after it (nothing was back-dated);
- the per-ancestor summary equals the raw aggregate after the whole series;
- the day's report equals an independent count from the register rows.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.members import services as member_services
from dangbo.members import summary
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization
from dangbo.reports.report import build_member_table
from tests import factories

START = date(2021, 1, 1)
TODAY = date(2026, 6, 30)

operations = st.lists(
    st.tuples(st.sampled_from(["admit", "transfer", "move", "merge"]), st.integers(0, 50)),
    min_size=3,
    max_size=8,
)


def _cells():
    return list(
        Organization.objects.filter(org_type__holds_members=True, is_active=True).order_by("path")
    )


def _apply(kind: str, pick: int, on: date, tree) -> None:
    cells = _cells()
    if kind == "admit":
        factories.member(
            cells[pick % len(cells)],
            f"Đảng viên {pick}",
            birth_date=date(1990, 1, 1),
            admitted_on=on,
            official_on=None,
        )
    elif kind == "transfer":
        members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).order_by("id"))
        member = members[pick % len(members)]
        targets = [c for c in cells if c.pk != member.organization_id]
        member_services.place_members(
            [member.pk], targets[pick % len(targets)], on, summary="Chuyển sinh hoạt"
        )
    elif kind == "move":
        committee = Organization.objects.get(pk=tree["committee"].pk)
        parent = tree["commune"] if committee.path.startswith(tree["bloc"].path) else tree["bloc"]
        org_services.move_org(committee, new_parent=parent, decision=factories.decision(on))
    elif kind == "merge" and len(cells) > 2:
        source, target = cells[pick % len(cells)], cells[(pick + 1) % len(cells)]
        member_services.merge_orgs([source], target, decision=factories.decision(on))


def _table(root, on):
    table = build_member_table(root, on, "status", True, TODAY)
    return [(row.label, row.cells) for row in table.rows]


@pytest.mark.django_db
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_reports_before_a_change_do_not_move_and_summary_stays_exact(tree, ops):
    with transaction.atomic():
        summary.rebuild()
        province = Organization.objects.get(pk=tree["province"].pk)
        issued = []
        day = START
        for kind, pick in ops:
            day += timedelta(days=45)
            issued.append((day - timedelta(days=1), _table(province, day - timedelta(days=1))))
            _apply(kind, pick, day, tree)
        for on, before in issued:
            assert _table(province, on) == before, f"report for {on} changed"
        paths = list(Organization.objects.values_list("path", flat=True))
        assert summary.counts(paths, ACTIVE_STATUSES) == summary.live_counts(paths, ACTIVE_STATUSES)
        today_total = build_member_table(province, TODAY, "status", False, TODAY).grand_total
        assert today_total == Member.objects.filter(status__in=ACTIVE_STATUSES).count()
        transaction.set_rollback(True)
