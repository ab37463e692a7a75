"""Demo member account `dangvien`: a member of the cell the demo `bithu` leads, with an
upcoming meeting (agenda, document, online link) and a task from the last resolution.

The demo account starts with the demo password and no forced change, so the demo can be
replayed; accounts made by officers must change their one-time password at first login.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dangbo.demo.users import DEMO_PASSWORD
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.portal import services

USERNAME = "dangvien"


@transaction.atomic
def seed_portal() -> str:
    """Create the demo member account (idempotent); returns the login line to print."""
    if get_user_model().objects.filter(username=USERNAME).exists():
        return f"  {USERNAME} / {DEMO_PASSWORD}  — đảng viên (cổng đảng viên)"
    cell = Organization.objects.filter(org_type__holds_members=True, is_active=True)
    cell = cell.order_by("path").first()
    members = list(
        Member.objects.filter(organization=cell, status__in=ACTIVE_STATUSES).order_by(
            "name_search", "id"
        )[:3]
    )
    member = members[-1]  # not the first: the demo's chair
    account, _ = services.create_account(member)
    login = account.user
    login.username = USERNAME
    login.set_password(DEMO_PASSWORD)
    login.save()
    account.must_change_password = False
    account.save()

    today = timezone.localdate()
    day = today + timedelta(days=7)
    while Meeting.objects.filter(organization=cell, planned_on=day).exists():
        day += timedelta(days=1)
    meeting = meeting_services.plan_meeting(organization=cell, kind="regular", planned_on=day)
    meeting_services.prepare_meeting(
        meeting,
        planned_on=day,
        agenda="1. Đánh giá kết quả thực hiện nghị quyết tháng trước.\n"
        "2. Phương hướng, nhiệm vụ tháng tới.\n3. Thu đảng phí.",
        location="Phòng họp chi bộ",
        online_link="https://hop.dangbo.example/chi-bo",
    )
    meeting_services.add_document(
        meeting,
        title="Dự thảo nghị quyết chi bộ tháng",
        url="https://tailieu.dangbo.example/du-thao-nghi-quyet.pdf",
    )
    last = (
        Meeting.objects.filter(organization=cell, status=MeetingStatus.HELD)
        .order_by("-planned_on")
        .first()
    )
    if last is not None:
        meeting_services.adopt_resolution(
            last,
            content="Tăng cường sinh hoạt chuyên đề; mỗi đảng viên đăng ký một việc làm cụ thể.",
            tasks=[
                meeting_services.TaskInput(
                    "Xây dựng kế hoạch học tập chuyên đề quý", member.pk, today + timedelta(days=30)
                )
            ],
        )
    return f"  {USERNAME} / {DEMO_PASSWORD}  — đảng viên {member.full_name} (cổng đảng viên)"
