"""A past date's member report of an org that has moved since counts the subtree it had then
(#23): the committee (cells A and B, 4 members) moves from the bloc to the commune on
01/03/2026; its report as of 31/12/2025 — counted live or from the month end — and the
drill-down still find its members, and the bloc's report of that day still holds them."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization
from dangbo.reports import month_ends
from dangbo.reports.report import build_member_table
from tests import factories

BEFORE = date(2025, 12, 31)


def _move(tree):
    org_services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(date(2026, 3, 1))
    )
    return {key: Organization.objects.get(pk=tree[key].pk) for key in ("committee", "bloc")}


def _figures(org):
    table = build_member_table(org, BEFORE, "status", True, timezone.localdate())
    return {row.label: sum(row.cells) for row in table.rows}, table.grand_total


def test_a_moved_org_s_past_report_counts_the_subtree_it_had(tree, admin_client):
    moved = _move(tree)
    expected = ({"Chi bộ Văn phòng": 3, "Chi bộ Phòng Nghiệp vụ": 1}, 4)
    assert _figures(moved["committee"]) == expected  # counted live
    assert _figures(moved["bloc"])[1] == 4  # the bloc held them on that day
    month_ends.refresh([BEFORE], today=timezone.localdate())
    assert _figures(moved["committee"]) == expected  # from the month end's rows
    body = admin_client.get(
        reverse("reports:rows"), {"org": moved["committee"].pk, "on": "31/12/2025"}
    ).content.decode()
    assert "Nguyễn Văn Bình" in body and "Phạm Quang Dũng" in body
