"""Demo data for meetings: a year of meetings for every active cell, with realistic attendance
(a few chronic absentees, flagged for deletion), superiors attending (some online), durations
(a few too short) and scores against a sample criteria set issued by each root org.

Deterministic for a seed. Hook for `seed_demo` (call `generate_meetings()` after the members
are written); also `manage.py seed_meetings`. Uses COPY for attendance on PostgreSQL.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from dangbo.meetings import absences, rules, services, tally
from dangbo.meetings.models import (
    Attendance,
    CriteriaSet,
    CriterionScore,
    InvitedSuperior,
    Meeting,
    MeetingStatus,
)
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

SAMPLE_CRITERIA = [
    ("Chuẩn bị chu đáo: nội dung, tài liệu gửi đảng viên trước ít nhất 1 ngày", 20, ""),
    ("Tỷ lệ đảng viên dự sinh hoạt", 15, "Từ 95% trở lên: tối đa điểm"),
    ("Thời gian và trình tự sinh hoạt đúng quy định", 15, "Ít nhất 90 phút (kết hợp: 120)"),
    ("Nội dung thiết thực, bám sát nhiệm vụ chính trị của đơn vị", 20, ""),
    ("Phát huy dân chủ, tự phê bình và phê bình", 15, ""),
    ("Nghị quyết rõ ràng, giao nhiệm vụ cụ thể cho đảng viên", 15, ""),
]
SUPERIOR_NAMES = [
    ("Nguyễn Văn Thắng", "Ủy viên Ban Thường vụ"),
    ("Trần Thị Lan", "Phó Bí thư Đảng ủy"),
    ("Lê Minh Tuấn", "Trưởng Ban Tổ chức"),
    ("Phạm Thu Hà", "Ủy viên Ban Chấp hành"),
]


def ensure_sample_criteria(valid_from: date = date(2020, 1, 1)) -> list[CriteriaSet]:
    """A sample criteria set for each root org that has none (a province's own set)."""
    created = []
    for root in Organization.objects.filter(depth=1).select_related("org_type"):
        if root.org_type.holds_members or root.meeting_criteria_sets.exists():
            continue
        created.append(
            services.create_criteria_set(
                organization=root,
                name="Tiêu chí đánh giá chất lượng sinh hoạt chi bộ (mẫu)",
                valid_from=valid_from,
                source="Dữ liệu mẫu",
                criteria=[services.CriterionInput(n, Decimal(m), g) for n, m, g in SAMPLE_CRITERIA],
            )
        )
    return created


def _months_ending(end: date, months: int) -> list[tuple[int, int]]:
    last = end.year * 12 + end.month - 1
    return [(i // 12, i % 12 + 1) for i in range(last - months + 1, last + 1)]


def _meeting_day(year: int, month: int, rng: random.Random, taken: set) -> date:
    for _ in range(20):
        day = date(year, month, rng.randint(3, 25))
        if day.weekday() < 5 and day not in taken:
            return day
    return date(year, month, 28)


def _roster(rng: random.Random) -> tuple[dict[int, list[int]], set[int]]:
    """Active members by cell, and the few chronic absentees."""
    roster: dict[int, list[int]] = defaultdict(list)
    for member_id, org_id in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list(
        "pk", "organization_id"
    ):
        roster[org_id].append(member_id)
    chronic = {m for ids in roster.values() for m in ids if rng.random() < 0.006}
    return roster, chronic


def _month_kinds(rng: random.Random, month: int, separate_thematic: bool) -> list[str]:
    kinds = []
    if rng.random() > 0.03:  # a few months are missed
        quarter_end = month % 3 == 0
        if quarter_end and not separate_thematic:
            kinds.append(rules.COMBINED)
        else:
            kinds.append(rules.REGULAR)
        if quarter_end and separate_thematic:
            kinds.append(rules.THEMATIC)
    return kinds


def _statuses(rng: random.Random, members: list[int], chronic: set) -> dict[int, tuple[str, str]]:
    statuses = {}
    for member_id in members:
        roll = rng.random()
        if member_id in chronic and roll < 0.85:
            statuses[member_id] = ("unexcused", "")
        elif roll < 0.90:
            statuses[member_id] = ("present", "")
        elif roll < 0.94:
            statuses[member_id] = ("online", "")
        elif roll < 0.99:
            statuses[member_id] = ("excused", rng.choice(["Ốm", "Đi công tác"]))
        else:
            statuses[member_id] = ("unexcused", "")
    return statuses


def _meeting(rng, cell_id, kind, day, members, statuses, quality, criteria_set, score_share):
    """One held meeting of the cell on `day`, its figures drawn from `statuses`."""
    counts = rules.count_attendance(s for s, _ in statuses.values())
    minimum = rules.minimum_minutes(kind)
    minutes = minimum - rng.randint(5, 30) if rng.random() < 0.05 else minimum + rng.randint(0, 45)
    start = timezone.make_aware(datetime.combine(day, time(8, 0)))
    score = None
    if criteria_set is not None and rng.random() < score_share:
        score = Decimal(str(max(30.0, min(100.0, rng.gauss(quality, 6))))).quantize(Decimal("0.1"))
    return Meeting(
        organization_id=cell_id,
        kind=kind,
        status=MeetingStatus.HELD,
        planned_on=day,
        topic=f"Chuyên đề quý {rules.quarter_of(day.month)}"
        if kind in rules.THEMATIC_KINDS
        else "",
        agenda="Đánh giá kết quả tháng; phương hướng nhiệm vụ tháng tới.",
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        chair_id=members[0],
        secretary_id=members[1] if len(members) > 1 else members[0],
        expected_count=counts.expected,
        attended_count=counts.attended,
        excused_count=counts.excused,
        unexcused_count=counts.unexcused,
        score=score,
        criteria_set=criteria_set if score is not None else None,
        grade=rules.grade_for(score) if score is not None else "",
    )


def _write_scores(meetings: list[Meeting], criteria: dict) -> None:
    """Criterion scores of the scored meetings, in proportion to their total."""
    CriterionScore.objects.bulk_create(
        (
            CriterionScore(
                meeting_id=meeting.pk,
                criterion=c,
                points=(c.max_points * meeting.score / 100).quantize(Decimal("0.1")),
            )
            for meeting in meetings
            if meeting.score is not None
            for c in criteria[meeting.criteria_set_id]
        ),
        batch_size=5000,
    )


def _invite_superiors(rng: random.Random, meetings: list[Meeting]) -> list[InvitedSuperior]:
    superiors = []
    for meeting in meetings:
        if rng.random() < 0.25:
            name, position = rng.choice(SUPERIOR_NAMES)
            online = rng.random() < 0.3
            superiors.append(
                InvitedSuperior(
                    meeting=meeting,
                    full_name=name,
                    position=position,
                    mode="online" if online else "in_person",
                    online_link="https://hop.dangbo.example/phong" if online else "",
                    attended=rng.random() < 0.85,
                ).copy_meeting(meeting)
            )
    InvitedSuperior.objects.bulk_create(superiors, batch_size=5000)
    return superiors


@transaction.atomic
def generate_meetings(
    *,
    end: date | None = None,
    months: int = 12,
    seed: int = 1,
    separate_thematic: bool = False,
    score_share: float = 0.9,
) -> dict:
    """Meetings for the `months` months ending with the month before `end` (default today),
    for every active cell: regular monthly and thematic quarterly (combined with the regular
    one, or separate when `separate_thematic`: 16 a year)."""
    rng = random.Random(seed)
    end = end or timezone.localdate()
    end = end.replace(day=1) - timedelta(days=1)
    ensure_sample_criteria()
    cells = list(
        Organization.objects.filter(org_type__holds_members=True, is_active=True)
        .order_by("path")
        .values_list("pk", "path")
    )
    roster, chronic = _roster(rng)
    sets = list(CriteriaSet.objects.filter(valid_to__isnull=True).select_related("organization"))
    criteria = {s.pk: list(s.criteria.all()) for s in sets}
    calendar = _months_ending(end, months)

    meetings: list[Meeting] = []
    plans: list[tuple[int, dict[int, tuple[str, str]]]] = []
    for cell_id, path in cells:
        members = roster.get(cell_id, [])
        if not members:
            continue
        quality = rng.gauss(82, 8)
        matches = [s for s in sets if path.startswith(s.organization.path)]
        criteria_set = max(matches, key=lambda s: len(s.organization.path)) if matches else None
        taken: set[date] = set()
        for year, month in calendar:
            for kind in _month_kinds(rng, month, separate_thematic):
                day = _meeting_day(year, month, rng, taken)
                taken.add(day)
                statuses = _statuses(rng, members, chronic)
                meetings.append(
                    _meeting(
                        rng,
                        cell_id,
                        kind,
                        day,
                        members,
                        statuses,
                        quality,
                        criteria_set,
                        score_share,
                    )
                )
                plans.append((len(meetings) - 1, statuses))
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    _write_scores(meetings, criteria)
    attendance_rows = [
        (meetings[index].pk, member_id, status, reason)
        for index, statuses in plans
        for member_id, (status, reason) in statuses.items()
    ]
    _write_attendance(attendance_rows)
    superiors = _invite_superiors(rng, meetings)
    tally.rebuild()
    absences.rebuild()
    return {
        "meetings": len(meetings),
        "attendance": len(attendance_rows),
        "superiors": len(superiors),
    }


def _write_attendance(rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = "COPY meetings_attendance (meeting_id, member_id, status, reason) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    Attendance.objects.bulk_create(
        (Attendance(meeting_id=m, member_id=p, status=s, reason=r) for m, p, s, r in rows),
        batch_size=5000,
    )
