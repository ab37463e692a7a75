"""/healthz, /metrics and JSON logs (dangbo.core.ops)."""

import json
import logging

import pytest
from django.db import connections

from dangbo.core import ops


@pytest.mark.django_db
def test_healthz_is_public_and_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["tasks"] == {
        "ok": True,
        "ready": 0,
        "running": 0,
        "failed": 0,
        "successful": 0,
        "oldest_ready_seconds": 0.0,
    }
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_shows_a_stalled_queue_as_degraded(client, settings):
    from dangbo.core.ops import _task_model

    settings.DANGBO_HEALTH_QUEUE_STALL_SECONDS = -1  # any waiting task counts as stalled
    model = _task_model()
    from django_tasks_db.models import get_date_max

    model.objects.create(
        task_path="dangbo.imports.tasks.run_import_step",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        run_after=get_date_max(),
    )
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["ready"] == 1


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(connections["default"], "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_metrics_refuses_clients_not_allowed(client, settings):
    settings.DANGBO_METRICS_ALLOW = ["10.9.0.0/16"]
    settings.DANGBO_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert ok.status_code == 200


@pytest.mark.django_db
def test_metrics_through_a_proxy_needs_the_token(client, settings):
    settings.DANGBO_METRICS_ALLOW = ["127.0.0.0/8"]
    settings.DANGBO_METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics").status_code == 200  # a scraper on the host itself
    proxied = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **proxied).status_code == 404
    auth = {"HTTP_AUTHORIZATION": "Bearer s3cret-metrics-token"}
    assert client.get("/metrics", **proxied, **auth).status_code == 200


@pytest.mark.django_db
def test_metrics_refuses_a_signed_in_user_not_allowed(admin_client, settings):
    settings.DANGBO_METRICS_ALLOW = []
    settings.DANGBO_METRICS_TOKEN = ""
    assert admin_client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_exposes_latency_queue_and_imports(client, settings):
    settings.DANGBO_METRICS_ALLOW = ["127.0.0.0/8"]
    client.get("/login/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'dangbo_http_request_duration_seconds_bucket{le="0.1",method="GET"' in text
    assert 'view="login"' in text
    assert "dangbo_task_queue_depth 0.0" in text
    assert "# TYPE dangbo_imports gauge" in text
    assert "dangbo_import_rows_committed 0.0" in text


def test_json_formatter_writes_one_object_per_line():
    record = logging.LogRecord("dangbo.x", logging.ERROR, __file__, 1, "hỏng %s", ("đĩa",), None)
    record.org = 7
    line = ops.JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "hỏng đĩa"
    assert entry["level"] == "ERROR" and entry["logger"] == "dangbo.x" and entry["org"] == 7
    assert "\n" not in line


def test_json_formatter_keeps_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(ops.JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]
