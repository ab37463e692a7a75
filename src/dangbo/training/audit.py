from auditlog.registry import auditlog

from dangbo.training.models import Enrolment, TrainingClass

auditlog.register(TrainingClass)
auditlog.register(Enrolment, mask_fields=["id_number"])
