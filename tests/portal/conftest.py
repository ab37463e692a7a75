from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangbo.dues.models import LedgerEntry
from dangbo.meetings import services as meeting_services
from dangbo.portal import services
from dangbo.portal.models import MemberAccount
from tests.meetings.conftest import held_meeting

PASSWORD = "Mat-khau-moi-2026!"


def account_for(member, password=PASSWORD, must_change=False) -> MemberAccount:
    account, _ = services.create_account(member)
    account.user.set_password(password)
    account.user.save()
    account.must_change_password = must_change
    account.save()
    return account


def upcoming_meeting(cell, days=5, **kw):
    today = timezone.localdate()
    meeting = meeting_services.plan_meeting(
        organization=cell, kind="regular", planned_on=today + timedelta(days=days)
    )
    meeting_services.prepare_meeting(
        meeting,
        planned_on=meeting.planned_on,
        agenda=kw.get("agenda", "1. Đánh giá công tác tháng\n2. Phương hướng tháng tới"),
        location="Phòng họp tầng 2",
        online_link=kw.get("online_link", "https://hop.example.vn/chi-bo"),
    )
    meeting_services.add_document(
        meeting, title="Dự thảo nghị quyết tháng", url="https://tailieu.example.vn/nq.pdf"
    )
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def portal(tree):
    """Two members of cell_a and one of cell_b with accounts, meetings, a task and dues."""
    alice, bob = tree["members_a"][0], tree["members_a"][1]
    carol = tree["members_b"][0]
    accounts = {m.pk: account_for(m) for m in (alice, bob, carol)}
    meeting_a = upcoming_meeting(tree["cell_a"])
    meeting_b = upcoming_meeting(tree["cell_b"])
    past = held_meeting(tree["cell_a"], tree["members_a"], on=date(2026, 1, 10))
    resolution = meeting_services.adopt_resolution(
        past,
        content="Tập trung hoàn thành kế hoạch quý I.",
        tasks=[
            meeting_services.TaskInput("Báo cáo sơ kết quý I", bob.pk, date(2026, 3, 31)),
            meeting_services.TaskInput("Rà soát hồ sơ đảng viên", alice.pk, date(2026, 4, 30)),
        ],
    )
    for member in (alice, bob):
        for month in (1, 2, 3):
            LedgerEntry.objects.create(
                member=member,
                organization=member.organization,
                month=date(2026, month, 1),
                due=50_000,
                paid=50_000 if month < 3 else 0,
                paid_on=date(2026, month, 20) if month < 3 else None,
            )
    return dict(
        tree,
        alice=alice,
        bob=bob,
        carol=carol,
        accounts=accounts,
        meeting_a=meeting_a,
        meeting_b=meeting_b,
        past=past,
        resolution=resolution,
        bob_task=resolution.tasks.get(owner=bob),
        alice_task=resolution.tasks.get(owner=alice),
    )


def login(client, account):
    client.force_login(account.user)
    return client
