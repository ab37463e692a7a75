"""`make load`: 50 concurrent officers (locust, headless, bounded in time) against gunicorn on
the province dataset, on loopback. Writes bench/results/load.json and prints the table.

    python bench/load.py --database postgres://postgres@127.0.0.1:5432/dangbo_ops_load
        [--users 50] [--seconds 90] [--workers 4]

The database must hold the province demo data (`dangbo seed_demo --size province --seed 1`;
bench/run.py's `dangbo_bench_province` does). Targets: p95 < 100 ms for pages, < 300 ms for
dashboards, no errors."""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
DASHBOARDS = {"dashboard", "home dashboard", "past-date report"}


def dangbo_env(url: str, data_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    return env | {
        "DANGBO_DATABASE_URL": url,
        "DANGBO_DATA_DIR": data_dir,
        "DANGBO_AXES_ENABLED": "0",
        # 50 officers sign in with the password alone (locust has no authenticator app).
        "DANGBO_SECOND_FACTOR": "0",
        "DANGBO_ALLOWED_HOSTS": "127.0.0.1",
    }


def ensure_meetings(env: dict) -> None:
    """The meetings pages need meetings: two months for every cell when the dataset has none
    (`dangbo seed_meetings`, ≈ 30 s on the province)."""
    count = (
        subprocess.run(
            [
                VENV / "dangbo",
                "shell",
                "-c",
                "from dangbo.meetings.models import Meeting; print(Meeting.objects.exists())",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if count == "False":
        subprocess.run([VENV / "dangbo", "seed_meetings", "--months", "2"], env=env, check=True)


def warm_up(host: str, ids: dict, workers: int) -> None:
    """Each gunicorn worker loads templates and opens its connection on its first requests;
    a node in service is warm, so the run starts after a few requests to every route."""
    paths = [
        "/organizations/",
        f"/organizations/{ids['orgs'][0]}/children/",
        "/members/",
        f"/members/{ids['members'][0]}/",
        "/reports/dashboard/",
        f"/reports/members/?org={ids['orgs'][0]}&on=15/06/2023&breakdown=status",
        "/",
    ]
    if ids["cells"]:
        paths.append(f"/meetings/cells/{ids['cells'][0]}/")
    if ids["meetings"]:
        paths.append(f"/meetings/{ids['meetings'][0]}/")
    for _ in range(2 * workers):
        for path in paths:
            request = urllib.request.Request(
                host + path, headers={"Cookie": f"sessionid={ids['sessions'][0]}"}
            )
            urllib.request.urlopen(request, timeout=60).read()


def prepare(env: dict, users: int) -> dict:
    """An admin account with one signed-in session per simulated officer (a working day's
    sessions are long-lived: the run measures pages, not 50 password hashes at once), and
    sample ids, read through Django."""
    script = f"""
import json, random
from django.contrib.auth.models import User
from dangbo.organizations.models import Organization
from dangbo.members.models import Member
from dangbo.meetings.models import Meeting
user, _ = User.objects.get_or_create(username="load_admin", defaults={{"is_superuser": True}})
user.is_superuser = True
user.set_unusable_password(); user.save()
from django.test import Client
sessions = []
for _ in range({users}):
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
rng = random.Random(1)
orgs = list(Organization.objects.filter(numchild__gt=0).values_list("pk", flat=True)[:2000])
tops = list(Organization.objects.filter(depth__lte=2).values_list("pk", flat=True)[:200])
cells = list(Organization.objects.filter(numchild=0).values_list("pk", flat=True)[:2000])
members = list(Member.objects.values_list("pk", flat=True)[:20000])
meetings = list(Meeting.objects.values_list("pk", flat=True)[:5000])
print(json.dumps({{"username": "load_admin", "sessions": sessions,
    "orgs": rng.sample(orgs, min(200, len(orgs))), "tops": tops,
    "cells": rng.sample(cells, min(200, len(cells))),
    "members": rng.sample(members, min(500, len(members))),
    "meetings": rng.sample(meetings, min(200, len(meetings)))}}))
"""
    out = subprocess.run(
        [VENV / "dangbo", "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


ROUTES = [
    (r"/organizations/\d+/children/$", "tree branch"),
    (r"/organizations/$", "tree"),
    (r"/members/$", "member search"),
    (r"/members/\d+/$", "member detail"),
    (r"/meetings/cells/\d+/$", "cell meetings"),
    (r"/meetings/\d+/$", "meeting entry"),
    (r"/reports/dashboard/$", "dashboard"),
    (r"/reports/members/$", "past-date report"),
    (r"/$", "home dashboard"),
]


def server_times(access_log: Path, since: float) -> dict[str, list[float]]:
    """Milliseconds spent inside a gunicorn worker per request name (deploy/gunicorn.conf.py
    writes JSON access lines): the server's own time, without the queue in front of it.
    Requests before `since` (the warm-up) are left out."""
    times: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        logged = datetime.strptime(entry["time"], "[%d/%b/%Y:%H:%M:%S %z]").timestamp()
        if logged < int(since):
            continue
        for pattern, name in ROUTES:
            if re.fullmatch(pattern, entry["path"]):
                times.setdefault(name, []).append(float(entry["ms"]))
                break
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "DANGBO_LOAD_DATABASE", "postgres://postgres@127.0.0.1:5432/dangbo_bench_province"
        ),
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument(
        "--think",
        default="0.5,2",
        help="seconds an officer waits between actions, MIN,MAX (default 0.5,2: a busy mix; "
        "an officer reading each page is nearer 5,15)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dangbo-load-"))
    # Static files are collected (and compressed) once into var/load, reused by later runs.
    data_dir = ROOT / "var" / "load"
    env = dangbo_env(args.database, str(data_dir))
    subprocess.run([VENV / "dangbo", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    ensure_meetings(env)
    ids = prepare(env, args.users)
    (work / "ids.json").write_text(json.dumps(ids))
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            VENV / "gunicorn",
            "-c",
            ROOT / "deploy" / "gunicorn.conf.py",
            "dangbo.wsgi:application",
            "--access-logfile",
            str(work / "access.log"),
        ],
        env=env | {"DANGBO_BIND": f"127.0.0.1:{args.port}", "DANGBO_WORKERS": str(args.workers)},
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        warm_up(host, ids, args.workers)
        started_at = time.time()
        load = subprocess.run(
            [
                VENV / "locust",
                "-f",
                ROOT / "bench" / "locustfile.py",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "10",
                "-t",
                f"{args.seconds}s",
                "--host",
                host,
                "--csv",
                str(work / "load"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            env=env | {"LOAD_IDS": str(work / "ids.json"), "LOAD_THINK": args.think},
            capture_output=True,
            text=True,
        )
        with open("/proc/loadavg") as handle:
            loadavg = handle.read().split()[:3]
    finally:
        server.terminate()
        server.wait(30)
    with open(work / "load_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    server = server_times(work / "access.log", since=started_at)
    table = []
    for row in rows:
        if row["Name"] in ("Aggregated", "login"):
            continue
        target = 300 if row["Name"] in DASHBOARDS else 100
        table.append(
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "rps": round(float(row["Requests/s"]), 1),
                "target_p95_ms": target,
                "server_p50_ms": percentile(server.get(row["Name"], []), 0.5),
                "server_p95_ms": percentile(server.get(row["Name"], []), 0.95),
            }
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "think_seconds": args.think,
        "gunicorn_workers": args.workers,
        "database": args.database.rsplit("/", 1)[-1],
        "loadavg_after": loadavg,
        "total_requests": int(total["Request Count"]),
        "total_failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "rows": table,
    }
    out = ROOT / "bench" / "results" / "load.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{'request':<16}{'n':>7}{'fail':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'target':>8}"
        f"{'srv p50':>9}{'srv p95':>9}"
    )
    for r in table:
        print(
            f"{r['name']:<16}{r['requests']:>7}{r['failures']:>6}{r['median_ms']:>8.0f}"
            f"{r['p95_ms']:>8.0f}{r['p99_ms']:>8.0f}{r['target_p95_ms']:>8}"
            f"{r['server_p50_ms']:>9.0f}{r['server_p95_ms']:>9.0f}"
        )
    print(
        f"total {result['total_requests']} requests, {result['total_failures']} failures, "
        f"{result['rps']} req/s, load average {' '.join(loadavg)}"
    )
    if load.returncode not in (0, 1):  # locust exits 1 when any request failed
        print(load.stderr[-3000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
