"""Background exports whose worker died: marked failed, never served half-written, retried.

The real kill (a `db_worker` subprocess and SIGKILL) is tests/ops/test_worker_kill.py; these
tests set up what a killed worker leaves behind and check each rule on its own."""

import io
import json
import os
import tempfile
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max
from openpyxl import load_workbook

from dangbo.core import jobs
from dangbo.core.errors import DomainError
from dangbo.reports import services
from dangbo.reports.models import ExportJob
from tests import factories
from tests.paper_helpers import own_rows

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def inline_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGBO_EXPORTS_DIR = tmp_path / "exports"
    return tmp_path / "exports"


@pytest.fixture
def viewer(tree, client):
    user = factories.user(role_code="viewer", on=tree["province"])
    client.force_login(user)
    return user


def _dead_job(user, org, **fields) -> ExportJob:
    """What a worker killed mid-export leaves: a running job whose heartbeat stopped."""
    values = {
        "state": ExportJob.State.RUNNING,
        "heartbeat_at": LONG_AGO,
        "progress_done": 5000,
        "progress_total": 9000,
        **fields,
    }
    return ExportJob.objects.create(
        organization=org,
        requested_by=user,
        title="Danh sách đảng viên",
        params={"kind": "members", "on": "2025-12-31", "path": org.path},
        **values,
    )


def _task_row(status="RUNNING", started_at=None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="dangbo.reports.tasks.run_export",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        status=status,
        started_at=started_at,
    )


def test_a_dead_export_is_failed_its_leftovers_removed_and_the_retry_builds_a_new_file(
    tree, inline_tasks, viewer, client
):
    job = _dead_job(viewer, tree["committee"])
    exports = services.exports_dir()
    leftovers = [
        exports / f".xuat-{job.pk}-1-20251231.xlsx.0a1b2c3d.part",  # killed while saving
        exports / f"xuat-{job.pk}-1-20251231.xlsx",  # renamed, then killed before recording
    ]
    for path in leftovers:
        path.write_bytes(b"PK\x03\x04 half a file")
    other = exports / "xuat-9999-1-20251231.xlsx"
    other.write_bytes(b"another job's file")
    download = reverse("reports:export_download", args=[job.pk])
    assert client.get(download).status_code == 404  # never served while running

    page = client.get(reverse("reports:export_job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert job.error.startswith("Tiến trình xuất bị dừng giữa chừng")
    assert "Tiến trình xuất bị dừng giữa chừng" in page and 'id="retry-export"' in page
    assert not any(path.exists() for path in leftovers) and other.exists()
    assert client.get(download).status_code == 404

    response = client.post(reverse("reports:export_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempt == 2 and job.error == ""
    assert job.file_name == f"xuat-{job.pk}-2-20251231.xlsx" and job.progress_done == 4
    body = b"".join(client.get(download).streaming_content)
    rows = own_rows(load_workbook(io.BytesIO(body), read_only=True).active)
    assert len(rows) == 2 + 4

    # A second click finds nothing to retry: the done job and its file stay as they are.
    client.post(reverse("reports:export_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempt == 2
    with pytest.raises(DomainError, match="Chỉ chạy lại được một tệp xuất bị lỗi"):
        services.retry_export(job, viewer)


def test_only_the_requester_retries_and_a_fresh_job_is_not_reaped(tree, inline_tasks, viewer):
    job = _dead_job(viewer, tree["committee"], state=ExportJob.State.FAILED, heartbeat_at=None)
    someone = factories.user(role_code="viewer", on=tree["province"])
    with pytest.raises(DomainError, match="Chỉ người yêu cầu"):
        services.retry_export(job, someone)
    alive = _dead_job(viewer, tree["committee"], heartbeat_at=datetime.now(UTC))
    assert services.reap_stale_exports() == 0
    alive.refresh_from_db()
    assert alive.state == ExportJob.State.RUNNING


def test_a_run_that_lost_its_job_writes_nothing(tree, inline_tasks, viewer, monkeypatch):
    """A worker thought dead (reaped) or an older attempt: it stops at its next heartbeat,
    removes its partial file and never overwrites the job."""
    job = _dead_job(viewer, tree["committee"], state=ExportJob.State.QUEUED, attempt=2)
    services.run_export(job.pk, attempt=1)  # the task of attempt 1, run late
    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED and job.file_name == ""

    beat = services._beat

    def reaped_meanwhile(running, **progress):
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error="mất")
        beat(running, **progress)

    monkeypatch.setattr(services, "_beat", reaped_meanwhile)
    services.run_export(job.pk, attempt=2, today=date(2025, 12, 31))
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and job.error == "mất" and job.file_name == ""
    assert list(services.exports_dir().iterdir()) == []


def test_reaping_fails_the_task_rows_and_the_command_reaps_every_kind(
    tree, inline_tasks, viewer, monkeypatch, tmp_path
):
    task = _task_row(started_at=LONG_AGO)
    job = _dead_job(viewer, tree["committee"], task_id=str(task.id))
    orphan = _task_row(started_at=LONG_AGO)  # e.g. a summary refresh whose worker died
    recent = _task_row(started_at=datetime.now(UTC))
    out = io.StringIO()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's leftovers only
    left = tmp_path / "openpyxl.dead-export.xml"
    left.write_text("<row/>")
    os.utime(left, (0, 0))
    fresh = tmp_path / "openpyxl.live-export.xml"
    fresh.write_text("<row/>")
    call_command("reap_stale_jobs", stdout=out)
    assert json.loads(out.getvalue()) == {"exports": 1, "imports": 0, "tasks": 1, "temp_files": 1}
    assert not left.exists() and fresh.exists()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    for row, status in [(task, "FAILED"), (orphan, "FAILED"), (recent, "RUNNING")]:
        row.refresh_from_db()
        assert row.status == status
    task.refresh_from_db()
    assert task.exception_class_path == "dangbo.core.jobs.WorkerLost"
    assert "Tiến trình xuất bị dừng giữa chừng" in task.traceback
    assert [kind.name for kind in jobs.kinds()] == ["exports", "imports"]


def test_metrics_count_jobs_by_state_and_the_stale_ones(tree, inline_tasks, viewer, client):
    _dead_job(viewer, tree["committee"])
    _dead_job(viewer, tree["committee"], state=ExportJob.State.FAILED)
    body = client.get("/metrics").content.decode()
    assert 'dangbo_background_jobs{kind="exports",state="running"} 1.0' in body
    assert 'dangbo_background_jobs{kind="exports",state="failed"} 1.0' in body
    assert 'dangbo_background_jobs_stale{kind="exports"} 1.0' in body
    assert 'dangbo_background_jobs_stale{kind="imports"} 0.0' in body
