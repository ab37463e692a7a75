"""Dues month close for a province (~150k members): target < 30 s.

    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench_dues \
        .venv/bin/python bench/dues_bench.py

Seeds the province dataset into that database if it is empty, gives every member a salary basis,
then times `close_month` for the whole province (each run rolled back, so runs are alike).
Writes bench/results/dues.json.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DANGBO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_dues")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")


def ensure_database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        name = os.environ["DANGBO_DATABASE_URL"].rsplit("/", 1)[-1]
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')
    dangbo = str(ROOT / ".venv" / "bin" / "dangbo")
    subprocess.run([dangbo, "migrate", "-v0"], check=True)
    subprocess.run(
        [dangbo, "seed_demo", "--size", "province", "--if-empty", "--no-users"], check=True
    )


def main(runs: int = 3) -> None:
    ensure_database()
    import django

    django.setup()
    from django.db import connection, transaction

    from dangbo.dues import services
    from dangbo.dues.models import IncomeBasis
    from dangbo.organizations.models import Organization

    if not IncomeBasis.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO dues_incomebasis (created_at, updated_at, member_id, valid_from,"
                " income_type, amount, region, wage_percent)"
                " SELECT now(), now(), id, DATE '2026-01-01', 'salary',"
                " 5000000 + (id % 50) * 100000, NULL, NULL FROM members_member"
            )
    root = Organization.objects.get(depth=1)
    timings, rows = [], 0
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            result = services.close_month(root, date(2026, 3, 1))
            timings.append(time.perf_counter() - started)
            rows = result.created
            transaction.set_rollback(True)
    figures = {
        "dues_month_close_province_s": {
            "median": round(statistics.median(timings), 2),
            "max": round(max(timings), 2),
            "rows": rows,
            "target": 30,
        }
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "dues.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
