"""`make bench`: generate the province and national datasets into PostgreSQL once (cached in
their own databases), then time the product's own code paths on them.

    python bench/run.py                      # both datasets: seed if missing, then measure
    python bench/run.py --sizes province     # one dataset
    python bench/run.py --runs 30            # warm runs per measurement (default 15)

Each dataset lives in `<base>_<size>` (base: DANGBO_BENCH_DATABASE, default
postgres://postgres@127.0.0.1:5432/dangbo_bench). A dataset counts as complete only when the
`bench_dataset` marker row written after seeding exists; otherwise the database is recreated.
Results: bench/results/<size>.json (median, p95, rows per measurement) and a printed table.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DANGBO = ROOT / ".venv" / "bin" / "dangbo"
PYTHON = sys.executable
SEED = 1
DEFAULT_BASE = "postgres://postgres@127.0.0.1:5432/dangbo_bench"

# Targets (ms) from the issues; None: reported for information.
TARGETS = {
    "list_page": 50,
    "list_page_scattered_50": 100,
    "name_search": 100,
    "counts_province_children": 100,
    "counts_nation_provinces": 1500,
    "seed_national_s": 15 * 60,
}


# --- orchestration (no Django in this process) ---------------------------------------------


def database_url(base: str, size: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size}"))


def _connect(url: str, dbname: str | None = None):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname or parts.path.lstrip("/"),
        autocommit=True,
    )


def dataset_marker(url: str) -> dict | None:
    """The marker written after a complete seed, or None (no database, or incomplete)."""
    import psycopg

    try:
        with _connect(url) as conn:
            row = conn.execute(
                """SELECT size, seed, orgs, members, seconds, client_cpu_seconds, finished_at
                   FROM bench_dataset"""
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    keys = ("size", "seed", "orgs", "members", "seconds", "client_cpu_seconds", "finished_at")
    return dict(zip(keys, row, strict=True)) | {"finished_at": row[6].isoformat()}


def recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _connect(url, "postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(url: str, size: str) -> dict:
    """Migrate an empty database and run `dangbo seed_demo --size <size>`, timed."""
    env = {**os.environ, "DANGBO_DATABASE_URL": url}
    recreate_database(url)
    subprocess.run([str(DANGBO), "migrate", "--noinput", "-v0"], env=env, check=True)
    print(f"[{size}] dangbo seed_demo --size {size} --seed {SEED} …", flush=True)
    started = time.monotonic()
    cpu_before = os.times()
    subprocess.run(
        [str(DANGBO), "seed_demo", "--size", size, "--seed", str(SEED), "--no-users"],
        env=env,
        check=True,
    )
    seconds = time.monotonic() - started
    # The seed queued the recount of past month ends; a task worker drains it, as in production.
    recount_started = time.monotonic()
    subprocess.run(
        [str(DANGBO), "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0"],
        env=env,
        check=True,
    )
    recount_seconds = time.monotonic() - recount_started
    print(f"[{size}] worker counted the past month ends in {recount_seconds:,.0f}s", flush=True)
    cpu = os.times()
    client_cpu = (cpu.children_user - cpu_before.children_user) + (
        cpu.children_system - cpu_before.children_system
    )
    with _connect(url) as conn:
        orgs = conn.execute("SELECT COUNT(*) FROM organizations_organization").fetchone()[0]
        members = conn.execute("SELECT COUNT(*) FROM members_member").fetchone()[0]
        conn.execute(
            """CREATE TABLE bench_dataset (size text, seed int, orgs int, members int,
                   seconds float, client_cpu_seconds float, finished_at timestamptz)"""
        )
        conn.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, %s, %s, %s, %s, now())",
            (size, SEED, orgs, members, seconds, client_cpu),
        )
    print(f"[{size}] seeded {orgs:,} orgs, {members:,} members in {seconds:,.0f}s", flush=True)
    return dataset_marker(url)


def ensure_dataset(url: str, size: str) -> dict:
    marker = dataset_marker(url)
    if marker and marker["size"] == size and marker["seed"] == SEED:
        print(f"[{size}] reusing the dataset in {urlsplit(url).path.lstrip('/')}", flush=True)
        # New migrations (e.g. a summary table) apply to the cached data; cheap when current.
        env = {**os.environ, "DANGBO_DATABASE_URL": url}
        subprocess.run([str(DANGBO), "migrate", "--noinput", "-v0"], env=env, check=True)
        return marker
    return seed(url, size)


def orchestrate(args) -> int:
    base = os.environ.get("DANGBO_BENCH_DATABASE", DEFAULT_BASE)
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = False
    for size in args.sizes:
        url = database_url(base, size)
        marker = ensure_dataset(url, size)
        env = {**os.environ, "DANGBO_DATABASE_URL": url}
        out = RESULTS / f"{size}.json"
        result = subprocess.run(
            [PYTHON, __file__, "--measure", size, "--runs", str(args.runs), "--out", str(out)],
            env=env,
        )
        failed |= result.returncode != 0
        if result.returncode == 0:
            data = json.loads(out.read_text())
            data["dataset"] = marker
            out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            print_table(data)
        # Statistics today and as of past dates, each beside hand-written SQL, checked exact.
        reports = [PYTHON, str(ROOT / "bench" / "reports_bench.py"), "--runs", "5"]
        result = subprocess.run(reports + ([] if args.export else ["--skip-export"]), env=env)
        failed |= result.returncode != 0
    return 1 if failed else 0


def print_table(data: dict) -> None:
    marker = data.get("dataset") or {}
    print()
    print(
        f"== {data['size']}: {marker.get('orgs', 0):,} orgs, {marker.get('members', 0):,} "
        f"members; seeded in {marker.get('seconds', 0):,.0f}s =="
    )
    print(
        f"{'measurement':62} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>7} {'db ms':>7} "
        f"{'target':>7} "
        f"{'rows':>10}  ok  load"
    )
    for m in data["measurements"]:
        target = m.get("target_ms")
        ok = "" if target is None else ("yes" if m["median_ms"] < target else "NO")
        print(
            f"{m['name']:62} {m['median_ms']:10.1f} {m['p95_ms']:9.1f} {m['python_cpu_ms']:7.1f} "
            f"{m['db_ms']:7.1f} "
            f"{target if target is not None else '-':>7} {m['rows']:>10,}  {ok:3} "
            f"{m['load_average']:5.1f}"
        )
    print()


# --- measuring (inside Django, against the dataset named by DANGBO_DATABASE_URL) ------------


def timed(fn, runs: int, warmup: int = 2):
    """Median and p95 wall time (ms) over warm runs, the median CPU time of this process (ms:
    Python's share, without the database), and the last result."""
    for _ in range(warmup):
        fn()
    samples, cpu = [], []
    result = None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, statistics.median(cpu), result


def measure(size: str, runs: int, out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
    # The pages are timed, not the sign-in: the second factor (on by default) is not asked.
    os.environ["DANGBO_SECOND_FACTOR"] = "0"
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AXES_ENABLED=False):
        _measure(size, runs, out, Client, connection, reverse)


def _db_time(connection, captured) -> float:
    """Server-side execution time (ms) of a request's SELECTs, by EXPLAIN ANALYZE."""
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


def _bench_users(size):
    """A superuser, and a viewer holding 50 role assignments scattered over the tree."""
    import random

    from django.contrib.auth import get_user_model

    from dangbo.core.models import Role, RoleAssignment
    from dangbo.organizations.models import Organization

    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults=dict(is_superuser=True, is_staff=True)
    )
    scattered, created = User.objects.get_or_create(username="bench_scattered_50")
    if created or not RoleAssignment.objects.filter(user=scattered).exists():
        grassroots = list(
            Organization.objects.filter(org_type__is_grassroots=True)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        superiors = list(
            Organization.objects.filter(org_type__code="superior")
            .order_by("path")
            .values_list("pk", flat=True)
        )
        rng = random.Random(50)
        # 45 grassroots organisations and 5 district-level committees, all over the tree.
        chosen = rng.sample(grassroots, 45) + rng.sample(superiors, 5)
        role = Role.objects.get(code="viewer")
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=scattered, role=role, organization_id=pk) for pk in chosen
        )
    return admin, scattered


def _measure(size, runs, out, Client, connection, reverse):
    from dangbo.members import summary
    from dangbo.organizations.models import Organization

    if summary.state() is None:
        print(f"[{size}] rebuilding the member summary …", flush=True)
        summary.rebuild()
    admin, scattered = _bench_users(size)
    measurements = []

    def add(name, target_key, fn, rows_of, n=runs, note=""):
        queries = []

        def record(execute, sql, params, many, context):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            fn()
        load = os.getloadavg()[0]
        median, p95, cpu, result = timed(fn, n)
        db = statistics.median(_db_time(connection, queries) for _ in range(3))
        entry = dict(
            name=name,
            median_ms=round(median, 2),
            p95_ms=round(p95, 2),
            python_cpu_ms=round(cpu, 2),
            db_ms=round(db, 2),
            load_average=round((load + os.getloadavg()[0]) / 2, 1),
            runs=n,
            rows=rows_of(result),
            queries=len(queries),
            target_ms=TARGETS.get(target_key),
            note=note,
        )
        measurements.append(entry)
        print(
            f"  {name}: median {entry['median_ms']} ms, p95 {entry['p95_ms']} ms, "
            f"python cpu {entry['python_cpu_ms']} ms, db {entry['db_ms']} ms, "
            f"rows {entry['rows']:,}, {entry['queries']} queries, load {entry['load_average']}",
            flush=True,
        )

    def list_page(client, params):
        def fetch():
            response = client.get(reverse("members:list"), params)
            assert response.status_code == 200, response.status_code
            return response

        return fetch

    def list_rows(response):
        # The total the page shows ("Tổng số: N"); the response carries no context here.
        match = re.search(r"Tổng số: (?:hơn )?([\d.,]+)", response.content.decode())
        return int(re.sub(r"\D", "", match.group(1)))

    admin_client = Client()
    admin_client.force_login(admin)
    root = Organization.objects.get(depth=1)
    province = root if size == "province" else Organization.objects.filter(depth=2).first()
    children = list(Organization.objects.get_children(province).values_list("path", flat=True))
    where = f"subtree of «{province.name}»"
    for label, params in [
        ("first page", {}),
        ("filtered status=official, gender=F", {"status": "official", "gender": "F"}),
        ("sorted by name (descending)", {"sort": "-full_name"}),
    ]:
        add(
            f"member list, province subtree, {label}",
            "list_page",
            list_page(admin_client, {"org": province.pk, **params}),
            list_rows,
            note=f"GET /members/ as superuser, {where}",
        )
    # Name searches (word starts, members.namesearch): a family name, a family + middle name,
    # a middle + given name, a full name, a middle name on half the register, a given name.
    for query in ("nguyen", "tran thi", "van an", "bui van tam", "thi", "hung"):
        for scope, params in (("whole register", {}), ("province subtree", {"org": province.pk})):
            add(
                f"member search «{query}», {scope}",
                "name_search",
                list_page(admin_client, {"q": query, **params}),
                list_rows,
                note="GET /members/?q= as superuser (counts above 1,000 say «hơn 1.000»)",
            )
    add(
        "per-child member counts, province (summary)",
        "counts_province_children",
        lambda: summary.active_counts_by_child(province.path, children),
        lambda counts: sum(counts.values()),
        note=f"members.summary.active_counts_by_child, {len(children)} children",
    )
    add(
        "per-child member counts, province (live)",
        None,
        lambda: summary.live_active_counts_by_child(province.path, children),
        lambda counts: sum(counts.values()),
        n=max(5, runs // 3),
        note="the fallback when the summary is not complete",
    )
    if size == "national":
        provinces = list(Organization.objects.get_children(root).values_list("path", flat=True))
        add(
            "per-province member counts, nation (summary)",
            "counts_nation_provinces",
            lambda: summary.active_counts_by_child(root.path, provinces),
            lambda counts: sum(counts.values()),
            note=f"members.summary.active_counts_by_child, {len(provinces)} provinces",
        )
        add(
            "per-province member counts, nation (live)",
            None,
            lambda: summary.live_active_counts_by_child(root.path, provinces),
            lambda counts: sum(counts.values()),
            n=3,
            note="the fallback when the summary is not complete",
        )
    scattered_client = Client()
    scattered_client.force_login(scattered)
    for label, params in [
        ("first page", {}),
        ("filtered status=official, gender=F", {"status": "official", "gender": "F"}),
        ("sorted by name (descending)", {"sort": "-full_name"}),
    ]:
        add(
            f"member list, 50 scattered subtrees, {label}",
            "list_page_scattered_50",
            list_page(scattered_client, params),
            list_rows,
            note="GET /members/ as a viewer with 50 role assignments (Member.objects.restrict)",
        )
    out.write_text(
        json.dumps(dict(size=size, measurements=measurements), indent=2, ensure_ascii=False) + "\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["province", "national"])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--export", action="store_true", help="also time the province's member list export"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT / "src"))
        measure(args.measure, args.runs, args.out)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
