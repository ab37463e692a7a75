"""Read side: a cell's year, statistics of a subtree (one aggregate query per figure, grouped by
child path — never a loop over orgs), absence flags, superiors' attendance record."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractQuarter, Substr
from django.db.models.lookups import LessThan
from django.utils import timezone

from dangbo.meetings import absences, rules, tally
from dangbo.meetings.models import (
    AbsenceRun,
    Attendance,
    AttendanceStatus,
    Grade,
    InvitedSuperior,
    Meeting,
    MeetingStatus,
    MonthTally,
)
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


def cell_year(org: Organization, year: int, today: date) -> dict:
    """A cell's meetings of a year by month, and the gaps: in the plan (all 12 months, any
    meeting not cancelled) and in what was held (months already over)."""
    meetings = list(
        Meeting.objects.filter(organization=org, planned_on__year=year)
        .select_related("criteria_set")
        .order_by("planned_on", "id")
    )
    active = [(m.planned_on, m.kind) for m in meetings if m.status != MeetingStatus.CANCELLED]
    held = [(m.planned_on, m.kind) for m in meetings if m.status == MeetingStatus.HELD]
    if year < today.year:
        through = 12
    elif year == today.year:
        through = today.month - 1
    else:
        through = 0
    months = [
        {"month": month, "meetings": [m for m in meetings if m.planned_on.month == month]}
        for month in range(1, 13)
    ]
    return {
        "months": months,
        "plan_gaps": rules.calendar_gaps(year, active),
        "held_gaps": rules.calendar_gaps(year, held, through_month=through),
        "through_month": through,
    }


GRADES = tuple(Grade.values)  # Enum.values is rebuilt on every access


@dataclass
class StatsRow:
    """Meeting figures for one node (a child of the root, or the root's total)."""

    path: str
    name: str = ""
    pk: int | None = None
    cells: int = 0
    months: int = 0  # months of the period already over: each expects a regular meeting
    in_progress: int = 0  # the month under way inside the period (not expected yet), or 0
    held: int = 0
    held_regular: int = 0
    held_regular_due: int = 0  # of which in the months already over
    held_thematic: int = 0
    attended: int = 0
    attendance_expected: int = 0
    low_attendance_meetings: int = 0
    scored: int = 0
    score_sum: Decimal = Decimal(0)
    grades: dict = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    cells_missing_months: int = 0
    cells_missing_thematic: int = 0
    threshold: Decimal = Decimal(95)

    @property
    def expected_regular(self) -> int:
        return rules.expected_meetings(self.cells, self.months)

    @property
    def held_pct(self):
        if not self.expected_regular:
            return None
        return rules.attendance_rate(
            min(self.held_regular_due, self.expected_regular), self.expected_regular
        )

    @property
    def held_in_progress(self) -> int:
        """Regular meetings already held in the month under way."""
        return self.held_regular - self.held_regular_due

    @property
    def rate(self):
        return rules.attendance_rate(self.attended, self.attendance_expected)

    @property
    def rate_low(self) -> bool:
        return rules.below_threshold(self.rate, self.threshold)

    @property
    def average_score(self):
        if not self.scored:
            return None
        return (self.score_sum / self.scored).quantize(Decimal("0.1"))

    @property
    def average_grade(self):
        return Grade(rules.grade_for(self.average_score)).label if self.scored else ""

    def grade_list(self):
        return [(Grade(code).label, count) for code, count in self.grades.items()]

    def add(self, other: "StatsRow") -> None:
        for name in (
            "cells",
            "held",
            "held_regular",
            "held_regular_due",
            "held_thematic",
            "attended",
            "attendance_expected",
            "low_attendance_meetings",
            "scored",
            "score_sum",
            "cells_missing_months",
            "cells_missing_thematic",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.grades.items():
            self.grades[code] += count


def _period(year: int, from_month: int, to_month: int, today: date) -> tuple[int, int, int]:
    """(last month due, months expected, month in progress or 0) of a statistics period."""
    due = rules.last_month_due(year, from_month, to_month, today)
    running = today.month if year == today.year and from_month <= today.month <= to_month else 0
    return due, max(0, due - from_month + 1), running


def _month_after(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def _stats_frame(root, months, threshold):
    """The rows of a statistics table (one per child of `root`, or `root` when it is a cell),
    a getter that adds rows for paths met later, and every cell of the subtree with its child
    path and whether it is active (one row per cell, no join needed later)."""
    width = len(root.path) + (0 if root.org_type.holds_members else Organization.steplen)
    if root.org_type.holds_members:
        nodes = [root]
    else:
        nodes = list(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1))
    rows = {
        n.path: StatsRow(path=n.path, name=n.name, pk=n.pk, months=months, threshold=threshold)
        for n in nodes
    }

    def row(path):
        if path not in rows:
            rows[path] = StatsRow(path=path, months=months, threshold=threshold)
        return rows[path]

    cell_child: dict[int, tuple[str, bool]] = {}
    for pk, path, is_active in Organization.objects.filter(
        path__startswith=root.path, org_type__holds_members=True
    ).values_list("pk", "path", "is_active"):
        child = path[:width]
        cell_child[pk] = (child, is_active)
        if is_active:
            row(child).cells += 1
    return rows, row, cell_child


def subtree_stats_live(
    root: Organization, year: int, from_month: int, to_month: int, threshold, today=None
) -> tuple[list[StatsRow], StatsRow]:
    """Per child of `root` (or `root` alone when it is a cell) and in total: cells, meetings
    held vs expected, attendance rate, meetings under the threshold, scores and grades, cells
    with missing months / quarterly thematic meetings. A month is expected only once it is
    over (`rules.last_month_due`): the month under way is in progress, never missing.

    Three queries: the children, the cells (id, path), and one pass over the period's
    meetings grouped per cell; per-cell rows are folded into children here."""
    today = today or timezone.localdate()
    start = date(year, from_month, 1)
    end = _month_after(year, to_month)
    due, months, running = _period(year, from_month, to_month, today)
    due_end = _month_after(year, due) if due >= from_month else start
    threshold = Decimal(str(threshold))
    rows, row, cell_child = _stats_frame(root, months, threshold)

    quarters = rules.required_quarters(from_month, due)
    thematic_in_quarters = Q(kind__in=rules.THEMATIC_KINDS)
    if quarters:
        thematic_in_quarters &= Q(
            planned_on__gte=date(year, 3 * quarters[0] - 2, 1),
            planned_on__lt=_month_after(year, 3 * quarters[-1]),
        )
    regular_due = Q(kind__in=rules.MONTHLY_KINDS, planned_on__lt=due_end)
    low = LessThan(F("attended_count") * 100, F("expected_count") * threshold)
    per_cell = (
        Meeting.objects.filter(
            organization__path__startswith=root.path,
            status=MeetingStatus.HELD,
            planned_on__gte=start,
            planned_on__lt=end,
        )
        .values("organization_id")
        .annotate(
            held=Count("id"),
            regular=Count("id", filter=Q(kind__in=rules.MONTHLY_KINDS)),
            regular_due=Count("id", filter=regular_due),
            thematic=Count("id", filter=Q(kind__in=rules.THEMATIC_KINDS)),
            attended=Sum("attended_count"),
            expected=Sum("expected_count"),
            low=Count("id", filter=low),
            scored=Count("score"),
            score_sum=Sum("score"),
            months_met=_distinct_count(ExtractMonth("planned_on"), regular_due),
            quarters_met=_distinct_count(ExtractQuarter("planned_on"), thematic_in_quarters),
            **{f"g_{code}": Count("id", filter=Q(grade=code)) for code in GRADES},
        )
        .order_by()
    )
    complete_months: dict[str, int] = {}
    complete_quarters: dict[str, int] = {}
    for item in per_cell:
        item["months_met"] = _as_count(item["months_met"])
        item["quarters_met"] = _as_count(item["quarters_met"])
        child, is_active = cell_child.get(item["organization_id"], ("", False))
        if not child:
            continue
        r = row(child)
        r.held += item["held"]
        r.held_regular += item["regular"]
        r.held_regular_due += item["regular_due"]
        r.held_thematic += item["thematic"]
        r.attended += item["attended"] or 0
        r.attendance_expected += item["expected"] or 0
        r.low_attendance_meetings += item["low"]
        r.scored += item["scored"]
        r.score_sum += item["score_sum"] or Decimal(0)
        for code in GRADES:
            r.grades[code] += item[f"g_{code}"]
        if is_active:
            if item["months_met"] >= months:
                complete_months[child] = complete_months.get(child, 0) + 1
            if item["quarters_met"] >= len(quarters):
                complete_quarters[child] = complete_quarters.get(child, 0) + 1
    return _finish(
        root, rows, months, running, quarters, complete_months, complete_quarters, threshold
    )


def _finish(root, rows, months, running, quarters, complete_months, complete_quarters, threshold):
    """Cells missing months / thematic quarters (none when nothing is due yet), the rows in
    path order and their total."""
    for path, r in rows.items():
        r.in_progress = running
        r.cells_missing_months = max(0, r.cells - complete_months.get(path, 0)) if months else 0
        r.cells_missing_thematic = (
            max(0, r.cells - complete_quarters.get(path, 0)) if quarters else 0
        )
    ordered = [rows[p] for p in sorted(rows) if rows[p].cells or rows[p].held]
    total = StatsRow(
        path=root.path,
        name=root.name,
        pk=root.pk,
        months=months,
        in_progress=running,
        threshold=threshold,
    )
    for r in ordered:
        total.add(r)
    return ordered, total


class _BitOr(Aggregate):
    function = "BIT_OR"
    output_field = IntegerField()


def _distinct_count(part, condition):
    """How many distinct values of a small integer `part` (month, quarter) among the rows
    meeting `condition`. PostgreSQL ORs bits (a hash aggregate; COUNT(DISTINCT) forces a sort
    per group, 5× slower on a province year); other databases count distinct values."""
    if connection.vendor == "postgresql":
        bit = Func(part, template="(1 << CAST(%(expressions)s AS integer))")
        return _BitOr(bit, filter=condition)
    return Count(part, filter=condition, distinct=True)


def _as_count(value) -> int:
    if connection.vendor == "postgresql":
        return (value or 0).bit_count()
    return value or 0


def _delta(name: str, to_month: int, before: int):
    """Cumulative `name` at `to_month` minus at `before` (0: nothing before)."""
    field = MonthTally._meta.get_field(name)
    at = Sum(Case(When(month=to_month, then=F(name)), default=Value(0), output_field=field))
    if not before:
        return at
    return at - Sum(Case(When(month=before, then=F(name)), default=Value(0), output_field=field))


_SUMMED = (*tally.FIELDS[:12],)


def _child_rows(root: Organization, months: int, threshold: Decimal):
    """The empty StatsRow of each child of `root` (root itself when it holds members), keyed
    by path, and the width of a child's path."""
    holds = root.org_type.holds_members
    width = len(root.path) + (0 if holds else Organization.steplen)
    nodes = (
        [root]
        if holds
        else list(
            Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).only(
                "path", "name"
            )
        )
    )
    rows = {
        n.path: StatsRow(path=n.path, name=n.name, pk=n.pk, months=months, threshold=threshold)
        for n in nodes
    }
    return rows, width


def _row(rows: dict, path: str, months: int, threshold: Decimal) -> StatsRow:
    if path not in rows:
        rows[path] = StatsRow(path=path, months=months, threshold=threshold)
    return rows[path]


def _cells_per_child(root: Organization, width: int):
    """(child path, active cells under it)."""
    return (
        Organization.objects.filter(
            path__startswith=root.path, org_type__holds_members=True, is_active=True
        )
        .values(child=Substr("path", 1, width))
        .annotate(n=Count("id"))
        .order_by()
        .values_list("child", "n")
    )


def _tally_sums(root, year, to_month, due, before, quarter_base, width, months, quarters) -> list:
    """Per child of `root`: the summed period deltas of the cells' month tallies, then the
    cells meeting every due month and every due quarter (one grouped query)."""
    per_cell = (
        MonthTally.objects.filter(
            year=year,
            month__in={to_month, due, before, quarter_base} - {0},
            organization__path__startswith=root.path,
            organization__org_type__holds_members=True,
        )
        .values(
            "organization_id",
            cell_path=F("organization__path"),
            active=F("organization__is_active"),
        )
        # the figures at the last month over first: their names must not shadow the columns
        .annotate(
            regular_due=_delta("regular", due, before),
            months_due=_delta("months_met", due, before),
            quarters=_delta("quarters_met", due, quarter_base),
        )
        .annotate(**{name: _delta(name, to_month, before) for name in _SUMMED})
        .order_by()
    )
    inner, params = per_cell.query.sql_with_params()
    sums = ", ".join(f"SUM(t.{name})" for name in (*_SUMMED, "regular_due"))
    sql = (
        f"SELECT SUBSTR(t.cell_path, 1, %s), {sums}, "
        "SUM(CASE WHEN t.active AND t.months_due >= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN t.active AND t.quarters >= %s THEN 1 ELSE 0 END) "
        f"FROM ({inner}) t WHERE t.held > 0 GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (width, months, quarters, *params))
        return cursor.fetchall()


def _add_figures(r: StatsRow, figures) -> None:
    values = dict(zip((*_SUMMED, "regular_due"), figures, strict=True))
    r.held += int(values["held"])
    r.held_regular += int(values["regular"])
    r.held_regular_due += int(values["regular_due"])
    r.held_thematic += int(values["thematic"])
    r.attended += int(values["attended"])
    r.attendance_expected += int(values["expected"])
    r.low_attendance_meetings += int(values["low"])
    r.scored += int(values["scored"])
    r.score_sum += Decimal(str(values["score_sum"] or 0)).quantize(Decimal("0.1"))
    for code in GRADES:
        r.grades[code] += int(values[f"g_{code}"])


def subtree_stats(
    root: Organization, year: int, from_month: int, to_month: int, threshold, today=None
) -> tuple[list[StatsRow], StatsRow]:
    """The figures of `subtree_stats_live`, read from the cumulative month tallies: per cell
    the row of `to_month` (and of the last month already over) minus the row before the
    period (and before its first whole quarter), then summed per child of `root` in the
    database — three small queries, a row per child back (not per cell). Meetings under the
    attendance threshold are judged by the threshold in force for their cell on their day."""
    today = today or timezone.localdate()
    due, months, running = _period(year, from_month, to_month, today)
    threshold = Decimal(str(threshold))
    rows, width = _child_rows(root, months, threshold)
    for child, cells in _cells_per_child(root, width):
        _row(rows, child, months, threshold).cells += cells

    quarters = rules.required_quarters(from_month, due)
    quarter_base = 3 * ((from_month + 4) // 3 - 1)  # the month before the first whole quarter
    before = from_month - 1
    due = max(due, before)  # nothing over yet: the deltas at `due` are 0
    per_child = _tally_sums(
        root, year, to_month, due, before, quarter_base, width, months, len(quarters)
    )
    complete_months: dict[str, int] = {}
    complete_quarters: dict[str, int] = {}
    for child, *figures, full_months, full_quarters in per_child:
        _add_figures(_row(rows, child, months, threshold), figures)
        complete_months[child] = int(full_months)
        complete_quarters[child] = int(full_quarters)
    return _finish(
        root, rows, months, running, quarters, complete_months, complete_quarters, threshold
    )


@dataclass
class AbsenceFlag:
    member: Member
    longest: int
    current: int


def absence_flags(
    root_path: str, start: date, end: date, months_threshold: int, limit: int | None = None
) -> list:
    """Members absent without reason `months_threshold` months in a row, the run reaching it
    in a month of [start, end) at a meeting of a cell under `root_path`: flagged for a
    deletion proposal. Reads the month rows kept by `absences` (an index-only scan of the
    period's long runs, then the flagged members' rows of the period for their current run)."""
    first, end_month = _month_bounds(start, end)
    longest = dict(
        AbsenceRun.objects.filter(
            organization__path__startswith=root_path,
            month__gte=first,
            month__lt=end_month,
            run__gte=months_threshold,
        )
        .values("member_id")
        .annotate(longest=Max("run"))
        .order_by()
        .values_list("member_id", "longest")
    )
    flagged = {m: n for m, n in longest.items() if rules.deletion_flag(n, months_threshold)}
    members = _flagged_members(flagged)
    members = list(members if limit is None else members[:limit])
    latest: dict[int, tuple] = {}
    for member_id, run, later in (
        AbsenceRun.objects.filter(
            member_id__in=[m.pk for m in members], month__gte=first, month__lt=end_month
        )
        .order_by("member_id", "month")
        .values_list("member_id", "run", "next_month")
    ):
        latest[member_id] = (run, later)
    return _flag_rows(members, flagged, latest, end_month)


def _flagged_members(ids):
    """The flagged members with what the lists show (name, cell), in the members' order."""
    return (
        Member.objects.filter(pk__in=ids)
        .select_related("organization")
        .only("full_name", "name_search", "organization__name", "organization__path")
    )


def _flag_rows(members, longest: dict, latest: dict, end_month: date) -> list:
    """AbsenceFlag rows: the longest run in the period and the run still going at its end."""
    end_index = rules.month_index(end_month)
    rows = []
    for member in members:
        run, later = latest.get(member.pk, (0, None))
        later = None if later is None else rules.month_index(later)
        rows.append(
            AbsenceFlag(member, longest[member.pk], rules.current_run(run, later, end_index))
        )
    return rows


def _month_bounds(start: date, end: date) -> tuple[date, date]:
    """The months touched by [start, end), as [first day, first day after)."""
    last = end - timedelta(days=1)
    return start.replace(day=1), _months_before(last.replace(day=1), -1)


def absence_flags_live(root_path: str, start: date, end: date, months_threshold: int) -> list:
    """The reference for `absence_flags`, from the attendance rows: members absent without
    reason at a meeting under `root_path` in the period, their whole history (any cell), runs
    by `rules.unexcused_runs`."""
    first, end_month = _month_bounds(start, end)
    candidates = set(
        Attendance.objects.filter(
            status=AttendanceStatus.UNEXCUSED,
            meeting__status=MeetingStatus.HELD,
            meeting__organization__path__startswith=root_path,
            meeting__planned_on__gte=first,
            meeting__planned_on__lt=end_month,
        )
        .order_by()
        .values_list("member_id", flat=True)
    )
    paths = dict(Organization.objects.values_list("pk", "path"))
    first_index, end_index = rules.month_index(first), rules.month_index(end_month)
    longest, latest = {}, {}
    for member_id, months in absences.member_months(absences.history(candidates)).items():
        outcomes = [(index, rules.month_outcome(s)) for index, (s, _) in months.items()]
        for index, run, later in rules.unexcused_runs(outcomes):
            if not first_index <= index < end_index:
                continue
            latest[member_id] = (run, None if later is None else absences.first_day(later))
            cell = months[index][1]
            if run >= months_threshold and paths[cell].startswith(root_path):
                longest[member_id] = max(run, longest.get(member_id, 0))
    flagged = {m: n for m, n in longest.items() if rules.deletion_flag(n, months_threshold)}
    return _flag_rows(_flagged_members(flagged), flagged, latest, end_month)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def superiors_record(root_path: str, start: date, end: date, limit: int = 50) -> list[dict]:
    """Superiors invited to meetings in the subtree: invited, attended, of which online. Reads
    the invitations' copies of their meeting's cell, day and cancellation (an index-only scan
    on PostgreSQL); `superiors_record_live` joins the meetings."""
    return list(
        InvitedSuperior.objects.filter(
            organization__path__startswith=root_path,
            planned_on__gte=start,
            planned_on__lt=end,
            meeting_counted=True,
        )
        .values("full_name", "position")
        .annotate(
            n_invited=Count("id"),
            n_attended=Count("id", filter=Q(attended=True)),
            n_online=Count("id", filter=Q(attended=True, mode="online")),
        )
        .order_by("-n_invited", "full_name", "position")[:limit]
    )


def superiors_record_live(root_path: str, start: date, end: date, limit: int = 50) -> list:
    """The reference for `superiors_record`, through the meetings themselves."""
    return list(
        InvitedSuperior.objects.filter(
            meeting__organization__path__startswith=root_path,
            meeting__planned_on__gte=start,
            meeting__planned_on__lt=end,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values("full_name", "position")
        .annotate(
            n_invited=Count("id"),
            n_attended=Count("id", filter=Q(attended=True)),
            n_online=Count("id", filter=Q(attended=True, mode="online")),
        )
        .order_by("-n_invited", "full_name", "position")[:limit]
    )


def upcoming_for_member(member: Member, today: date):
    """Meetings ahead for a member's cell, with their documents (basis for the portal)."""
    return (
        Meeting.objects.filter(
            organization_id=member.organization_id,
            status=MeetingStatus.PLANNED,
            planned_on__gte=today,
        )
        .prefetch_related("documents")
        .order_by("planned_on")
    )
