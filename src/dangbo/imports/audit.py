from auditlog.registry import auditlog

from dangbo.imports.models import DataExport, ImportJob, ImportRow

auditlog.register(
    ImportJob, exclude_fields=["progress_done", "progress_total", "heartbeat_at", "updated_at"]
)
auditlog.register(DataExport)
auditlog.register(ImportRow)
