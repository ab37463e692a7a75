"""Bench: statistics for a province and the nation, today and as of a past date, each beside
the best hand-written SQL on the raw tables (ratio = product / hand SQL).

Usage (a database seeded by `make bench`, e.g. the national one):
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench_national \
        .venv/bin/python bench/reports_bench.py [--runs 5] [--skip-export]
Writes bench/results/reports_<dataset>.json and prints a Markdown table.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangbo.members.choices import ACTIVE_STATUSES  # noqa: E402
from dangbo.organizations.models import Organization  # noqa: E402
from dangbo.reports import dashboard, services  # noqa: E402
from dangbo.reports.models import ExportJob  # noqa: E402
from dangbo.reports.report import build_member_table  # noqa: E402

RESULTS = Path(__file__).parent / "results"
PAST = date(2022, 12, 31)
# Past dates a report is asked for: a counted month end, days between month ends in every
# decade of the register (each the month end before plus the changes since).
PAST_DATES = [
    date(2022, 12, 31),
    date(2023, 6, 15),
    date(2025, 6, 15),
    date(2019, 3, 15),
    date(2005, 7, 20),
    date(1990, 1, 15),
]
ACTIVE = tuple(str(s) for s in ACTIVE_STATUSES)


def timed(fn, runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def sql(text: str, params: list):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            return cursor.fetchall()

    return run


# Hand-written SQL: the same figures straight from the raw tables, with the best plan we know.
TODAY_BY_CHILD = """
    SELECT substr(org_path, 1, %s) AS child, status, count(*)
    FROM members_member
    WHERE org_path LIKE %s AND status = ANY(%s)
    GROUP BY 1, 2"""
TODAY_COMPOSITION = """
    SELECT status, gender, education, theory_level, count(*)
    FROM members_member WHERE org_path LIKE %s AND status = ANY(%s)
    GROUP BY GROUPING SETS ((status), (gender), (education), (theory_level))"""
AS_OF_BY_CHILD = """
    SELECT substr(op.path, 1, %s) AS child, sp.status, count(*)
    FROM members_placement p
    JOIN organizations_orgperiod op ON op.organization_id = p.organization_id
         AND op.valid_from <= %s AND (op.valid_to IS NULL OR op.valid_to > %s)
    JOIN members_statusperiod sp ON sp.member_id = p.member_id
         AND sp.valid_from <= %s AND (sp.valid_to IS NULL OR sp.valid_to > %s)
    WHERE p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)
      AND op.path LIKE %s AND sp.status = ANY(%s)
    GROUP BY 1, 2"""


def hand_today(root) -> float:
    width = len(root.path) + Organization.steplen
    return sql(TODAY_BY_CHILD, [width, root.path + "%", list(ACTIVE)])


def hand_composition(root):
    return sql(TODAY_COMPOSITION, [root.path + "%", list(ACTIVE)])


def hand_as_of(root, on: date):
    width = len(root.path) + Organization.steplen
    return sql(AS_OF_BY_CHILD, [width, on, on, on, on, on, on, root.path + "%", list(ACTIVE)])


def reorganisation_dates(root) -> list[date]:
    """The day before and the day of the latest move, merger and split under the root."""
    from dangbo.organizations.models import OrgEvent

    dates = []
    for kind in ("moved", "merged", "split"):
        event = (
            OrgEvent.objects.filter(kind=kind, organization__path__startswith=root.path)
            .order_by("-effective_date")
            .first()
        )
        if event:
            dates += [event.effective_date - timedelta(days=1), event.effective_date]
    return dates


def exactness(root, on: date, today: date) -> dict:
    """The product's table against the hand SQL, cell by cell (children of that day)."""
    table = build_member_table(root, on, "status", True, today)
    product = {
        (row.child_path, value): n
        for row in table.rows
        for (value, _label), n in zip(table.columns, row.cells, strict=True)
        if n
    }
    children = {row.child_path for row in table.rows}
    hand = {(c, s): n for c, s, n in hand_as_of(root, on)() if c in children and n}
    return {
        "counted_on": table.counted_on and table.counted_on.isoformat(),
        "members": table.grand_total,
        "exact": product == hand,
    }


def product_dashboard(root, today):
    def run():
        dashboard.composition(root, today)
        dashboard.changes_in_year(root, today.year)
        dashboard.orgs_by_type(root)
        dashboard.cells_by_size(root)

    return run


def measure(runs: int, skip_export: bool) -> list[dict]:
    today = timezone.localdate()
    nation = Organization.objects.filter(depth=1).order_by("path").first()
    province = (
        Organization.objects.filter(depth=2, numchild__gt=0).order_by("-numchild", "path").first()
    )
    rows = []

    def add(figure, target, product, hand=None):
        ms = timed(product, runs)
        hand_ms = timed(hand, runs) if hand else None
        ratio = round(ms / hand_ms, 2) if hand_ms else None
        row = {
            "figure": figure,
            "ms": round(ms, 1),
            "hand_sql_ms": hand_ms and round(hand_ms, 1),
            "ratio": ratio,
            "target_ms": target,
        }
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    for label, root in (("province", province), ("nation", nation)):
        if root is None:
            continue
        add(
            f"{label}: report by child, today (status)",
            100 if label == "province" else 300,
            lambda root=root: build_member_table(root, today, "status", True, today),
            hand_today(root),
        )
        add(
            f"{label}: dashboard, live (composition, changes, orgs, sizes)",
            100 if label == "province" else 300,
            product_dashboard(root, today),
            hand_composition(root),
        )
        for on in PAST_DATES + reorganisation_dates(root):
            add(
                f"{label}: report by child as of {on:%d/%m/%Y} (status)",
                300 if label == "province" else 1000,
                lambda root=root, on=on: build_member_table(root, on, "status", True, today),
                hand_as_of(root, on),
            )
            rows[-1].update(exactness(root, on, today))
    if not skip_export and province is not None:
        rows.append(export_province(province, today))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def export_province(province, today) -> dict:
    """The background export of a province's member list (write-only XLSX), run inline."""
    import resource

    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench_admin", password=None)
    settings.DANGBO_EXPORTS_DIR = tempfile.mkdtemp()
    job = ExportJob.objects.create(
        organization=province,
        requested_by=user,
        title="bench",
        params={"kind": "members", "on": today.isoformat(), "path": province.path},
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    services.run_export(job.pk, today=today)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    job.refresh_from_db()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "figure": f"XLSX export of a province's member list ({job.progress_done:,} rows)",
        "ms": round(seconds * 1000),
        "hand_sql_ms": None,
        "ratio": None,
        "target_ms": 30000,
        "python_cpu_ms": round(cpu_seconds * 1000),
        "peak_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("reports_bench needs PostgreSQL", file=sys.stderr)
        return 2
    rows = measure(args.runs, args.skip_export)
    RESULTS.mkdir(exist_ok=True)
    name = connection.settings_dict["NAME"]
    (RESULTS / f"reports_{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print(
        "\n| figure | product ms | hand SQL ms | ratio | target ms | from month end | exact |"
        "\n|---|---:|---:|---:|---:|---|---|"
    )
    for r in rows:
        print(
            f"| {r['figure']} | {r['ms']:,} | {r['hand_sql_ms'] or '–'} | "
            f"{r['ratio'] or '–'} | {r['target_ms']:,} | {r.get('counted_on') or '–'} | "
            f"{r.get('exact', '–')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
