"""Every past month end counted in one pass over the register's valid-time history.

Counting one month end joins placements × org periods × status periods for the whole tree
(~15 s for the nation); counting the ~800 month ends since the register began one by one would
take hours. Instead, one query cuts each member's history into segments of constant
(org path, status) — the overlap of a placement, its org's period and a status period — and
turns each segment into two events: +1 at the first month end it covers, −1 at the first month
end it no longer covers. Summed per (path prefix, status, gender, month end) these are the
month-to-month changes; running sums over them are the counts at every month end, the same
figures `members_on` gives for one date (checked by tests against the live count).
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection

from dangbo.members.choices import ACTIVE_STATUSES

OPEN = "9000-12-31"  # an open period's end, as a date any month end precedes

# The month end on or after a date, and the greatest / least of three, per database.
_DIALECT = {
    "postgresql": {
        "month_end": "(date_trunc('month', {0}) + interval '1 month - 1 day')::date",
        "greatest": "GREATEST({0}, {1}, {2})",
        "least": "LEAST({0}, {1}, {2})",
        "open": f"DATE '{OPEN}'",
    },
    "sqlite": {
        "month_end": "date({0}, 'start of month', '+1 month', '-1 day')",
        "greatest": "max({0}, {1}, {2})",
        "least": "min({0}, {1}, {2})",
        "open": f"'{OPEN}'",
    },
}

_SEGMENTS = """
WITH segment AS (
    SELECT substr(op.path, 1, %s) AS prefix, sp.status AS status, m.gender AS gender,
           {start} AS seg_from, {end} AS seg_to,
           {first_end} AS first_end, {gone_end} AS gone_end
    FROM members_placement p
    JOIN organizations_orgperiod op ON op.organization_id = p.organization_id
    JOIN members_statusperiod sp ON sp.member_id = p.member_id
    JOIN members_member m ON m.id = p.member_id
    WHERE sp.status IN ({statuses})
      AND {start} < {end}
)
"""
_EVENTS = "CROSS JOIN (SELECT 1 AS d UNION ALL SELECT -1 AS d) e"

_MONTHLY_SQL = f"""
SELECT prefix, status, gender,
       CASE WHEN e.d = 1 THEN (CASE WHEN first_end < %s THEN %s ELSE first_end END)
            ELSE gone_end END AS bucket,
       SUM(e.d) AS delta
FROM segment {_EVENTS}
WHERE first_end < gone_end AND gone_end > %s
  AND ((e.d = 1 AND first_end <= %s) OR (e.d = -1 AND gone_end <= %s))
GROUP BY prefix, status, gender, bucket
"""

_DAILY_SQL = f"""
INSERT INTO reports_daychange (day, path, status, gender, change)
SELECT CASE WHEN e.d = 1 THEN seg_from ELSE seg_to END AS day, prefix, status, gender, SUM(e.d)
FROM segment {_EVENTS}
WHERE (e.d = 1 AND seg_from > %s AND seg_from <= %s)
   OR (e.d = -1 AND seg_to > %s AND seg_to <= %s)
GROUP BY 1, prefix, status, gender
HAVING SUM(e.d) <> 0
"""


def _segments_sql(vendor: str) -> str:
    d = _DIALECT["postgresql" if vendor == "postgresql" else "sqlite"]
    ends = [f"COALESCE({t}.valid_to, {d['open']})" for t in ("p", "op", "sp")]
    starts = [f"{t}.valid_from" for t in ("p", "op", "sp")]
    start = d["greatest"].format(*starts)
    end = d["least"].format(*ends)
    return _SEGMENTS.format(
        first_end=d["month_end"].format(start),
        gone_end=d["month_end"].format(end),
        statuses=", ".join(f"'{s}'" for s in ACTIVE_STATUSES),
        start=start,
        end=end,
    )


def monthly_changes(width: int, first: date, last: date) -> list[tuple]:
    """(prefix, status, gender, month end, change) for month ends in [first, last]; the row at
    `first` carries everything counted before it (the segments alive then)."""
    params = [width, first, first, first, last, last]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(_segments_sql(connection.vendor) + _MONTHLY_SQL, params)
        return [(p, s, g, _as_date(b), int(n)) for p, s, g, b, n in cursor.fetchall() if n]


def write_daily_changes(width: int, after: date, last: date) -> None:
    """Replace the day-by-day changes of the days in (after, last] (DayChange)."""
    from dangbo.reports.models import DayChange

    DayChange.objects.filter(day__gt=after, day__lte=last).delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        sql = _segments_sql(connection.vendor) + _DAILY_SQL
        cursor.execute(sql, [width, after, last, after, last])
        if connection.vendor == "postgresql":  # millions of new rows: plan with their sizes
            cursor.execute("ANALYZE reports_daychange")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def counts_at(
    changes: list[tuple], dates: list[date], step: int
) -> Iterator[tuple[date, dict[tuple[str, str, str], int]]]:
    """For each wanted month end (ascending), {(path, status, gender): members} for every
    path of the prefixes and their ancestors: running sums of the monthly changes."""
    by_month: dict[date, list[tuple]] = defaultdict(list)
    for prefix, status, gender, month, n in changes:
        by_month[month].append((prefix, status, gender, n))
    running: dict[tuple[str, str, str], int] = defaultdict(int)
    wanted = sorted(dates)
    months = sorted(set(by_month) | set(wanted))
    targets = set(wanted)
    for month in months:
        for prefix, status, gender, n in by_month.get(month, ()):
            for depth in range(1, len(prefix) // step + 1):
                running[(prefix[: depth * step], status, gender)] += n
        if month in targets:
            yield month, {key: n for key, n in running.items() if n}


@contextmanager
def count_writer(step: int):
    """A `write(day, totals)` storing month-end rows: COPY on PostgreSQL (millions of rows for
    the nation's history), batched inserts elsewhere."""
    from dangbo.reports.models import MonthEndCount

    if connection.vendor != "postgresql":

        def insert(day, totals):
            rows = [
                MonthEndCount(on=day, path=p, depth=len(p) // step, status=s, gender=g, members=n)
                for (p, s, g), n in totals.items()
            ]
            MonthEndCount.objects.bulk_create(rows, batch_size=5000)

        yield insert
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("on", "path", "depth", "status", "gender", "members"))
    with connection.cursor() as cursor:
        table = quote(MonthEndCount._meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:

            def stream(day, totals):
                for (p, s, g), n in totals.items():
                    copy.write_row((day, p, len(p) // step, s, g, n))

            yield stream
