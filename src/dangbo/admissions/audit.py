from auditlog.registry import auditlog

from dangbo.admissions.models import (
    AdmissionFile,
    AdmissionStep,
    AdmissionTarget,
    AdmissionTermTarget,
)

auditlog.register(AdmissionFile, exclude_fields=["name_search", "updated_at"])
auditlog.register(AdmissionStep)
auditlog.register(AdmissionTarget)
auditlog.register(AdmissionTermTarget)
