from auditlog.registry import auditlog

from dangbo.programmes.models import (
    Commitment,
    CommitmentItem,
    Document,
    Programme,
    ProgrammeItem,
    ProgressReport,
    Task,
)

auditlog.register(Document, exclude_fields=["search", "number_key", "updated_at"])
auditlog.register(Programme)
auditlog.register(ProgrammeItem, exclude_fields=["search", "updated_at"])
auditlog.register(Task)
auditlog.register(ProgressReport)
auditlog.register(Commitment)
auditlog.register(CommitmentItem)
