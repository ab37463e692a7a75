from auditlog.registry import auditlog

from dangbo.transfers.models import Transfer, TransferEvent

auditlog.register(Transfer)
auditlog.register(TransferEvent)
