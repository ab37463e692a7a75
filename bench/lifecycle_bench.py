"""Lifecycle screens at province scale (~146k members): the home page with its dashboard cards,
the admission and transfer lists.

    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench_lifecycle \\
        .venv/bin/python bench/lifecycle_bench.py [runs]

The database must hold the province demo dataset (a copy of dangbo_bench_province:
`CREATE DATABASE dangbo_bench_lifecycle TEMPLATE dangbo_bench_province`); migrations are applied.
Each timing is warm (one untimed run first), through the real views/services, as a superuser
and as a grassroots committee officer. Writes bench/results/lifecycle.json.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "DANGBO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dangbo_bench_lifecycle"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")


def _time(func, runs):
    func()  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def main(runs: int = 5) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "dangbo"), "migrate", "-v0"], check=True)
    import django

    django.setup()
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AXES_ENABLED=False):
        measure(runs)


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from dangbo.admissions.hooks import deadline_card
    from dangbo.core.models import Role, RoleAssignment
    from dangbo.organizations.models import Organization
    from dangbo.transfers.hooks import flag_card

    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench_lifecycle", defaults={"is_superuser": True, "is_staff": True}
    )
    grassroots = (
        Organization.objects.filter(org_type__is_grassroots=True, org_type__holds_members=False)
        .order_by("path")
        .first()
    )
    officer, created = User.objects.get_or_create(username="bench_lifecycle_officer")
    if created:
        RoleAssignment.objects.create(
            user=officer,
            role=Role.objects.get(code="grassroots_committee"),
            organization=grassroots,
        )
    figures = {}
    for who, user in (("superuser", admin), ("grassroots_officer", officer)):
        client = Client()
        client.force_login(user)
        request = RequestFactory().get("/")
        request.user = user
        for name, func in (
            ("home", lambda c=client: c.get("/")),
            ("admissions_list", lambda c=client: c.get("/admissions/")),
            ("transfers_list", lambda c=client: c.get("/transfers/")),
            ("admissions_card", lambda r=request: deadline_card(r)),
            ("transfers_card", lambda r=request: flag_card(r)),
        ):
            result = func()
            if isinstance(result, dict):  # a card: count its queries
                with CaptureQueriesContext(connection) as queries:
                    func()
                extra = {"queries": len(queries), "rows": len(result["rows"])}
            else:
                extra = {"status": result.status_code}
            figures[f"{name}_{who}"] = {**_time(func, runs), **extra}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lifecycle.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
