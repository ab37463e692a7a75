"""The cumulative per-cell month tallies behind the statistics (`models.MonthTally`).

`refresh(org_id, year)` recomputes one cell's 12 rows from its held meetings (services call
it after every change); `rebuild()` recomputes every cell and year (after bulk loads, and from
`dangbo rebuild_meeting_tally`). Both are exact: tests compare them with a live count."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction

from dangbo.core.models import RuleParameter
from dangbo.meetings import rules
from dangbo.meetings.models import Meeting, MeetingStatus, MonthTally

FIELDS = (
    "held",
    "regular",
    "thematic",
    "attended",
    "expected",
    "low",
    "scored",
    "score_sum",
    "g_tot",
    "g_kha",
    "g_trung_binh",
    "g_kem",
    "months_met",
    "quarters_met",
)
THRESHOLD_KEY = "meetings.attendance_min_pct"
_COLUMNS = ("organization_id", "organization__path", "planned_on", "kind")
_VALUES = (*_COLUMNS, "attended_count", "expected_count", "score", "grade")


def threshold_resolver():
    """threshold(path, day): the attendance threshold in force (one query for all)."""
    rows = sorted(
        RuleParameter.objects.filter(key=THRESHOLD_KEY).values_list(
            "org_path", "valid_from", "value"
        ),
        key=lambda r: (len(r[0]), r[1]),
    )
    default = Decimal(str(rules.DEFAULTS[THRESHOLD_KEY]))

    def threshold(path: str, day: date) -> Decimal:
        best = None
        for org_path, valid_from, value in rows:
            if valid_from <= day and path.startswith(org_path):
                best = value  # longer paths and later dates sort last
        return default if best is None else Decimal(str(best))

    return threshold


def year_rows(org_id: int, year: int, meetings, threshold) -> list[MonthTally]:
    """The 12 cumulative rows of one cell-year from its held meetings (tuples of _VALUES)."""
    monthly = [dict.fromkeys(FIELDS, 0) for _ in range(13)]
    regular_months, thematic_quarters = set(), set()
    for _org, path, day, kind, attended, expected, score, grade in meetings:
        row = monthly[day.month]
        row["held"] += 1
        if kind in rules.MONTHLY_KINDS:
            row["regular"] += 1
            regular_months.add(day.month)
        if kind in rules.THEMATIC_KINDS:
            row["thematic"] += 1
            thematic_quarters.add((day.month - 1) // 3 + 1)
        row["attended"] += attended
        row["expected"] += expected
        if attended * 100 < expected * threshold(path, day):
            row["low"] += 1
        if score is not None:
            row["scored"] += 1
            row["score_sum"] += score
        if grade:
            row[f"g_{grade}"] += 1
    result, running = [], dict.fromkeys(FIELDS, 0)
    for month in range(1, 13):
        for name in FIELDS[:12]:
            running[name] += monthly[month][name]
        running["months_met"] = sum(1 for m in regular_months if m <= month)
        running["quarters_met"] = sum(1 for q in thematic_quarters if 3 * q <= month)
        result.append(
            MonthTally(
                organization_id=org_id,
                year=year,
                month=month,
                **{k: (Decimal(v) if k == "score_sum" else v) for k, v in running.items()},
            )
        )
    return result


def _held(queryset):
    return queryset.filter(status=MeetingStatus.HELD).order_by().values_list(*_VALUES)


@transaction.atomic(savepoint=False)  # inside the caller's transaction: no savepoint round trips
def refresh(org_id: int, *years: int) -> None:
    """Recompute one cell's rows for the given years (none when it held no meeting)."""
    threshold = threshold_resolver()
    for year in set(years):
        MonthTally.objects.filter(organization_id=org_id, year=year).delete()
        meetings = list(
            _held(Meeting.objects.filter(organization_id=org_id, planned_on__year=year))
        )
        if meetings:
            MonthTally.objects.bulk_create(year_rows(org_id, year, meetings, threshold))


@transaction.atomic
def rebuild() -> int:
    """Recompute every cell-year from the meetings; returns the number of rows written."""
    threshold = threshold_resolver()
    MonthTally.objects.all().delete()
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for row in _held(Meeting.objects.all()).iterator(chunk_size=5000):
        groups[(row[0], row[2].year)].append(row)
    batch, written = [], 0
    for (org_id, year), meetings in groups.items():
        batch.extend(year_rows(org_id, year, meetings, threshold))
        if len(batch) >= 6000:
            MonthTally.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    MonthTally.objects.bulk_create(batch)
    return written + len(batch)


@transaction.atomic
def refresh_many(pairs) -> None:
    """Recompute many (cell, year) pairs (imports): a few queries per chunk of cells."""
    threshold = threshold_resolver()
    by_year: dict[int, set[int]] = defaultdict(set)
    for org_id, year in pairs:
        by_year[year].add(org_id)
    for year, org_ids in by_year.items():
        ids = sorted(org_ids)
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            MonthTally.objects.filter(organization_id__in=chunk, year=year).delete()
            groups: dict[int, list] = defaultdict(list)
            held = Meeting.objects.filter(organization_id__in=chunk, planned_on__year=year)
            for row in _held(held):
                groups[row[0]].append(row)
            MonthTally.objects.bulk_create(
                [
                    r
                    for org_id, rows in groups.items()
                    for r in year_rows(org_id, year, rows, threshold)
                ],
                batch_size=6000,
            )
