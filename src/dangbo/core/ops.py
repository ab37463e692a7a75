"""Operations endpoints and plumbing: /healthz, /metrics (Prometheus), request timing, JSON logs.

/healthz is public: a load balancer probes it; it answers 200 while the primary database
answers (503 otherwise) and says, without any record data, whether the replica and the task
queue are healthy. /metrics answers only clients allowed by DANGBO_METRICS_ALLOW (addresses or
networks) or bearing DANGBO_METRICS_TOKEN; anyone else gets 404.

With several gunicorn workers per node, set PROMETHEUS_MULTIPROC_DIR (an empty folder per node,
see deploy/gunicorn.conf.py) so the latency histogram adds up every worker's requests.
"""

import errno
import hmac
import ipaddress
import json
import logging
import os
import time
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from dangbo.core import db, jobs

log = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "dangbo_http_request_duration_seconds",
    "Time to answer an HTTP request, by view and status class.",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)


class MetricsMiddleware:
    """Times every request into REQUEST_LATENCY (labels: method, view name, 2xx/3xx/…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else None) or "unmatched"
        REQUEST_LATENCY.labels(
            request.method if request.method in {"GET", "POST", "HEAD"} else "other",
            view,
            f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - start)
        return response


class StorageFullMiddleware:
    """A full disk (or quota) while writing a file answers 507 with a clear Vietnamese page
    instead of a server error. Services save the file before the row that points at it, and
    multi-row writes are atomic, so nothing half-written is left behind."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("storage full while answering %s: %s", request.path, exception)
            return render(
                request, "core/storage_full.html", {"title": "Hết chỗ lưu tệp"}, status=507
            )
        return None


def _task_model():
    try:
        return apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return None


def task_queue() -> dict:
    """Counts of background tasks by status and the age of the oldest one waiting."""
    model = _task_model()
    if model is None:
        return {"backend": "none"}
    counts = dict(model.objects.values_list("status").annotate(n=Count("id")).order_by())
    now = timezone.now()
    ready = model.objects.ready()
    oldest = ready.aggregate(m=Min("enqueued_at"))
    waited = (now - oldest["m"]).total_seconds() if oldest["m"] else 0.0
    return {
        "ready": counts.get("READY", 0),
        "running": counts.get("RUNNING", 0),
        "failed": counts.get("FAILED", 0),
        "successful": counts.get("SUCCESSFUL", 0),
        "oldest_ready_seconds": round(waited, 1),
    }


@never_cache
def healthz(request):
    """Liveness and readiness for a load balancer or an operator (no record data)."""
    checks: dict = {}
    start = time.perf_counter()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}
    except Exception as error:
        checks["database"] = {"ok": False, "error": error.__class__.__name__}
        return JsonResponse({"status": "fail", "checks": checks}, status=503)
    if db.replica_configured():
        state = db.replica_state(force=True)
        checks["replica"] = {"ok": state.usable, "lag_seconds": state.lag}
    try:
        queue = task_queue()
        stalled = queue.get("oldest_ready_seconds", 0) > settings.DANGBO_HEALTH_QUEUE_STALL_SECONDS
        checks["tasks"] = {"ok": not stalled, **queue}
    except Exception as error:
        checks["tasks"] = {"ok": False, "error": error.__class__.__name__}
    degraded = not all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": checks})


class DatabaseCollector:
    """Gauges read from the database at scrape time: task queue and import jobs."""

    def collect(self):
        queue = task_queue()
        if "ready" in queue:
            depth = GaugeMetricFamily("dangbo_task_queue_depth", "Tasks waiting for a worker.")
            depth.add_metric([], queue["ready"])
            yield depth
            tasks = GaugeMetricFamily(
                "dangbo_tasks", "Background tasks by status.", labels=["status"]
            )
            for name in ("ready", "running", "failed", "successful"):
                tasks.add_metric([name.upper()], queue[name])
            yield tasks
            age = GaugeMetricFamily(
                "dangbo_task_oldest_ready_seconds", "Age of the oldest task waiting for a worker."
            )
            age.add_metric([], queue["oldest_ready_seconds"])
            yield age
        yield from self.background_jobs()
        try:
            jobs = apps.get_model("imports", "ImportJob")
        except LookupError:
            return
        imports = GaugeMetricFamily("dangbo_imports", "Import jobs by state.", labels=["state"])
        for state, n in jobs.objects.values_list("state").annotate(n=Count("id")).order_by():
            imports.add_metric([state], n)
        yield imports
        rows = GaugeMetricFamily(
            "dangbo_import_rows_committed", "Rows of committed imports (progress of each job)."
        )
        committed = jobs.objects.filter(state="committed").values_list("progress_done", flat=True)
        rows.add_metric([], sum(committed))
        yield rows

    def background_jobs(self):
        """Jobs of every kind (imports, exports) by state, and those whose worker looks dead
        (running without heartbeat for DANGBO_STALE_JOB_SECONDS, not yet marked failed)."""
        by_state = GaugeMetricFamily(
            "dangbo_background_jobs", "Background jobs by kind and state.", labels=["kind", "state"]
        )
        stale = GaugeMetricFamily(
            "dangbo_background_jobs_stale",
            "Running jobs without heartbeat for DANGBO_STALE_JOB_SECONDS (worker died).",
            labels=["kind"],
        )
        for kind in jobs.kinds():
            counts = kind.model._base_manager.values_list("state").annotate(n=Count("pk"))
            for state, n in counts.order_by():
                by_state.add_metric([kind.name, state], n)
            stale.add_metric([kind.name], jobs.stale(kind).count())
        yield by_state
        yield stale


def metrics_allowed(request) -> bool:
    token = settings.DANGBO_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(header.encode(), f"Bearer {token}".encode()):
        return True
    # Through a reverse proxy on the same host every client looks like 127.0.0.1: a request
    # the proxy forwarded is never let in by address, only by token.
    if any(h in request.META for h in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")):
        return False
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for entry in settings.DANGBO_METRICS_ALLOW:
        try:
            if client in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics(request):
    """Prometheus text exposition: request latency, task queue, imports."""
    if not metrics_allowed(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    body += generate_latest(database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


_RECORD_FIELDS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, extras, exception."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
