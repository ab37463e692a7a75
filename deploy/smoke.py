"""Smoke and fault checks against the recipe's nodes (run by deploy/recipe.sh).

Every request goes to 127.0.0.1. Prints one line per check; exits 1 on the first failure."""

import base64
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

WORK = Path(os.environ["RECIPE_DIR"])
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
PORTS = os.environ.get("NODE_PORTS", "18001 18002").split()
REPLICA_PORT = os.environ.get("REPLICA_PORT", "55433")
PASSWORD = "dangbo-demo-2026"
results = []


def check(name, ok, detail=""):
    results.append((name, ok))
    print(f"{'ok  ' if ok else 'FAIL'} {name}{f' — {detail}' if detail else ''}", flush=True)
    if not ok:
        sys.exit(1)


class Client:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url, raw=False):
        try:
            with self.opener.open(url, timeout=30) as response:
                body = response.read()
                return response.status, body if raw else body.decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url, fields):
        """A form POST with the CSRF cookie's token; returns the status and the final URL."""
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.url

    def login(self, base):
        status, page = self.get(f"{base}/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.url


def totp(secret: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits): what the officer's authenticator app shows."""
    key = base64.b32decode(secret.replace(" ", ""))
    digest = hmac.new(key, int(at // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset:offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def enrol_second_factor(client, landed):
    """The administrator's first sign-in: scan (read the secret), confirm with a code."""
    status, page = client.get(landed)
    secret = re.search(r'id="enrol-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    return client.post(landed, {"code": totp(secret, time.time())})


def as_pg(*args):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], capture_output=True, text=True, check=True)


def replica_report_queries():
    """Queries of the app's connections on the replica, last statement each (the lag probe
    excepted): the connections stay open (CONN_MAX_AGE), so they show what ran there."""
    out = as_pg(
        f"{PGBIN}/psql", "-h", "127.0.0.1", "-p", REPLICA_PORT, "-U", "postgres", "-d", "dangbo",
        "-Atc",
        "SELECT query FROM pg_stat_activity WHERE datname = 'dangbo' AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend' AND query NOT LIKE '%pg_is_in_recovery%'",
    )
    return [line for line in out.stdout.splitlines() if line.strip()]


def healthz(base):
    return json.loads(Client().get(f"{base}/healthz")[1])


nodes = [f"http://127.0.0.1:{port}" for port in PORTS]

# 1. Every node serves the login page, health and metrics.
for base in nodes:
    status, page = Client().get(f"{base}/login/")
    check(f"{base}/login/ answers", status == 200 and "Đăng nhập" in page, f"HTTP {status}")
    health = healthz(base)
    check(
        f"{base}/healthz ok (database, replica, task queue)",
        health["status"] == "ok" and health["checks"]["replica"]["ok"],
        json.dumps(health["checks"]),
    )
    status, text = Client().get(f"{base}/metrics")
    check(
        f"{base}/metrics in Prometheus format",
        status == 200 and "dangbo_http_request_duration_seconds_bucket" in text
        and "dangbo_task_queue_depth" in text,
    )

# 2. Sessions live in the database: log in on one node, keep working on the other.
officer = Client()
status, landed = officer.login(nodes[0])
check("log in on node 1 (password)", status == 200 and "/core/2fa/enrol/" in landed, landed)
status, landed = enrol_second_factor(officer, landed)
check("second factor enrolled on node 1", status == 200 and "/core/security/" in landed, landed)
status, page = officer.get(f"{nodes[-1]}/")
check("the same session works on node 2", status == 200 and "Đăng xuất" in page, f"HTTP {status}")

# 3. A report is read from the replica.
time.sleep(1.5)  # a fresh verdict on the replica (DANGBO_REPLICA_CHECK_SECONDS=1)
before = replica_report_queries()
status, page = officer.get(f"{nodes[-1]}/reports/members/")
after = replica_report_queries()
check(
    "member report served from the replica",
    status == 200 and "Đảng bộ tỉnh" in page and not before and after,
    f"HTTP {status}, last statement on the replica: {after[-1][:90] if after else None}",
)

# 4. Fault: the replica stops; reports fall back to the primary, health says degraded.
as_pg(f"{PGBIN}/pg_ctl", "-D", str(WORK / "replica"), "-m", "fast", "-w", "stop")
time.sleep(1.5)
status, page = officer.get(f"{nodes[0]}/reports/members/")
check("replica down: the report still answers (from the primary)", status == 200, f"HTTP {status}")
health = healthz(nodes[0])
check(
    "replica down: /healthz says degraded, still 200",
    health["status"] == "degraded" and health["checks"]["replica"]["ok"] is False,
    json.dumps(health["checks"]["replica"]),
)
as_pg(
    f"{PGBIN}/pg_ctl", "-D", str(WORK / "replica"), "-l", str(WORK / "replica.log"), "-w", "start"
)
for _ in range(20):
    time.sleep(1)
    if healthz(nodes[0])["status"] == "ok":
        break
check("replica back: /healthz ok again", healthz(nodes[0])["status"] == "ok")

# 5. Fault: an app node dies (SIGKILL to its master and workers); the other one serves on.
pid = int((WORK / "run" / f"node-{PORTS[0]}.pid").read_text())
children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
for victim in [pid, *map(int, children)]:
    os.kill(victim, signal.SIGKILL)
time.sleep(0.5)
status, _ = Client().get(f"{nodes[-1]}/login/")
check("node 1 killed: node 2 still serves", status == 200, f"HTTP {status}")
status, page = officer.get(f"{nodes[-1]}/reports/members/")
check("node 1 killed: the officer's session still works on node 2", status == 200)

# 6. The task worker is alive (under deploy/supervise.sh) and the queue is not stalled.
supervisor = int((WORK / "run" / "worker.pid").read_text())


def worker_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(supervisor), "-f", "db_worker"], capture_output=True)
    return [int(pid) for pid in found.stdout.split()]


os.kill(supervisor, 0)
worker = worker_pids()[0]
check("task worker running", healthz(nodes[-1])["checks"]["tasks"]["ok"])

# 7. Fault: the worker is killed (SIGKILL). Work queued meanwhile waits in the database, the
# supervisor starts the worker again, which runs it, and the reaper finds nothing half-done.
# (The kill in the middle of a task, with checksums of every table, is
# tests/ops/test_worker_kill.py.)
os.kill(worker, signal.SIGKILL)
status, job_url = officer.post(f"{nodes[-1]}/reports/exports/new/", {"path": ""})
job = re.search(r"/reports/exports/(\d+)/$", job_url)
check("worker killed: a background export is still accepted", status == 200 and job, job_url)
for _ in range(60):
    if [pid for pid in worker_pids() if pid != worker]:
        break
    time.sleep(0.5)
check("worker killed: the supervisor started it again", bool(worker_pids()), str(worker_pids()))
for _ in range(120):
    status, page = officer.get(job_url)
    if "download-link" in page or 'data-state="failed"' in page:
        break
    time.sleep(0.5)
status, body = officer.get(f"{job_url}download/", raw=True)
check("restarted worker: the export is built and served", status == 200 and body[:2] == b"PK")
reaped = subprocess.run(
    [str(Path(sys.executable).parent / "dangbo"), "reap_stale_jobs"],
    capture_output=True, text=True, check=True,
).stdout
jobs_left = {k: v for k, v in json.loads(reaped).items() if k != "temp_files"}
check("dangbo reap_stale_jobs: no job left half-done", not any(jobs_left.values()), reaped)

print(f"{len(results)} passed, 0 failed")
