from auditlog.registry import auditlog

from dangbo.inspections.models import (
    Appeal,
    Case,
    Complaint,
    Document,
    Inspection,
    OrgDiscipline,
    Programme,
    Remedy,
    RemedyUpdate,
)

for model in (
    Complaint,
    Programme,
    Inspection,
    Document,
    Remedy,
    RemedyUpdate,
    Case,
    OrgDiscipline,
    Appeal,
):
    auditlog.register(model)
