"""Uploads never committed: discarded by hand («Hủy») or after a dated number of days (#22).

A discarded job is kept (its row, mapping, report and who discarded it); only its uploaded
file is removed, since nothing was ever written from it. An import that was committed is
never discarded: it is rolled back instead.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dangbo.core import jobs as core_jobs
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.imports.access import check_can_import
from dangbo.imports.models import ImportJob

State = ImportJob.State
EXPIRY_KEY = "imports.upload_expiry_days"
DEFAULT_EXPIRY_DAYS = 30
EXPIRED_MESSAGE = "Tự hủy: tệp tải lên không được ghi sau {days} ngày."


def discardable():
    """Jobs that wrote nothing and are not running: waiting for a mapping, previewed, or
    failed while checking or writing (a failed commit wrote nothing)."""
    return ImportJob.objects.filter(state__in=(State.MAPPING, State.PREVIEWED)) | (
        ImportJob.objects.filter(state=State.FAILED, step__in=("", "validate", "commit"))
    )


def may_discard(job: ImportJob) -> bool:
    return discardable().filter(pk=job.pk).exists()


def discard(job: ImportJob, *, user) -> ImportJob:
    check_can_import(user, job.organization, job.kind)
    if not may_discard(job):
        raise DomainError(
            "Chỉ hủy được lần nhập chưa ghi và không đang chạy; lần nhập đã ghi thì hoàn tác.",
            "state",
        )
    _set_aside(job.pk, user=user, message="")
    job.refresh_from_db()
    return job


def _set_aside(job_id: int, *, user, message: str) -> bool:
    """Mark one job discarded (if still discardable) and remove its uploaded file."""
    with transaction.atomic():
        job = discardable().select_for_update().filter(pk=job_id).first()
        if job is None:
            return False
        stored = job.file.name
        job.state = State.DISCARDED
        job.discarded_by = user
        job.discarded_at = timezone.now()
        job.error_message = message
        job.file = ""
        job.save(
            update_fields=[
                "state",
                "discarded_by",
                "discarded_at",
                "error_message",
                "file",
                "updated_at",
            ]
        )
    if stored:
        job.file.storage.delete(stored)
    return True


def expiry_days(on) -> int:
    return int(RuleParameter.value_on(EXPIRY_KEY, on, default=DEFAULT_EXPIRY_DAYS))


def expired(now=None):
    """Discardable jobs untouched for longer than the expiry rule in force today."""
    now = now or timezone.now()
    days = expiry_days(timezone.localdate(now))
    return discardable().filter(updated_at__lt=now - timedelta(days=days)), days


def expire_abandoned(now=None) -> int:
    """Worker side: set aside every expired upload. Returns how many."""
    jobs, days = expired(now)
    message = EXPIRED_MESSAGE.format(days=days)
    return sum(
        _set_aside(pk, user=None, message=message) for pk in jobs.values_list("pk", flat=True)
    )


def request_expiry() -> bool:
    """On the job list: queue the expiry in the task worker when something has expired."""
    from dangbo.imports import tasks

    expired_jobs, _days = expired()
    if core_jobs.waiting_args(tasks.expire_uploads) or not expired_jobs.exists():
        return False  # one queued run sets aside every expired upload
    tasks.expire_uploads.enqueue()
    return True
