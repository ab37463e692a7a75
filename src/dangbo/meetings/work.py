"""«Việc cần làm» of meetings (core.hooks.register_work): the cells the user runs meetings for
with no meeting recorded this month — the planned meeting to record, or the month to plan."""

from datetime import timedelta

from django.db.models import Avg, Count, Exists, Max, OuterRef, Subquery
from django.urls import reverse

from dangbo.core import hooks
from dangbo.core.text import vi_number
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.organizations.models import Organization


def meetings_to_record(user, today) -> list[hooks.WorkItem]:
    """At most two queries: the first cells (with this month's first planned meeting), and the
    count when there are more."""
    month_start = today.replace(day=1)
    this_month = Meeting.objects.filter(
        organization=OuterRef("pk"), planned_on__gte=month_start, planned_on__lte=_month_end(today)
    )
    planned = this_month.filter(status=MeetingStatus.PLANNED).order_by("planned_on", "id")
    cells = (
        Organization.objects.restrict(user, "meetings.change")
        .filter(is_active=True, org_type__holds_members=True)
        .exclude(Exists(this_month.filter(status=MeetingStatus.HELD)))
    )
    rows = hooks.first_rows(
        cells.annotate(
            meeting_id=Subquery(planned.values("id")[:1]),
            meeting_on=Subquery(planned.values("planned_on")[:1]),
        )
        .only("id", "name")
        .order_by("path")
    )
    items = [_item(cell, today) for cell in rows[: hooks.WORK_SHOWN]]
    return hooks.with_more(
        items,
        rows,
        cells,
        label=f"Tất cả chi bộ chưa ghi biên bản sinh hoạt tháng {today:%m/%Y}",
        url=reverse("meetings:stats"),
    )


def _item(cell, today) -> hooks.WorkItem:
    if cell.meeting_id is None:
        return hooks.WorkItem(
            label=f"Lập kế hoạch sinh hoạt tháng {today:%m/%Y} — {cell.name}",
            url=reverse("meetings:plan", args=[cell.pk]),
            tone="warning",
        )
    if cell.meeting_on <= today:
        return hooks.WorkItem(
            label=f"Ghi biên bản, điểm danh buổi sinh hoạt — {cell.name}",
            url=reverse("meetings:record", args=[cell.meeting_id]),
            due=cell.meeting_on,
            tone="warning",
        )
    return hooks.WorkItem(
        label=f"Chuẩn bị buổi sinh hoạt — {cell.name}",
        url=reverse("meetings:prepare", args=[cell.meeting_id]),
        due=cell.meeting_on,
        tone="info",
    )


def _month_end(day):
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def meeting_quality(org, today) -> list[tuple]:
    """A cell's meetings held this year: how many, the mean score, the last one (one query)."""
    if not org.org_type.holds_members:
        return []
    year = Meeting.objects.filter(
        organization=org, status=MeetingStatus.HELD, planned_on__year=today.year
    ).aggregate(held=Count("id"), score=Avg("score"), last=Max("planned_on"))
    url = reverse("meetings:cell", args=[org.pk])
    rows = [(f"Buổi sinh hoạt đã họp năm {today.year}", vi_number(year["held"]), url)]
    if year["score"] is not None:
        rows.append(("Điểm chất lượng trung bình", vi_number(year["score"], 1), url))
    if year["last"]:
        rows.append(("Buổi gần nhất", f"{year['last']:%d/%m/%Y}", url))
    return rows


hooks.register_org_facts(
    hooks.OrgFacts(
        key="meetings.quality",
        title="Sinh hoạt chi bộ",
        facts=meeting_quality,
        permission="meetings.view",
        order=20,
    )
)


hooks.register_work(
    hooks.WorkSource(
        key="meetings.to_record",
        title="Sinh hoạt chi bộ tháng này",
        items=meetings_to_record,
        permission="meetings.change",
        order=20,
    )
)
