"""Background exports and recounts (django-tasks; `dangbo db_worker` runs them)."""

from django_tasks import task

from dangbo.reports import services


@task()
def run_export(job_id: int, attempt: int | None = None) -> None:
    """Build one attempt's file of an export job (dangbo.reports.services.run_export)."""
    services.run_export(job_id, attempt)


@task()
def refresh_summaries() -> None:
    from dangbo.reports import summaries

    summaries.refresh()


@task()
def recount(dates: list[str] | None = None) -> int:
    """Recount the derived report counts that are missing or stale (reports.upkeep)."""
    from dangbo.reports import upkeep

    return upkeep.recount(dates)
