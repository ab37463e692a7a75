"""A background worker killed mid-task (SIGKILL) loses nothing and leaves nothing half-done.

A real `dangbo db_worker` runs in a subprocess against the test database. It is killed while
an import writes its rows (inside its one transaction) and while an export writes its file;
then: no row of the import exists (every table's count and checksum as before), the jobs are
marked failed by the reaper, the half-written export is never served, and a retry on a new
worker completes both.
"""

import io
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from dangbo.core import backup
from dangbo.imports import services as import_services
from dangbo.imports.models import ImportJob, ImportRow
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from dangbo.organizations.models import OrgType
from dangbo.reports import services as report_services
from dangbo.reports.models import ExportJob
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes
from tests.paper_helpers import own_rows

# Real commits by another process: a transactional test.
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 12_000  # enough that the commit writes for a while and the export beats twice
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# What the worker itself changes while it runs a job: the job's progress and the task row.
BOOKKEEPING = {"imports_importjob", "reports_exportjob", "django_tasks_database_dbtaskresult"}

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Quang", "Thu", "Đức", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khoa"]
GIVEN += ["Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm"]


def _members_file(rows: int) -> bytes:
    names = itertools.cycle(itertools.product(FAMILY, MIDDLE, GIVEN))
    cells = itertools.cycle(["Chi bộ Văn phòng", "Chi bộ Phòng Nghiệp vụ"])
    content = []
    for n in range(rows):
        family, middle, given = next(names)
        content.append(
            member_row(
                f"{family} {middle} {given}",
                org=next(cells),
                birth=f"{1 + n % 28:02d}/{1 + n % 12:02d}/{1950 + n % 40}",
            )
        )
    return xlsx_bytes(MEMBER_HEADERS, content)


class Worker:
    """`dangbo db_worker` in a subprocess on the test database; killed at the latest when the
    test ends."""

    def __init__(self, url: str, data_dir, log_path):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
        env |= {"DANGBO_DATABASE_URL": url, "DANGBO_DATA_DIR": str(data_dir)}
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dangbo.manage",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "-v",
                "2",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> int:
        """SIGKILL: no handler runs, no transaction commits, no file is closed."""
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_for(condition, what: str, worker: Worker | None = None, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.05)
    log = worker.output() if worker else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{log}")


def writing(url: str) -> bool:
    """Another connection holds an open write transaction (the worker inside its commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            return cursor.fetchone()[0] > 0
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)) as probe:
        probe.isolation_level = None
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        probe.execute("ROLLBACK")
        return False


def steadily(check, times=4, pause=0.05) -> bool:
    """True when `check` stays true for a while (not a writer's brief autocommit update)."""
    for _ in range(times):
        if not check():
            return False
        time.sleep(pause)
    return True


def changed_tables(before: dict, after: dict) -> list[str]:
    return [
        problem
        for problem in backup.compare_stats(before, after)
        if problem.split(":")[0] not in BOOKKEEPING
    ]


def reap_until(reap, settings, what: str) -> int:
    """The jobs are stale after 1 s without heartbeat (DANGBO_STALE_JOB_SECONDS); on
    PostgreSQL the dead worker's transaction must also have ended (its row lock gone)."""
    settings.DANGBO_STALE_JOB_SECONDS = 1
    try:
        return wait_for(reap, what, timeout=60)
    finally:
        settings.DANGBO_STALE_JOB_SECONDS = 15 * 60


def test_a_worker_killed_mid_task_loses_nothing_and_the_retry_completes(
    transactional_db, tmp_path, settings, client, request
):
    if not OrgType.objects.exists():  # an earlier transactional test flushed them
        factories.rerun_data_migrations()
    tree = request.getfixturevalue("tree")
    officer = factories.user("bantochuc", role_code="org_board_officer", on=tree["bloc"])
    url = request.getfixturevalue("worker_database")  # from here on, what the worker opens
    data_dir = tmp_path / "data"
    settings.MEDIA_ROOT = data_dir / "media"
    settings.DANGBO_EXPORTS_DIR = exports = data_dir / "exports"
    workers: list[Worker] = []

    def start_worker() -> Worker:
        worker = Worker(url, data_dir, tmp_path / f"worker-{len(workers) + 1}.log")
        workers.append(worker)
        return worker

    try:
        # ---- an import killed while it writes its rows
        settings.TASKS = IMMEDIATE_TASKS  # the dry run inline: only the commit goes to a worker
        job = import_services.start_import(
            user=officer, root=tree["bloc"], kind="members", uploaded=upload(_members_file(ROWS))
        )
        job = import_services.set_mapping(job, import_services.job_mapping(job), user=officer)
        assert job.state == ImportJob.State.PREVIEWED and job.counts["create"] == ROWS
        settings.TASKS = DATABASE_TASKS
        job = import_services.request_commit(job, user=officer, skip_errors=False)
        before = backup.table_stats()

        worker = start_worker()
        wait_for(  # the worker reports progress (a heartbeat newer than the request's)
            lambda: ImportJob.objects.get(pk=job.pk).heartbeat_at > job.heartbeat_at,
            "import progress",
            worker,
        )
        wait_for(lambda: steadily(lambda: writing(url)), "the import's write transaction", worker)
        if connection.vendor == "postgresql":
            # A live worker's job is never reaped, even without fresh heartbeat: it holds the
            # job's row lock while it writes.
            settings.DANGBO_STALE_JOB_SECONDS = 0
            assert import_services.reap_stale_jobs() == 0
            settings.DANGBO_STALE_JOB_SECONDS = 15 * 60
        assert worker.kill() == -signal.SIGKILL

        assert changed_tables(before, backup.table_stats()) == []
        assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.COMMITTING
        assert reap_until(import_services.reap_stale_jobs, settings, "the import reaped") == 1
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED and job.step == "commit"
        assert "dừng giữa chừng; dữ liệu không thay đổi" in job.error_message
        task_row = DBTaskResult.objects.get(id=job.task_id)
        assert task_row.status == "FAILED"
        assert task_row.exception_class_path == "dangbo.core.jobs.WorkerLost"
        assert changed_tables(before, backup.table_stats()) == []

        # ---- the retry, on a new worker, writes every row once
        job = import_services.retry(job, user=officer)
        worker = start_worker()
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).state != ImportJob.State.COMMITTING,
            "the retried import",
            worker,
        )
        job.refresh_from_db()
        assert job.state == ImportJob.State.COMMITTED, job.error_message
        added = Member.objects.filter(org_path__startswith=tree["bloc"].path).count() - 4
        assert added == ROWS
        assert ImportRow.objects.filter(job=job).count() == ROWS
        assert Placement.objects.count() == before["members_placement"]["rows"] + ROWS
        assert MemberEvent.objects.count() == before["members_memberevent"]["rows"] + ROWS
        assert StatusPeriod.objects.count() == before["members_statusperiod"]["rows"] + 2 * ROWS

        # ---- an export killed while it writes its file
        client.force_login(officer)
        export = report_services.start_member_export(officer, tree["bloc"], timezone.localdate())
        wait_for(
            lambda: ExportJob.objects.get(pk=export.pk).progress_done >= 5000,
            "export progress",
            worker,
        )
        assert worker.kill() == -signal.SIGKILL
        export.refresh_from_db()
        assert export.state == ExportJob.State.RUNNING and export.progress_done < ROWS
        assert not list(exports.glob("xuat-*")), "no finished file may exist"
        download = reverse("reports:export_download", args=[export.pk])
        assert client.get(download).status_code == 404

        def export_reaped():
            page = client.get(reverse("reports:export_job", args=[export.pk]))  # reaps
            return "Tiến trình xuất bị dừng giữa chừng" in page.content.decode()

        reap_until(export_reaped, settings, "the export reaped")
        export.refresh_from_db()
        assert export.state == ExportJob.State.FAILED and export.file_name == ""
        assert not list(exports.iterdir()), "the partial file is removed"
        assert client.get(download).status_code == 404

        # ---- the requester's retry builds a fresh file
        response = client.post(reverse("reports:export_retry", args=[export.pk]))
        assert response.status_code == 302
        worker = start_worker()
        wait_for(
            lambda: (
                ExportJob.objects.get(pk=export.pk).state
                in (ExportJob.State.DONE, ExportJob.State.FAILED)
            ),
            "the retried export",
            worker,
        )
        export.refresh_from_db()
        assert export.state == ExportJob.State.DONE, export.error
        assert export.attempt == 2 and export.progress_done == ROWS + 4
        response = client.get(download)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = own_rows(sheet.active)
        assert len(rows) == 2 + ROWS + 4 and rows[-1][0] == ROWS + 4
        assert [p.name for p in exports.iterdir()] == [export.file_name]
    finally:
        for worker in workers:
            worker.stop()
