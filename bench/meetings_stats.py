"""Bench: meeting statistics of a province over a year (≈3,000 cells × 16 meetings).

Usage (a PostgreSQL database of your own: empty, or a copy of the seeded province):
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench \\
        .venv/bin/python bench/meetings_stats.py
Seeds the `province` demo tree when the database is empty and a year of meetings (2026,
thematic meetings separate) when it has none, then times the statistics screen — the real
view through Django's test client — and each of its queries: median wall ms and Python CPU ms
of warm runs, SQL ms by EXPLAIN ANALYZE of the SELECTs one run sends, and the load average.
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from dangbo.demo.meetings import generate_meetings  # noqa: E402
from dangbo.meetings import queries  # noqa: E402
from dangbo.meetings.models import Attendance, Meeting  # noqa: E402
from dangbo.organizations.models import Organization  # noqa: E402

YEAR = 2026
RUNS = int(os.environ.get("BENCH_RUNS", 7))
TARGET_MS = 300


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
    tables = ("meetings_meeting", "meetings_attendance", "meetings_monthtally")
    tables += ("meetings_invitedsuperior", "meetings_absencerun")
    with connection.cursor() as cursor:  # visibility map for index-only scans
        for table in tables:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0]:
                cursor.execute(f"VACUUM (ANALYZE) {table}")


def _sql_ms(captured) -> float:
    """Server time (planning + execution, ms) of the SELECTs, by EXPLAIN ANALYZE."""
    total = 0.0
    with connection.cursor() as cursor:
        for sql, params in captured:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total


def timed(fn) -> dict:
    """Median wall ms and Python CPU ms of warm runs; median SQL ms by EXPLAIN ANALYZE."""
    captured = []

    def record(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()  # warm, and the queries one run sends
    load = os.getloadavg()[0]
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    sql = statistics.median(_sql_ms(captured) for _ in range(3))
    return {
        "wall_ms": round(statistics.median(wall), 1),
        "python_cpu_ms": round(statistics.median(cpu), 1),
        "sql_ms": round(sql, 1),
        "work_ms": round(statistics.median(cpu) + sql, 1),
        "queries": len(captured),
        "load_average": round((load + os.getloadavg()[0]) / 2, 1),
    }


def main() -> None:
    seed()
    root = Organization.objects.select_related("org_type").get(depth=1)
    start, end = date(YEAR, 1, 1), date(YEAR + 1, 1, 1)
    cells = Organization.objects.filter(org_type__holds_members=True, is_active=True).count()
    admin, _ = get_user_model().objects.get_or_create(
        username="bench_admin", defaults=dict(is_superuser=True, is_staff=True)
    )
    client = Client()
    client.force_login(admin)
    params = {"org": root.pk, "year": YEAR, "from": 1, "to": 12}

    def view():
        response = client.get(reverse("meetings:stats"), params)
        assert response.status_code == 200, response.status_code

    figures = {
        "database": connection.vendor,
        "cells": cells,
        "meetings": Meeting.objects.filter(planned_on__year=YEAR).count(),
        "attendance_rows": Attendance.objects.count(),
        "stats_view_ms": timed(view),
        "subtree_stats_ms": timed(lambda: queries.subtree_stats(root, YEAR, 1, 12, 95)),
        "absence_flags_ms": timed(lambda: queries.absence_flags(root.path, start, end, 3)),
        "superiors_record_ms": timed(lambda: queries.superiors_record(root.path, start, end)),
        "flagged_members": len(queries.absence_flags(root.path, start, end, 3)),
        "target_ms": TARGET_MS,
        "runs": RUNS,
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    name = os.environ.get("BENCH_RESULT", "meetings_stats")
    (out / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AXES_ENABLED=False, ALLOWED_HOSTS=["*"]):
        main()
