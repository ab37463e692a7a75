"""Background steps of an import (django-tasks; `dangbo db_worker` runs them)."""

from django_tasks import task

from dangbo.core import hooks
from dangbo.imports import services


@task()
def run_import_step(job_id: int, step: str) -> None:
    """Check, commit or roll back one import; progress and outcome are kept on the job."""
    services.run_step(job_id, step)
    if step in ("commit", "rollback"):  # many members may have changed: derived counts too
        hooks.register_changed.send(sender=run_import_step)


@task()
def expire_uploads() -> int:
    """Set aside uploads never committed within imports.upload_expiry_days (#22)."""
    from dangbo.imports import abandoned

    return abandoned.expire_abandoned()
