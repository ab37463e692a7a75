"""Use cases for cell meetings: one transaction each, validate → write. Bad input raises
DomainError with a Vietnamese message naming the field (and row); nothing is changed."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.core import hooks, uploads
from dangbo.core.accounts import actor as _actor
from dangbo.core.collation import vi_name_order
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import clean_spaces
from dangbo.core.workdays import calendar_for
from dangbo.meetings import absences, rules, tally
from dangbo.meetings.models import (
    Attendance,
    AttendanceStatus,
    AttendMode,
    CriteriaSet,
    Criterion,
    CriterionScore,
    InvitedSuperior,
    Kind,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    MeetingTask,
    Resolution,
    SuperiorAssignment,
)
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


def param(key: str, on: date, org_path: str = ""):
    """A meetings rule value in force on `on` for the org at `org_path`."""
    return RuleParameter.value_on(key, on, org_path, rules.DEFAULTS[key])


def params(on: date, org_path: str = "") -> dict:
    """All meetings rule values in force on `on` (one query)."""
    values = RuleParameter.values_on(rules.DEFAULTS, on, org_path)
    return {key: values.get(key, value) for key, value in rules.DEFAULTS.items()}


def ancestor_paths(path: str) -> list[str]:
    step = Organization.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def _check_cell(org: Organization) -> None:
    if not org.org_type.holds_members:
        raise DomainError(
            f"«{org.name}» không phải chi bộ; chỉ chi bộ tổ chức sinh hoạt chi bộ.", "organization"
        )
    if not org.is_active:
        raise DomainError(f"Chi bộ «{org.name}» đã giải thể.", "organization")


def _check_kind(kind: str, topic: str) -> None:
    if kind not in Kind.values:
        raise DomainError("Loại sinh hoạt không hợp lệ.", "kind")
    if kind in rules.THEMATIC_KINDS and not topic:
        raise DomainError("Sinh hoạt chuyên đề cần có chủ đề.", "topic")


def _check_open(meeting: Meeting, action: str) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(f"Buổi sinh hoạt đã hủy, không thể {action}.")


def _check_free_day(org: Organization, day: date, exclude_pk=None) -> None:
    clash = (
        Meeting.objects.active()
        .filter(organization=org, planned_on=day)
        .exclude(pk=exclude_pk)
        .exists()
    )
    if clash:
        raise DomainError(f"Chi bộ đã có buổi sinh hoạt ngày {day:%d/%m/%Y}.", "planned_on")


def roll(org: Organization, day: date):
    """The members who attend this cell's meeting on `day`, in valid time: placed in the cell
    and probationary or official that day, less those attending temporarily elsewhere, plus
    those attending here temporarily (accepted by the cell, still on their home register).
    One query: the temporary attendances come as subqueries."""
    members = Member.objects.all()
    away = hooks.call("transfers.hosted_on", day, home_path=org.path)
    here = hooks.call("transfers.hosted_on", day, host_path=org.path)
    if here is not None:
        members = members.in_org_on(
            org.pk, day, also=here.filter(to_org_id=org.pk).values("member_id")
        )
    else:
        members = members.in_org_on(org.pk, day)
    if away is not None:
        members = members.exclude(pk__in=away.exclude(to_org_id=org.pk).values("member_id"))
    return members.order_by(*vi_name_order(), "id")


# --- plan and prepare -------------------------------------------------------------------------


@transaction.atomic
def plan_meeting(
    *,
    organization: Organization,
    kind: str,
    planned_on: date,
    topic: str = "",
    agenda: str = "",
    user=None,
) -> Meeting:
    """Put a meeting on a cell's calendar."""
    _check_cell(organization)
    topic = clean_spaces(topic)
    _check_kind(kind, topic)
    if planned_on is None:
        raise DomainError("Cần nhập ngày sinh hoạt.", "planned_on")
    _check_free_day(organization, planned_on)
    meeting = Meeting.objects.create(
        organization=organization,
        kind=kind,
        planned_on=planned_on,
        topic=topic,
        agenda=(agenda or "").strip(),
        recorded_by=_actor(user),
    )
    _invite_assigned(meeting)
    return meeting


def proposed_calendar(organization: Organization, year: int, today: date) -> list[tuple]:
    """The meetings the system proposes to complete a cell's year (from this month on)."""
    if year < today.year:
        return []
    from_month = today.month if year == today.year else 1
    existing = Meeting.objects.active().filter(organization=organization, planned_on__year=year)
    config = params(date(year, 1, 1), organization.path)
    work = calendar_for()
    return rules.propose_calendar(
        year,
        existing.values_list("planned_on", "kind"),
        day_of_month=int(config["meetings.regular_day_of_month"]),
        thematic_months=tuple(config["meetings.thematic_months"]),
        from_month=from_month,
        is_working_day=work.is_working_day,
    )


@transaction.atomic
def plan_year(organization: Organization, year: int, *, user=None, today=None) -> list[Meeting]:
    """Create the proposed meetings for the rest of a year (regular monthly, thematic
    quarterly); existing meetings are kept."""
    _check_cell(organization)
    today = today or timezone.localdate()
    proposals = proposed_calendar(organization, year, today)
    if not proposals:
        raise DomainError(f"Lịch sinh hoạt năm {year} của chi bộ đã đủ, không cần bổ sung.", "year")
    meetings = [
        Meeting.objects.create(
            organization=organization,
            kind=kind,
            planned_on=day,
            topic=(
                f"Chuyên đề quý {rules.quarter_of(day.month)}"
                if kind in rules.THEMATIC_KINDS
                else ""
            ),
            recorded_by=_actor(user),
        )
        for day, kind in proposals
    ]
    for meeting in meetings:
        _invite_assigned(meeting)
    return meetings


def _check_superior(full_name: str, mode: str, link: str) -> str:
    full_name = clean_spaces(full_name)
    if not full_name:
        raise DomainError("Cần nhập họ tên đồng chí cấp trên dự.", "full_name")
    if mode not in AttendMode.values:
        raise DomainError("Hình thức dự không hợp lệ.", "mode")
    if mode == AttendMode.ONLINE and not link:
        raise DomainError("Dự trực tuyến cần có đường dẫn phòng họp.", "online_link")
    return full_name


def assignments_on(organization: Organization, day: date):
    return SuperiorAssignment.objects.filter(organization=organization, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def _invite_assigned(meeting: Meeting) -> None:
    """Invite the leaders assigned to the cell on the meeting's day."""
    for assignment in assignments_on(meeting.organization, meeting.planned_on):
        InvitedSuperior.objects.create(
            meeting=meeting,
            full_name=assignment.full_name,
            position=assignment.position,
            user_id=assignment.user_id,
            mode=assignment.mode,
            online_link=assignment.online_link,
        )


@transaction.atomic
def assign_superior(
    *,
    organization: Organization,
    full_name: str,
    valid_from: date,
    position: str = "",
    mode: str = AttendMode.IN_PERSON,
    online_link: str = "",
    account=None,
    user=None,
) -> SuperiorAssignment:
    """Assign a leader of the superior committee to attend a cell's meetings from a date;
    meetings planned from then on invite them."""
    _check_cell(organization)
    link = (online_link or "").strip()
    full_name = _check_superior(full_name, mode, link)
    if valid_from is None:
        raise DomainError("Cần nhập ngày bắt đầu phân công.", "valid_from")
    return SuperiorAssignment.objects.create(
        organization=organization,
        full_name=full_name,
        position=clean_spaces(position),
        user=account,
        mode=mode,
        online_link=link if mode == AttendMode.ONLINE else "",
        valid_from=valid_from,
    )


@transaction.atomic
def end_superior_assignment(
    assignment: SuperiorAssignment, *, on: date, user=None
) -> SuperiorAssignment:
    assignment = SuperiorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.valid_to is not None:
        raise DomainError(f"Phân công đã kết thúc từ {assignment.valid_to:%d/%m/%Y}.", "on")
    if on is None or on <= assignment.valid_from:
        raise DomainError(
            f"Ngày kết thúc phải sau ngày phân công {assignment.valid_from:%d/%m/%Y}.", "on"
        )
    assignment.valid_to = on
    assignment.save()
    return assignment


@transaction.atomic
def prepare_meeting(
    meeting: Meeting,
    *,
    planned_on: date,
    topic: str = "",
    agenda: str = "",
    location: str = "",
    online_link: str = "",
    user=None,
) -> Meeting:
    """Set the date, agenda and place of a planned meeting."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    _check_open(meeting, "chuẩn bị")
    if meeting.is_held:
        raise DomainError("Buổi sinh hoạt đã diễn ra; hãy sửa biên bản thay vì chuẩn bị.")
    topic = clean_spaces(topic)
    _check_kind(meeting.kind, topic)
    agenda = (agenda or "").strip()
    if not agenda:
        raise DomainError("Cần nhập chương trình, nội dung sinh hoạt.", "agenda")
    _check_free_day(meeting.organization, planned_on, exclude_pk=meeting.pk)
    meeting.planned_on = planned_on
    meeting.topic = topic
    meeting.agenda = agenda
    meeting.location = clean_spaces(location)
    meeting.online_link = (online_link or "").strip()
    meeting.save()
    return meeting


@transaction.atomic
def add_document(
    meeting: Meeting, *, title: str, file=None, url: str = "", published_at=None, user=None
) -> MeetingDocument:
    """Attach a document and publish it to the cell's members (lateness is shown, not refused)."""
    _check_open(meeting, "thêm tài liệu")
    title = clean_spaces(title)
    if not title:
        raise DomainError("Cần nhập tên tài liệu.", "title")
    if not file and not (url or "").strip():
        raise DomainError("Cần đính kèm tệp hoặc nhập đường dẫn tài liệu.", "file")
    published_at = published_at or timezone.now()
    if published_at > timezone.now():
        raise DomainError("Thời điểm công bố không được sau hiện tại.", "published_at")
    document = MeetingDocument(
        meeting=meeting, title=title, url=(url or "").strip(), published_at=published_at
    )
    if file:
        checked = uploads.check_upload(file, field="file")
        document.file_name = checked.name
        document.file_type = checked.type.code
        document.file.save(checked.stored_name(), checked.file, save=False)
    document.save()
    return document


def document_is_late(document: MeetingDocument, meeting: Meeting, days_before: int) -> bool:
    local_day = timezone.localtime(document.published_at).date()
    return rules.document_is_late(local_day, meeting.planned_on, days_before)


@transaction.atomic
def invite_superior(
    meeting: Meeting,
    *,
    full_name: str,
    position: str = "",
    mode: str = AttendMode.IN_PERSON,
    online_link: str = "",
    account=None,
    user=None,
) -> InvitedSuperior:
    """Invite a leader of the superior committee, in person or online (with the link)."""
    _check_open(meeting, "mời cấp trên")
    link = (online_link or "").strip() or meeting.online_link
    full_name = _check_superior(full_name, mode, link)
    return InvitedSuperior.objects.create(
        meeting=meeting,
        full_name=full_name,
        position=clean_spaces(position),
        mode=mode,
        online_link=link if mode == AttendMode.ONLINE else "",
        user=account,
    )


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, reason: str, user=None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise DomainError("Chỉ hủy được buổi sinh hoạt chưa diễn ra.")
    reason = clean_spaces(reason)
    if not reason:
        raise DomainError("Cần nêu lý do hủy.", "reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason[:255]
    meeting.save()
    tally.refresh(meeting.organization_id, meeting.planned_on.year)
    return meeting


# --- record -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    member_id: int
    status: str
    reason: str = ""


def _aware(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _checked_attendance(attendance, roster: dict, previous: dict, held_on: date) -> dict:
    """Every entry of the roll checked (a known member, a valid status, a reason for an excused
    absence), and nobody on the roll of the meeting day left out: {member id: entry}."""
    allowed = set(roster) | set(previous)
    names = {pk: m.full_name for pk, m in roster.items()}
    missing_names = set(previous) - set(names)
    if missing_names:
        names.update(Member.objects.filter(pk__in=missing_names).values_list("pk", "full_name"))
    entries: dict[int, AttendanceEntry] = {}
    for row, entry in enumerate(attendance, start=1):
        if entry.member_id not in allowed:
            raise DomainError("Đảng viên không sinh hoạt tại chi bộ này.", "attendance", row)
        if entry.status not in AttendanceStatus.values:
            raise DomainError(
                f"Tình trạng tham dự của «{names[entry.member_id]}» không hợp lệ.",
                "attendance",
                row,
            )
        reason = clean_spaces(entry.reason)
        if entry.status == AttendanceStatus.EXCUSED and not reason:
            raise DomainError(
                f"Cần nêu lý do vắng của đồng chí «{names[entry.member_id]}».", "attendance", row
            )
        entries[entry.member_id] = AttendanceEntry(entry.member_id, entry.status, reason[:255])
    absent = [names[pk] for pk in roster if pk not in entries]
    if absent:
        raise DomainError(
            "Chưa điểm danh: "
            + ", ".join(absent[:5])
            + ("…" if len(absent) > 5 else "")
            + f" (đảng viên sinh hoạt tại chi bộ ngày {held_on:%d/%m/%Y}).",
            "attendance",
        )
    return entries


def _check_chair_and_secretary(entries: dict, chair_id, secretary_id) -> None:
    for field, member_id in (("chair", chair_id), ("secretary", secretary_id)):
        label = "Chủ trì" if field == "chair" else "Thư ký"
        if member_id is None:
            raise DomainError(f"Cần chọn {label.lower()} buổi sinh hoạt.", field)
        if member_id not in entries:
            raise DomainError(f"{label} phải là đảng viên của chi bộ.", field)
        if entries[member_id].status not in rules.ATTENDED:
            raise DomainError(f"{label} phải có mặt tại buổi sinh hoạt.", field)


def _write_attendance(meeting: Meeting, entries: dict, previous: dict) -> tuple[list, list]:
    """New rows in bulk; changed rows one by one so each lands in the audit log."""
    new, changed = [], []
    for member_id, entry in entries.items():
        old = previous.get(member_id)
        if old is None:
            new.append(
                Attendance(
                    meeting=meeting, member_id=member_id, status=entry.status, reason=entry.reason
                )
            )
        elif (old.status, old.reason) != (entry.status, entry.reason):
            old.status, old.reason = entry.status, entry.reason
            changed.append(old)
    Attendance.objects.bulk_create(new)
    for row in changed:  # bulk_update bypasses the audit log's signals
        row.save(update_fields=["status", "reason"])
    return new, changed


@transaction.atomic
def record_meeting(
    meeting: Meeting,
    *,
    held_on: date,
    start: time,
    end: time,
    chair_id: int | None,
    secretary_id: int | None,
    attendance: Iterable[AttendanceEntry],
    guests: str = "",
    minutes: str = "",
    superiors_attended: Mapping[int, bool] | None = None,
    user=None,
) -> Meeting:
    """Record a held meeting in one go: time, chair, secretary, every member's attendance,
    guests, minutes and which invited superiors attended."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    _check_open(meeting, "ghi biên bản")
    if held_on is None or start is None or end is None:
        raise DomainError("Cần nhập ngày, giờ bắt đầu và giờ kết thúc.", "held_on")
    started_at, ended_at = _aware(held_on, start), _aware(held_on, end)
    if ended_at <= started_at:
        raise DomainError("Giờ kết thúc phải sau giờ bắt đầu.", "end")
    if started_at > timezone.now():
        raise DomainError("Chưa thể ghi biên bản cho buổi sinh hoạt chưa diễn ra.", "held_on")
    _check_free_day(meeting.organization, held_on, exclude_pk=meeting.pk)

    roster = {m.pk: m for m in roll(meeting.organization, held_on)}
    previous = {a.member_id: a for a in meeting.attendances.all()}
    entries = _checked_attendance(attendance, roster, previous, held_on)
    _check_chair_and_secretary(entries, chair_id, secretary_id)
    new, changed = _write_attendance(meeting, entries, previous)

    counts = rules.count_attendance(e.status for e in entries.values())
    old_year = meeting.planned_on.year
    # Months absent without reason: a first record or a new day concerns everyone at the
    # meeting; otherwise only the members whose attendance changed.
    moved = not meeting.is_held or meeting.planned_on != held_on
    touched = set(entries) | set(previous) if moved else {a.member_id for a in (*new, *changed)}
    meeting.status = MeetingStatus.HELD
    meeting.planned_on = held_on
    meeting.started_at, meeting.ended_at = started_at, ended_at
    meeting.chair_id, meeting.secretary_id = chair_id, secretary_id
    meeting.guests = (guests or "").strip()
    meeting.minutes = (minutes or "").strip()
    meeting.expected_count = counts.expected
    meeting.attended_count = counts.attended
    meeting.excused_count = counts.excused
    meeting.unexcused_count = counts.unexcused
    meeting.recorded_by = _actor(user) or meeting.recorded_by
    meeting.save()

    for superior in meeting.superiors.all():
        attended = (superiors_attended or {}).get(superior.pk)
        if attended is not None and superior.attended != attended:
            superior.attended = attended
            superior.save(update_fields=["attended", "updated_at"])
    tally.refresh(meeting.organization_id, old_year, held_on.year)
    absences.refresh(touched)
    return meeting


@dataclass(frozen=True)
class TaskInput:
    description: str
    owner_id: int | None
    due_on: date | None


def _check_task(meeting: Meeting, task: TaskInput, row: int | None = None) -> TaskInput:
    description = clean_spaces(task.description)
    if not description:
        raise DomainError("Cần nhập nội dung nhiệm vụ.", "task_description", row)
    if task.owner_id is None:
        raise DomainError("Cần chọn người thực hiện nhiệm vụ.", "task_owner", row)
    if not roll(meeting.organization, meeting.planned_on).filter(pk=task.owner_id).exists():
        raise DomainError("Người thực hiện phải là đảng viên của chi bộ.", "task_owner", row)
    if task.due_on is None:
        raise DomainError("Cần nhập hạn hoàn thành.", "task_due_on", row)
    if task.due_on < meeting.planned_on:
        raise DomainError("Hạn hoàn thành không được trước ngày sinh hoạt.", "task_due_on", row)
    return TaskInput(description[:500], task.owner_id, task.due_on)


@transaction.atomic
def adopt_resolution(
    meeting: Meeting, *, content: str, tasks: Iterable[TaskInput] = (), user=None
) -> Resolution:
    """A resolution adopted at a held meeting, with the tasks it creates."""
    if not meeting.is_held:
        raise DomainError("Chỉ ghi nghị quyết cho buổi sinh hoạt đã diễn ra.")
    content = (content or "").strip()
    if not content:
        raise DomainError("Cần nhập nội dung nghị quyết.", "content")
    checked = [_check_task(meeting, t, row) for row, t in enumerate(tasks, start=1)]
    resolution = Resolution.objects.create(meeting=meeting, content=content)
    for task in checked:
        MeetingTask.objects.create(
            resolution=resolution,
            description=task.description,
            owner_id=task.owner_id,
            due_on=task.due_on,
        )
    # Programmes turns the resolution's tasks into tasks of the cell (same transaction).
    hooks.resolution_adopted.send(
        sender=Resolution, meeting=meeting, resolution=resolution, user=_actor(user)
    )
    return resolution


@transaction.atomic
def complete_task(task: MeetingTask, *, done_on: date, user=None) -> MeetingTask:
    task = (
        MeetingTask.objects.select_for_update()
        .select_related("resolution__meeting")
        .get(pk=task.pk)
    )
    if task.done_on:
        raise DomainError(f"Nhiệm vụ đã hoàn thành ngày {task.done_on:%d/%m/%Y}.", "done_on")
    if done_on > timezone.localdate():
        raise DomainError("Ngày hoàn thành không được sau ngày hôm nay.", "done_on")
    if done_on < task.resolution.meeting.planned_on:
        raise DomainError("Ngày hoàn thành không được trước ngày sinh hoạt.", "done_on")
    task.done_on = done_on
    task.save()
    hooks.resolution_task_completed.send(
        sender=MeetingTask, task=task, done_on=done_on, user=_actor(user)
    )
    return task


# --- criteria and scoring ---------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    name: str
    max_points: Decimal
    guidance: str = ""


@transaction.atomic
def create_criteria_set(
    *,
    organization: Organization,
    name: str,
    valid_from: date,
    criteria: list[CriterionInput],
    source: str = "",
    user=None,
) -> CriteriaSet:
    """Issue a criteria set for a committee's subtree; the set in force before it ends the day
    this one starts. Sets are never edited: a change is a new set."""
    if organization.org_type.holds_members:
        raise DomainError("Bộ tiêu chí do cấp ủy cấp trên của chi bộ ban hành.", "organization")
    name = clean_spaces(name)
    if not name:
        raise DomainError("Cần nhập tên bộ tiêu chí.", "name")
    if valid_from is None:
        raise DomainError("Cần nhập ngày hiệu lực.", "valid_from")
    if not criteria:
        raise DomainError("Bộ tiêu chí cần ít nhất một tiêu chí.", "criteria")
    problems = rules.criteria_problems([(c.name, c.max_points) for c in criteria])
    if problems:
        index, message = next(iter(problems.items()))
        raise DomainError(message, "criteria", index + 1)
    later = CriteriaSet.objects.filter(organization=organization, valid_from__gte=valid_from)
    if later.exists():
        last = later.order_by("-valid_from").first()
        raise DomainError(
            f"Đã có bộ tiêu chí hiệu lực từ {last.valid_from:%d/%m/%Y}; "
            "bộ mới phải có ngày hiệu lực sau ngày đó.",
            "valid_from",
        )
    CriteriaSet.objects.filter(organization=organization, valid_to__isnull=True).update(
        valid_to=valid_from
    )
    criteria_set = CriteriaSet.objects.create(
        organization=organization,
        name=name,
        valid_from=valid_from,
        source=clean_spaces(source),
        created_by=_actor(user),
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            position=position,
            name=clean_spaces(c.name)[:500],
            max_points=c.max_points,
            guidance=(c.guidance or "").strip(),
        )
        for position, c in enumerate(criteria, start=1)
    )
    return criteria_set


def applicable_criteria_set(organization: Organization, on: date) -> CriteriaSet | None:
    """The most specific set issued above (or for) the org and valid on the day."""
    candidates = list(
        CriteriaSet.objects.filter(
            organization__path__in=ancestor_paths(organization.path), valid_from__lte=on
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("organization")
    )
    if not candidates:
        return None
    return max(candidates, key=lambda s: (len(s.organization.path), s.valid_from, s.pk))


def criteria_for(meeting: Meeting) -> tuple[CriteriaSet | None, list[Criterion]]:
    """The set a meeting is (or will be) scored under: the one it kept, else the one in force."""
    criteria_set = meeting.criteria_set or applicable_criteria_set(
        meeting.organization, meeting.planned_on
    )
    if criteria_set is None:
        return None, []
    return criteria_set, list(criteria_set.criteria.all())


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    points: Decimal | None
    note: str = ""


@transaction.atomic
def score_meeting(meeting: Meeting, *, scores: Iterable[ScoreInput], user=None) -> Meeting:
    """Score a held meeting against its criteria set; the grade follows the common scale."""
    meeting = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if not meeting.is_held:
        raise DomainError("Chỉ chấm điểm buổi sinh hoạt đã diễn ra và có biên bản.")
    criteria_set, criteria = criteria_for(meeting)
    if criteria_set is None:
        raise DomainError(
            "Chưa có bộ tiêu chí chấm điểm sinh hoạt áp dụng cho chi bộ vào ngày "
            f"{meeting.planned_on:%d/%m/%Y}."
        )
    given = {s.criterion_id: s for s in scores}
    unknown = set(given) - {c.pk for c in criteria}
    if unknown:
        raise DomainError("Có tiêu chí không thuộc bộ tiêu chí áp dụng.", "scores")
    points = [given[c.pk].points if c.pk in given else None for c in criteria]
    problems = rules.score_problems(points, [c.max_points for c in criteria])
    if problems:
        index, message = next(iter(problems.items()))
        criterion = criteria[index]
        raise DomainError(
            f"Tiêu chí {criterion.position} «{criterion.name}»: {message}",
            f"points_{criterion.pk}",
        )
    existing = {s.criterion_id: s for s in meeting.criterion_scores.all()}
    for criterion, value in zip(criteria, points, strict=True):
        note = clean_spaces(given[criterion.pk].note)[:255]
        row = existing.get(criterion.pk)
        if row is None:
            CriterionScore.objects.create(
                meeting=meeting, criterion=criterion, points=value, note=note
            )
        elif (row.points, row.note) != (value, note):
            row.points, row.note = value, note
            row.save()
    meeting.criteria_set = criteria_set
    meeting.score = rules.percent_score(points, [c.max_points for c in criteria])
    meeting.grade = rules.grade_for(meeting.score)
    meeting.scored_at = timezone.now()
    meeting.scored_by = _actor(user)
    meeting.save()
    tally.refresh(meeting.organization_id, meeting.planned_on.year)
    return meeting


def may_score_as_superior(user, meeting: Meeting) -> bool:
    """A superior who attended the meeting may score it."""
    if user is None or not user.is_authenticated:
        return False
    return meeting.superiors.filter(user=user, attended=True).exists()
