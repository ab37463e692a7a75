"""Bench: meeting statistics of a province over a year (≈3,000 cells × 16 meetings).

Usage (an empty PostgreSQL database of your own):
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench \
        .venv/bin/python bench/meetings_stats.py
Seeds the `province` demo tree and a year of meetings (2026, thematic meetings separate) when
the database is empty, then times the statistics screen's queries (median of warm runs).
Writes bench/results/meetings_stats.json.
"""

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangbo.meetings import queries  # noqa: E402
from dangbo.meetings.demo import generate_meetings  # noqa: E402
from dangbo.meetings.models import Attendance, Meeting  # noqa: E402
from dangbo.organizations.models import Organization  # noqa: E402

YEAR = 2026
RUNS = int(os.environ.get("BENCH_RUNS", 7))


def seed() -> None:
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", size="province", no_users=True, verbosity=0)
        print(f"seed_demo province: {time.monotonic() - started:.0f}s", file=sys.stderr)
    if not Meeting.objects.exists():
        started = time.monotonic()
        counts = generate_meetings(end=date(YEAR + 1, 1, 1), months=12, separate_thematic=True)
        print(f"meetings: {counts} in {time.monotonic() - started:.0f}s", file=sys.stderr)
    with connection.cursor() as cursor:  # visibility map for index-only scans
        for table in ("meetings_meeting", "meetings_attendance", "meetings_monthtally"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def timed(fn) -> dict:
    """Median wall ms, median CPU ms of this process, and median server time of its SQL."""
    fn()  # warm
    wall, cpu, db = [], [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries_run:
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        db.append(sum(float(q["time"]) for q in queries_run.captured_queries) * 1000)
    return {
        "wall_ms": round(statistics.median(wall), 1),
        "python_cpu_ms": round(statistics.median(cpu), 1),
        "sql_ms": round(statistics.median(db), 1),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    seed()
    root = Organization.objects.select_related("org_type").get(depth=1)
    start, end = date(YEAR, 1, 1), date(YEAR + 1, 1, 1)
    cells = Organization.objects.filter(org_type__holds_members=True, is_active=True).count()
    figures = {
        "database": connection.vendor,
        "cells": cells,
        "meetings": Meeting.objects.filter(planned_on__year=YEAR).count(),
        "attendance_rows": Attendance.objects.count(),
        "subtree_stats_ms": timed(lambda: queries.subtree_stats(root, YEAR, 1, 12, 95)),
        "absence_flags_ms": timed(lambda: queries.absence_flags(root.path, start, end, 3)),
        "superiors_record_ms": timed(lambda: queries.superiors_record(root.path, start, end)),
        "runs": RUNS,
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "meetings_stats.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
