"""The temporary-attendance end flag, the dashboard card and the XLSX list (logged)."""

import io
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangbo.transfers import rules, services
from dangbo.transfers.rules import State
from tests import factories
from tests.paper_helpers import own_rows


def test_temporary_flag_rule():
    ends = date(2026, 6, 1)
    assert rules.temporary_flag(State.ACTIVE, date(2026, 5, 1), ends) is None
    assert "Sắp hết" in rules.temporary_flag(State.ACTIVE, date(2026, 5, 20), ends)
    assert rules.temporary_flag(State.ACTIVE, ends, ends).startswith("Sắp hết")
    assert "Đã hết thời hạn" in rules.temporary_flag(State.ACTIVE, date(2026, 6, 2), ends)
    assert rules.temporary_flag(State.ENDED, date(2027, 1, 1), ends) is None
    assert rules.flags(State.ACTIVE, date(2026, 6, 2), None, None, None, ends) == [
        rules.temporary_flag(State.ACTIVE, date(2026, 6, 2), ends)
    ]
    assert "chưa tiếp nhận" in rules.temporary_flag(State.ISSUED, date(2026, 6, 2), ends)
    assert "Chờ chi bộ nơi đến" in rules.temporary_flag(State.ISSUED, date(2026, 5, 2), ends)


@pytest.fixture
def ended(tree):
    """A temporary attendance whose period is over and nobody ended it; one official overdue."""
    today = timezone.localdate()
    starts = today - timedelta(days=200)
    temporary = services.start_temporary(
        tree["members_a"][1],
        host_org=tree["cell_b"],
        starts_on=starts,
        ends_on=rules.add_months(starts, 4),
        paper_number="T-7",
    )
    temporary = services.accept_temporary(temporary, on=starts)
    official = services.issue(
        tree["members_a"][0],
        to_org=tree["village"],
        on=today - timedelta(days=150),
        paper_number="GGT-3",
    )
    return temporary, official


@pytest.fixture
def officer(tree):
    return factories.user("capuy", role_code="grassroots_committee", on=tree["committee"])


def test_list_flags_and_filters_ended_temporary_attendance(client, tree, ended, officer):
    client.force_login(officer)
    body = client.get(reverse("transfers:index")).content.decode()
    assert "1 đảng viên đã hết thời hạn sinh hoạt tạm thời" in body
    assert "Đã hết thời hạn sinh hoạt tạm thời" in body
    body = client.get(reverse("transfers:index"), {"flag": "temporary_ended"}).content.decode()
    assert "Trần Thị Hằng" in body and "Nguyễn Văn Bình" not in body
    body = client.get(reverse("transfers:detail", args=[ended[0].pk])).content.decode()
    assert "cần ghi kết thúc" in body


def test_dashboard_card_in_the_users_subtree_only(client, tree, ended, officer):
    client.force_login(officer)
    body = client.get(reverse("home")).content.decode()
    assert 'data-widget="transfers.flags"' in body
    assert "Sinh hoạt tạm thời tại đơn vị đã hết hạn, chưa ghi kết thúc" in body  # host side
    assert "Đảng viên của đơn vị hết hạn sinh hoạt tạm thời nơi khác" in body  # home side
    assert "Quá 3 tháng chưa sinh hoạt" in body
    # The commune side sees the official transfer coming in, not the temporary one elsewhere.
    other = factories.user("xa", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(other)
    body = client.get(reverse("home")).content.decode()
    assert "Quá 3 tháng chưa sinh hoạt" in body
    assert "đã hết hạn, chưa ghi kết thúc" not in body
    assert "hết hạn sinh hoạt tạm thời nơi khác" not in body
    # A role without transfers.view gets no card.
    viewer = factories.user("xem", role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    assert 'data-widget="transfers.flags"' not in client.get(reverse("home")).content.decode()


def test_xlsx_list_is_logged_and_restricted(client, tree, ended, officer):
    client.force_login(officer)
    response = client.get(reverse("transfers:index"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('chuyen-sinh-hoat-dang.xlsx"')
    rows = own_rows(load_workbook(io.BytesIO(response.content)).active)
    assert rows[0][0] == "Đảng viên" and len(rows) == 3
    assert any("cần ghi kết thúc" in (row[-1] or "") for row in rows[1:])
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.additional_data["rows"] == 2 and entry.actor == officer
    other = factories.user("xa", role_code="grassroots_committee", on=tree["commune"])
    client.force_login(other)
    response = client.get(reverse("transfers:index"), {"export": "xlsx"})
    assert len(own_rows(load_workbook(io.BytesIO(response.content)).active)) == 2


def test_dashboard_reminds_each_side_of_a_temporary_attendance(client, tree):
    """Home and host each see their own rows: waiting for acceptance, ending soon."""
    today = timezone.localdate()
    home = factories.user("nha", role_code="grassroots_committee", on=tree["committee"])
    host = factories.user("noiden", role_code="grassroots_committee", on=tree["commune"])
    pending = services.start_temporary(
        tree["members_a"][0],
        host_org=tree["village"],
        starts_on=today - timedelta(days=10),
        ends_on=rules.add_months(today - timedelta(days=10), 6),
        paper_number="T-8",
    )
    ending_start = rules.add_months(today, -4)
    ending = services.start_temporary(
        tree["village_members"][0],
        host_org=tree["cell_b"],
        starts_on=ending_start,
        ends_on=today + timedelta(days=5),
        paper_number="T-9",
    )
    services.accept_temporary(ending, on=ending_start)
    client.force_login(home)
    body = client.get(reverse("home")).content.decode()
    assert "Đảng viên đi sinh hoạt tạm thời, nơi đến chưa tiếp nhận" in body
    assert "Sinh hoạt tạm thời tại đơn vị sắp hết hạn" in body
    assert "Chờ đơn vị tiếp nhận sinh hoạt tạm thời" not in body
    client.force_login(host)
    body = client.get(reverse("home")).content.decode()
    assert "Chờ đơn vị tiếp nhận sinh hoạt tạm thời" in body
    assert "Đảng viên của đơn vị sắp hết hạn sinh hoạt tạm thời nơi khác" in body
    listed = client.get(
        reverse("transfers:index"), {"flag": "temporary_pending", "side": "host"}
    ).content.decode()
    assert "Nguyễn Văn Bình" in listed
    detail = client.get(reverse("transfers:detail", args=[pending.pk])).content.decode()
    assert "Tiếp nhận sinh hoạt tạm thời" in detail
    response = client.post(
        reverse("transfers:act", args=[pending.pk, "accept"]), {"on": today.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == State.ACTIVE and pending.accepted_on == today
