"""Abandoned uploads (#22): «Hủy» sets aside an upload never committed (kept, file removed);
uploads never committed expire after the dated parameter imports.upload_expiry_days."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.imports import abandoned, services
from dangbo.imports.models import ImportJob
from tests.imports.helpers import MEMBER_HEADERS, member_row, xlsx_bytes

State = ImportJob.State


def _content(name="Ngô Văn Hủy", number="066666666601"):
    return xlsx_bytes(MEMBER_HEADERS, [member_row(name, id_number=number)])


def test_discard_from_the_list_keeps_the_job_and_removes_the_file(
    client, tree, officer, run_import
):
    job = run_import(officer, tree["bloc"], _content())
    committed = run_import(officer, tree["bloc"], _content("Ngô Văn Ghi", "066666666602"))
    committed = services.request_commit(committed, user=officer, skip_errors=False)
    stored = job.file.name
    assert job.file.storage.exists(stored)
    client.force_login(officer)
    page = client.get(reverse("imports:index")).content.decode()
    assert f'data-discard="{job.pk}"' in page
    assert f'data-discard="{committed.pk}"' not in page

    response = client.post(reverse("imports:discard", args=[job.pk]), {"back": "list"})
    assert response.status_code == 302 and response["Location"] == reverse("imports:index")
    job.refresh_from_db()
    assert job.state == State.DISCARDED and job.discarded_by == officer
    assert not job.file and not job.file.storage.exists(stored)
    assert job.file_name and job.report["counts"]["create"] == 1  # the record stays
    detail = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'id="job-discarded"' in detail and 'id="kept-file"' not in detail

    with pytest.raises(DomainError, match="đã ghi thì hoàn tác"):
        services.discard(committed, user=officer)
    with pytest.raises(DomainError):
        services.request_commit(job, user=officer, skip_errors=False)
    with pytest.raises(DomainError):
        services.discard(job, user=officer)
    assert ImportJob.objects.filter(pk__in=[job.pk, committed.pk]).count() == 2


def test_uncommitted_uploads_expire_after_the_dated_number_of_days(
    client, tree, officer, run_import
):
    old = run_import(officer, tree["bloc"], _content())
    recent = run_import(officer, tree["bloc"], _content("Ngô Văn Mới", "066666666603"))
    done = run_import(officer, tree["bloc"], _content("Ngô Văn Ghi", "066666666604"))
    done = services.request_commit(done, user=officer, skip_errors=False)
    now = timezone.now()
    ImportJob.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=31))
    ImportJob.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(days=12))
    ImportJob.objects.filter(pk=done.pk).update(updated_at=now - timedelta(days=400))

    client.force_login(officer)
    client.get(reverse("imports:index"))  # queues the expiry (run inline in tests)
    states = dict(ImportJob.objects.values_list("pk", "state"))
    assert states[old.pk] == State.DISCARDED
    assert states[recent.pk] == State.PREVIEWED and states[done.pk] == State.COMMITTED
    old.refresh_from_db()
    assert old.discarded_by is None and "30 ngày" in old.error_message

    RuleParameter.objects.create(
        key=abandoned.EXPIRY_KEY, value=10, valid_from=timezone.localdate(), org_path=""
    )
    assert abandoned.expire_abandoned() == 1
    assert ImportJob.objects.get(pk=recent.pk).state == State.DISCARDED
    assert ImportJob.objects.get(pk=done.pk).state == State.COMMITTED


def test_discard_through_the_api(client, tree, officer, run_import):
    job = run_import(officer, tree["bloc"], _content())
    client.force_login(officer)
    response = client.post(f"/api/v1/import-jobs/{job.pk}/discard/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "discarded"


def test_a_busy_job_list_queues_one_expiry_run(tree, officer, run_import, settings):
    """With the database queue, each list load asks for the expiry only while none waits."""
    from django_tasks_db.models import DBTaskResult

    from dangbo.imports import tasks

    job = run_import(officer, tree["bloc"], _content())
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(days=31))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    asked = [abandoned.request_expiry() for _ in range(3)]
    assert asked == [True, False, False]
    waiting = DBTaskResult.objects.filter(
        task_path=tasks.expire_uploads.module_path, status="READY"
    )
    assert waiting.count() == 1
    assert ImportJob.objects.get(pk=job.pk).state == State.PREVIEWED  # the worker's to do
