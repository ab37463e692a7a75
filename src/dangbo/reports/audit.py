from auditlog.registry import auditlog

from dangbo.reports.models import ExportJob, ReportSnapshot

auditlog.register(ReportSnapshot)
auditlog.register(ExportJob, exclude_fields=["progress_done", "progress_total", "heartbeat_at"])
