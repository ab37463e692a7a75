"""Background jobs whose worker died: found by their heartbeat, marked failed, never half-done.

An app's long job (an import step, a background export) is a row with a `state`, a
`heartbeat_at` the worker refreshes while it works and the `task_id` of its django-tasks task.
A worker killed mid-task (SIGKILL, out of memory, a node lost) leaves that row "running" for
good, and its django-tasks row (`DBTaskResult`) RUNNING too: django-tasks-db has no timeout or
lost-worker detection (upstream issue RealOrangeOne/django-tasks-db#5, open). So:

- each app registers its job model here (`register(JobKind(...))` from `AppConfig.ready()`);
- `reap()` marks failed the jobs of a kind that have sent no heartbeat for
  `DANGBO_STALE_JOB_SECONDS` (default 15 minutes), with the app's Vietnamese message, and
  marks their task rows FAILED through django-tasks-db's own `DBTaskResult.set_failed` (so
  its `prune_db_task_results` cleans them up later);
- on PostgreSQL a job row locked by a live worker (an import writing inside its one
  transaction holds `SELECT … FOR UPDATE` on it) is skipped whatever its heartbeat says: the
  lock disappears with the dead worker's connection. On SQLite the writer holds the database
  lock, so the reaper cannot run before the write ends;
- the job pages reap lazily when shown; `dangbo reap_stale_jobs` reaps every kind (cron, or
  by hand after a crash) and also fails task rows RUNNING for longer than
  `DANGBO_TASK_LOST_AFTER_SECONDS` that belong to no job.

Nothing is rolled forward: the data a job writes is written in one transaction (imports) or
to a temporary file renamed on success (exports), so a failed job has written nothing visible
and its "Thử lại" (retry) starts it over.
"""

import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, router, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded on a task row whose worker stopped without finishing it."""


@dataclass(frozen=True)
class JobKind:
    """A model of background jobs: which states mean "a worker is on it", what a reaped job
    becomes, and the field and text of its error message."""

    name: str
    model: type
    running_states: tuple
    failed_state: str
    message_field: str
    message: str
    on_reaped: Callable[[list[int]], None] | None = None


_kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> list[JobKind]:
    return [_kinds[name] for name in sorted(_kinds)]


def stale_after() -> timedelta:
    return timedelta(seconds=settings.DANGBO_STALE_JOB_SECONDS)


def stale(kind: JobKind, now=None):
    """The kind's running jobs whose last heartbeat is older than the threshold."""
    cutoff = (now or timezone.now()) - stale_after()
    primary = router.db_for_write(kind.model)  # never a replica (reports read from one)
    return kind.model._base_manager.using(primary).filter(
        state__in=kind.running_states, heartbeat_at__lt=cutoff
    )


def reap(kind: JobKind) -> int:
    """Mark failed the kind's jobs whose worker died; returns how many."""
    now = timezone.now()
    candidates = stale(kind, now)
    if not candidates.exists():  # a read: never waits for SQLite's write lock
        return 0
    try:
        with transaction.atomic(using=candidates.db):
            rows = list(candidates.select_for_update(skip_locked=True).values_list("pk", "task_id"))
            ids = [pk for pk, _task in rows]
            reaped = (
                stale(kind, now)
                .filter(pk__in=ids)
                .update(
                    state=kind.failed_state, heartbeat_at=now, **{kind.message_field: kind.message}
                )
            )
            fail_tasks([task for _pk, task in rows if task], kind.message)
    except OperationalError as error:  # SQLite: another process holds the write lock
        log.warning("could not reap stale %s jobs now: %s", kind.name, error)
        return 0
    if reaped:
        log.warning("marked %d %s job(s) failed: no heartbeat", reaped, kind.name)
        if kind.on_reaped:
            kind.on_reaped(ids)
    return reaped


def _task_model():
    try:
        return apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return None


def waiting_args(task, limit: int = 20) -> list[list] | None:
    """The arguments of `task`'s runs queued and not yet started, so a caller can skip asking
    again; None when tasks do not go to the database queue (the inline backend of tests runs
    them at once)."""
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus

    model = _task_model()
    if model is None or type(task_backends["default"]).__module__.split(".")[0] != (
        "django_tasks_db"
    ):
        return None
    queued = model.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    return [row.get("args") or [] for row in queued.values_list("args_kwargs", flat=True)[:limit]]


def fail_tasks(task_ids: list[str], message: str) -> int:
    """Mark the django-tasks rows of these ids FAILED if still RUNNING (the library's own
    `set_failed`, which records the exception class and text)."""
    model = _task_model()
    ids = [task_id for task_id in task_ids if _is_uuid(task_id)]  # other backends' ids: skip
    if model is None or not ids:
        return 0
    lost = list(model.objects.using(router.db_for_write(model)).running().filter(id__in=ids))
    for result in lost:
        result.set_failed(WorkerLost(message))
    return len(lost)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def fail_lost_tasks() -> int:
    """Task rows RUNNING for longer than DANGBO_TASK_LOST_AFTER_SECONDS (tasks without a job
    heartbeat, e.g. the summary refresh): their worker is gone."""
    model = _task_model()
    if model is None:
        return 0
    cutoff = timezone.now() - timedelta(seconds=settings.DANGBO_TASK_LOST_AFTER_SECONDS)
    running = model.objects.using(router.db_for_write(model)).running()
    ids = list(running.filter(started_at__lt=cutoff).values_list("id", flat=True))
    return fail_tasks(ids, "Tiến trình chạy nền đã dừng giữa chừng (quá thời gian cho phép).")


def remove_stale_temp_files() -> int:
    """Work files of spreadsheet writers killed mid-export: openpyxl deletes its temporary
    sheet files at exit, which a SIGKILL skips. A file untouched for four times the job
    threshold belongs to no live export (a writer appends to its files as it goes)."""
    cutoff = time.time() - 4 * stale_after().total_seconds()
    removed = 0
    for path in Path(tempfile.gettempdir()).glob("openpyxl.*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its own process
            continue
    return removed


def reap_all() -> dict[str, int]:
    """Every registered kind, then the task rows that belong to no job, then the temporary
    files dead exports left behind."""
    counts = {kind.name: reap(kind) for kind in kinds()}
    counts["tasks"] = fail_lost_tasks()
    counts["temp_files"] = remove_stale_temp_files()
    return counts
