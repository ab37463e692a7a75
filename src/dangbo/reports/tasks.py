"""Background exports (django-tasks; `dangbo db_worker` runs them)."""

from django_tasks import task

from dangbo.reports import services


@task()
def run_export(job_id: int) -> None:
    services.run_export(job_id)


@task()
def refresh_summaries() -> None:
    from dangbo.reports import summaries

    summaries.refresh()
