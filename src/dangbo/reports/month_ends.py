"""Member counts at past month ends for the top levels of the tree.

A report of the nation as of a past date joins millions of valid-time rows (placements × org
periods × status periods): seconds of work. Reports are mostly made as of a month, quarter or
year end, so `refresh` counts each past month end once (one grouped query over the whole tree,
rolled up to every org down to DEPTH) and `count_table` answers from those rows.

They stay exact because database triggers (migration 0003) mark in `BackdatedMonth` the
earliest month touched by any change dated before the current month. On PostgreSQL a mark
keeps the id of the transaction that wrote it (migration 0005) and a count keeps its snapshot,
so a month end is trusted exactly when every mark on or before it was made by a transaction
the count saw; on SQLite, when its count started after every such mark (less a safety margin
for transactions still open when the count began). Otherwise the report counts live and asks
the task worker to count that month end again (`upkeep.request_recount`), so the next report
of that day reads the rows; seeds and imports ask for the default month ends the same way.
"""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Placement, StatusPeriod
from dangbo.organizations.models import Organization, OrgPeriod
from dangbo.reports import month_history, queries, upkeep
from dangbo.reports.models import BackdatedMonth, DayChange, MonthEndCount, MonthEndRun

DEPTH = 3  # nation, provinces and their direct children
BREAKDOWNS = ("status", "gender")


def margin() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "DANGBO_MONTH_END_MARGIN_SECONDS", 600)))


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def is_month_end(day: date) -> bool:
    return month_end(day) == day


def register_start() -> date | None:
    """The first day anyone was placed in the tree: no earlier month end has members."""
    return Placement.objects.order_by("valid_from").values_list("valid_from", flat=True).first()


def default_dates(today: date, since: date | None = None) -> list[date]:
    """Every month end from `since` (default: the register's first month) to the last one
    before today: any past date is then a counted month end plus at most a month of changes."""
    since = since or register_start()
    if since is None:
        return []
    dates, day = [], previous_month_end(today)
    while day >= since:
        dates.append(day)
        day = previous_month_end(day)
    return dates[::-1]


def is_trusted(run: MonthEndRun | None) -> bool:
    """Whether no change the count did not see touched its month end or an earlier month."""
    if run is None or run.finished_at is None:
        return False
    if connection.vendor == "postgresql" and run.snapshot:
        return not _unseen_pg_change(run)
    touched = BackdatedMonth.objects.filter(
        month__lte=run.on, changed_at__gt=run.started_at - margin()
    )
    return not touched.exists()


def _unseen_pg_change(run: MonthEndRun) -> bool:
    """PostgreSQL, exact: a mark made after the count began, or by a transaction neither
    committed when the count took its snapshot nor the count's own. Marks older than the
    writer id column (NULL) fall back to the margin."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXISTS (SELECT 1 FROM reports_backdated_month WHERE month <= %s AND (
                   changed_at > %s
                   OR (xact IS NULL AND changed_at > %s)
                   OR (xact IS NOT NULL AND xact::text::bigint <> %s
                       AND NOT pg_visible_in_snapshot(xact, %s::pg_snapshot))))""",
            [run.on, run.started_at, run.started_at - margin(), run.xact or 0, run.snapshot],
        )
        return cursor.fetchone()[0]


def stale_dates(dates: list[date]) -> list[date]:
    runs = {run.on: run for run in MonthEndRun.objects.filter(on__in=dates)}
    return [day for day in dates if not is_trusted(runs.get(day))]


def refresh(dates: list[date] | None = None, today: date | None = None, force=False) -> int:
    """Count the month ends that are missing or touched since counted; returns how many."""
    today = today or timezone.localdate()
    dates = [d for d in (dates or default_dates(today)) if is_month_end(d) and d < today]
    todo = dates if force else stale_dates(dates)
    if todo:
        count_month_ends(todo)
    return len(todo)


def _begin_count():
    """(start time, snapshot, own transaction id): on PostgreSQL, what the count can see
    (is_trusted); elsewhere the clock."""
    if connection.vendor != "postgresql":
        return timezone.now(), "", None
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            "SELECT clock_timestamp(), pg_current_snapshot()::text, "
            "pg_current_xact_id()::text::bigint"
        )
        return cursor.fetchone()


@transaction.atomic
def count_month_ends(dates: list[date]) -> int:
    """Count month ends in one pass over the history (~800 cost about as much as one), and
    write the day-by-day changes of the days from the month before the first to the last;
    returns the month-end rows written."""
    dates = sorted(set(dates))
    started, snapshot, xact = _begin_count()
    step = Organization.steplen
    changes = month_history.monthly_changes(DEPTH * step, dates[0], dates[-1])
    MonthEndCount.objects.filter(on__in=dates).delete()
    MonthEndRun.objects.filter(on__in=dates).delete()
    runs = []
    with month_history.count_writer(step) as write:
        for day, totals in month_history.counts_at(changes, dates, step):
            write(day, totals)
            runs.append(MonthEndRun(on=day, rows=len(totals)))
    month_history.write_daily_changes(DEPTH * step, previous_month_end(dates[0]), dates[-1])
    finished = timezone.now()
    for run in runs:
        run.started_at, run.finished_at, run.snapshot, run.xact = started, finished, snapshot, xact
        run.with_days = True
    MonthEndRun.objects.bulk_create(runs, batch_size=1000)
    return sum(run.rows for run in runs)


@transaction.atomic
def count_month_end(day: date) -> MonthEndRun:
    """One month end by one grouped query over that day's valid rows: the reference the
    one-pass count is tested against (its run has no day-by-day changes)."""
    started, snapshot, xact = _begin_count()
    step = Organization.steplen
    path = "placements__organization__periods__path"
    grouped = (
        queries.members_on("", day, today=day + timedelta(days=1))
        .annotate(prefix=Substr(path, 1, DEPTH * step), period_status=F("status_periods__status"))
        .values("prefix", "period_status", "gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: dict[tuple[str, str, str], int] = {}
    for row in grouped:
        prefix = row["prefix"]
        for depth in range(1, len(prefix) // step + 1):
            key = (prefix[: depth * step], row["period_status"], row["gender"])
            totals[key] = totals.get(key, 0) + row["n"]
    MonthEndCount.objects.filter(on=day).delete()  # derived rows of that day, replaced whole
    with month_history.count_writer(step) as write:
        write(day, totals)
    run, _ = MonthEndRun.objects.update_or_create(
        on=day,
        defaults={
            "started_at": started,
            "finished_at": timezone.now(),
            "rows": len(totals),
            "snapshot": snapshot,
            "xact": xact,
        },
    )
    return run


def count_table(root: Organization, run: MonthEndRun, breakdown: str, by_child: bool) -> dict:
    """{(child_path or '', value): count} from the rows of a `serving_run`."""
    root_path = queries.path_on(root, run.on, timezone.localdate())
    depth = len(root_path) // Organization.steplen + (1 if by_child else 0)
    rows = MonthEndCount.objects.filter(
        on=run.on, depth=depth, path__startswith=root_path, status__in=ACTIVE_STATUSES
    )
    grouped = rows.values("path", breakdown).annotate(n=Sum("members")).order_by()
    return {
        (row["path"] if by_child else "", row[breakdown]): row["n"] for row in grouped if row["n"]
    }


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _window_q(since: date, on: date) -> Q:
    """A period whose validity differs between `since` and `on` (valid_from ≤ t < valid_to)
    starts or ends in (since, on]."""
    return Q(valid_from__gt=since, valid_from__lte=on) | Q(valid_to__gt=since, valid_to__lte=on)


# Above this many members changed between the month end and the date, count live.
CHANGED_LIMIT = 30_000


def changed_member_ids(
    since: date, on: date, limit: int | None = None, under: tuple[str, ...] = ()
) -> list[int] | None:
    """Members whose count may differ between the two dates: their placement or status
    changed, or the org they were placed in changed its period (moved with its subtree,
    renamed, founded, dissolved) in between. `under`: only those placed in between in the
    subtrees at these paths (a province's report need not look at the nation's changes).
    None: over `limit` (CHANGED_LIMIT)."""
    limit = CHANGED_LIMIT if limit is None else limit
    window = _window_q(since, on)
    overlap = Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=since))
    placed_under = _placed_under(under, since, on)
    moved = Placement.objects.filter(window).filter(placed_under)
    status = StatusPeriod.objects.filter(window)
    if under:
        status = status.filter(
            member__placements__in=Placement.objects.filter(overlap).filter(placed_under)
        )
    reorganised = OrgPeriod.objects.filter(window)
    if under:
        reorganised = reorganised.filter(_any_path(under, "path"))
    placed_there = Placement.objects.filter(overlap).filter(
        organization_id__in=reorganised.values("organization_id")
    )
    ids = [qs.order_by().values_list("member_id", flat=True) for qs in (status, moved)]
    ids = ids[0].union(ids[1], placed_there.order_by().values_list("member_id", flat=True))
    found = list(ids[: limit + 1])
    return None if len(found) > limit else found


def _any_path(paths: tuple[str, ...], field: str) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def _placed_under(paths: tuple[str, ...], since: date, on: date) -> Q:
    """A placement in an org whose path, at some time between the dates, is under `paths`."""
    if not paths:
        return Q()
    prefix = "organization__periods__"
    return (
        _any_path(paths, prefix + "path")
        & Q(**{prefix + "valid_from__lte": on})
        & (Q(**{prefix + "valid_to__isnull": True}) | Q(**{prefix + "valid_to__gt": since}))
    )


def counts_since_month_end(root: Organization, on: date, breakdown: str, by_child: bool, today):
    """A past date's table from the month end before it: its counted rows plus the day rows
    since (`_from_day_changes`) when the pass that wrote them is trusted; else (or while
    that month end waits to be counted, from the latest counted before it) its rows, minus
    what the members changed since then counted that day, plus what they count on `on`
    (`change_counts`, for those members only). Members of reorganised orgs count as changed,
    so a move or a merge in between is exact too: every other member is under the same path
    on both days. (table, run) or None: no month end before it is counted and trusted, or too
    many members changed (the report then counts live)."""
    start = serving_run(root, previous_month_end(on), breakdown, by_child)
    if start is not None:
        found = _from_day_changes(root, start, on, breakdown, by_child, today)
        if found is not None:
            return found, start
    run = start or _earlier_run(root, on, breakdown, by_child)
    if run is None:
        return None
    since = run.on
    paths = _root_paths(root, since, on, today)
    changed = changed_member_ids(since, on, under=() if root.depth == 1 else paths)
    if changed is None:
        return None
    counts = Counter(count_table(root, run, breakdown, by_child))
    if changed:
        counts.update(change_counts(changed, since, on, paths, breakdown, by_child))
    return {key: n for key, n in counts.items() if n}, run


def _from_day_changes(root, start: MonthEndRun, on: date, breakdown, by_child, today):
    """The month end before `on` plus the day-by-day changes since (DayChange), when the pass
    that counted the month end closing `on`'s month wrote them and nothing touched it since.
    None otherwise (e.g. `on` is in the current month)."""
    closing = MonthEndRun.objects.filter(on=month_end(on), with_days=True).first()
    if closing is None or not is_trusted(closing):
        return None
    counts = Counter(count_table(root, start, breakdown, by_child))
    paths = _root_paths(root, start.on, on, today)
    under = _any_path(paths, "path")
    rows = (
        DayChange.objects.filter(under, day__gt=start.on, day__lte=on)
        .values("path", breakdown)
        .annotate(n=Sum("change"))
        .order_by()
    )
    step = Organization.steplen
    for row in rows:
        root_path = next(p for p in paths if row["path"].startswith(p))
        key = row["path"][: len(root_path) + step] if by_child else ""
        counts[(key, row[breakdown])] += row["n"]
    return {key: n for key, n in counts.items() if n}


_CHANGES_SQL = """
SELECT op.path, {value}, {valid_since}, {valid_on}, COUNT(*)
FROM members_member m
JOIN members_placement p ON p.member_id = m.id
JOIN organizations_orgperiod op ON op.organization_id = p.organization_id
JOIN members_statusperiod sp ON sp.member_id = m.id
WHERE m.id {members} AND sp.status IN ({statuses}) AND ({valid_since} OR {valid_on})
GROUP BY 1, 2, 3, 4
"""


def _valid_on() -> str:
    return " AND ".join(
        f"{t}.valid_from <= %s AND ({t}.valid_to IS NULL OR {t}.valid_to > %s)"
        for t in ("p", "op", "sp")
    )


def change_counts(
    member_ids: list[int], since: date, on: date, paths: tuple[str, str], breakdown, by_child
) -> Counter:
    """What the given members add to a table between the two dates: −1 for each where they
    counted at `since` (under the root's path then), +1 where they count at `on`. One pass
    over those members' placements, org periods and status periods, both dates at once."""
    if connection.vendor == "postgresql":
        members, member_params = "= ANY(%s)", [list(member_ids)]
    else:
        members, member_params = f"IN ({', '.join(['%s'] * len(member_ids))})", list(member_ids)
    valid = _valid_on()
    sql = _CHANGES_SQL.format(
        value="sp.status" if breakdown == "status" else "m.gender",
        valid_since=f"({valid})",
        valid_on=f"({valid})",
        members=members,
        statuses=", ".join(f"'{status}'" for status in ACTIVE_STATUSES),
    )
    dates = [since] * 6 + [on] * 6  # each date's validity, in the select and in the filter
    params = [*dates, *member_params, *dates]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    step = Organization.steplen
    delta: Counter = Counter()
    for path, value, at_since, at_on, n in rows:
        for day_path, counted, sign in ((paths[0], at_since, -1), (paths[1], at_on, 1)):
            if counted and path.startswith(day_path):
                key = path[: len(day_path) + step] if by_child else ""
                delta[(key, value or "")] += sign * n
    return delta


def _root_paths(root: Organization, since: date, on: date, today: date) -> tuple[str, str]:
    """The root's paths on both days, in that order (it may have moved in between)."""
    return queries.path_on(root, since, today), queries.path_on(root, on, today)


def _earlier_run(root: Organization, on: date, breakdown: str, by_child: bool):
    """While the month end before `on` waits to be counted (it was just queued), the latest
    counted one before it (a year end, say): the changes since then are still few."""
    candidates = MonthEndRun.objects.filter(on__lt=previous_month_end(on)).order_by("-on")
    for candidate in candidates.values_list("on", flat=True)[:3]:
        run = serving_run(root, candidate, breakdown, by_child)
        if run is not None:
            return run
    return None


def serving_run(root: Organization, on: date, breakdown: str, by_child: bool):
    """The month-end count a report can read, or None (not a counted month end, touched
    since, a breakdown or a level not kept)."""
    depth = root.depth + (1 if by_child else 0)
    if breakdown not in BREAKDOWNS or depth > DEPTH or not is_month_end(on):
        return None
    run = MonthEndRun.objects.filter(on=on).first()
    if is_trusted(run):
        return run
    if on < timezone.localdate():  # counted by the worker for the next report of that day
        upkeep.request_recount([on])
    return None
