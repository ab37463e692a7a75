"""Bench: committees at province scale — a committee on a date, who holds what in the whole
province on a date, the congress schedule of the province, a committee's cadre list.

Usage (an empty PostgreSQL database of your own):
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_committees_bench \
        .venv/bin/python bench/committees_bench.py
Seeds the `province` demo tree and the demo committees (two terms for every org) when missing,
then times the screens' queries (median of warm runs). Writes bench/results/committees.json.
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

from dangbo.committees import queries  # noqa: E402
from dangbo.committees.models import AgencyPosition, Candidate, Congress, PostPeriod  # noqa: E402
from dangbo.demo.committees import seed_committees  # noqa: E402
from dangbo.organizations.models import Organization  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 7))
ON = date(2026, 1, 1)


def seed() -> None:
    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", size="province", no_users=True, verbosity=0)
        print(f"seed_demo province: {time.monotonic() - started:.0f}s", file=sys.stderr)
    if not Congress.objects.exists():
        started = time.monotonic()
        root = Organization.objects.get(depth=1)
        count = seed_committees(root, 1, today=date(2026, 11, 1))
        print(
            f"committees: {count} congresses in {time.monotonic() - started:.0f}s", file=sys.stderr
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(fn) -> float:
    fn()  # warm
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def main() -> None:
    seed()
    root = Organization.objects.select_related("org_type").get(depth=1)
    grassroots = (
        Organization.objects.filter(org_type__is_grassroots=True, org_type__holds_members=False)
        .order_by("path")
        .first()
    )
    holders = queries.who_holds(PostPeriod.objects.all(), root.path, ON)
    secretaries = queries.who_holds(PostPeriod.objects.all(), root.path, ON, "secretary")
    figures = {
        "database": connection.vendor,
        "orgs": Organization.objects.count(),
        "congresses": Congress.objects.count(),
        "candidates": Candidate.objects.count(),
        "post_periods": PostPeriod.objects.count(),
        "posts_in_force": holders.count(),
        "committee_on_province_ms": timed(lambda: queries.committee_on(root, ON)),
        "committee_on_grassroots_ms": timed(lambda: queries.committee_on(grassroots, ON)),
        "who_holds_page_ms": timed(lambda: (holders.count(), list(holders.all()[:100]))),
        "who_holds_export_rows_ms": timed(lambda: list(holders.values_list(*queries.PARTY_EXPORT))),
        "secretaries_page_ms": timed(lambda: (secretaries.count(), list(secretaries.all()[:100]))),
        "agency_holders_ms": timed(
            lambda: list(queries.agency_holders(AgencyPosition.objects.all(), root.path, ON))
        ),
        "schedule_province_ms": timed(
            lambda: queries.schedule(Organization.objects.all(), date(2026, 11, 1))
        ),
        "cadres_of_province_ms": timed(lambda: queries.cadres_of(root, ON)),
        "runs": RUNS,
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "committees.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
