"""Bench: the member portal — page cost for one member, and bulk account creation.

Usage (a database seeded by `dangbo seed_demo`, with its demo users, e.g. the `make run` one):
    DANGBO_DATABASE_URL=sqlite:///$PWD/var/dangbo.sqlite3 .venv/bin/python bench/portal_bench.py
Times, as the demo member `dangvien` through Django's test client (session, middleware,
views, templates): median wall ms, queries and response bytes of each portal page. Then, in a
transaction rolled back at the end, creates accounts for every member of the largest
grassroots organisation (`portal.services.create_accounts`, production password hashers) and
compares with hashing each one-time password with the default hasher.
Writes bench/results/portal.json.
"""

import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from dangbo.meetings.models import Meeting  # noqa: E402
from dangbo.members.models import Member  # noqa: E402
from dangbo.organizations.models import Organization  # noqa: E402
from dangbo.portal import services  # noqa: E402
from dangbo.portal.models import MemberAccount  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def page_figures(client: Client, url: str) -> dict:
    client.get(url)  # warm
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def pages() -> dict:
    account = MemberAccount.objects.select_related("member").get(user__username="dangvien")
    client = Client()
    client.force_login(account.user)
    meeting = (
        Meeting.objects.filter(organization_id=account.member.organization_id)
        .order_by("-planned_on")
        .first()
    )
    urls = {
        "home": reverse("portal:index"),
        "record": reverse("portal:record"),
        "meetings": reverse("portal:meetings"),
        "meeting": reverse("portal:meeting", args=[meeting.pk]),
        "tasks": reverse("portal:tasks"),
        "dues": reverse("portal:dues"),
        "review": reverse("portal:review"),
        "notifications": reverse("portal:notifications"),
        "api meetings": "/api/v1/portal/me/meetings/",
    }
    return {name: page_figures(client, url) for name, url in urls.items()}


def bulk() -> dict:
    # the committee with the most members in its subtree, within the bulk limit
    org, most = None, 0
    for candidate in Organization.objects.filter(org_type__holds_members=False, depth__gt=1):
        n = Member.objects.active().filter(org_path__startswith=candidate.path).count()
        if most < n <= services.BULK_LIMIT:
            org, most = candidate, n
    with transaction.atomic():
        started = time.perf_counter()
        created = services.create_accounts(org)
        total = time.perf_counter() - started
        transaction.set_rollback(True)
    default = []
    for _ in range(3):
        started = time.perf_counter()
        make_password(services.generate_password())
        default.append((time.perf_counter() - started) * 1000)
    return {
        "organization": org.name,
        "accounts": len(created),
        "total_s": round(total, 2),
        "ms_per_account": round(total * 1000 / max(len(created), 1), 1),
        "default_hasher_ms_per_password": round(statistics.median(default), 1),
    }


def main() -> None:
    figures = {
        "database": connection.vendor,
        "members": Member.objects.count(),
        "runs": RUNS,
        "load_average": os.getloadavg()[0],
        "pages": pages(),
        "bulk_accounts": bulk(),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "portal.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    from django.conf import settings

    # templates only need static URLs: no collectstatic manifest required
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver"]):
        main()
