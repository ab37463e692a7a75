from auditlog.registry import auditlog

from dangbo.dues.models import (
    DuesRate,
    IncomeBasis,
    LedgerEntry,
    RegionalMinimumWage,
    Remittance,
    RemittanceRule,
)

for model in (DuesRate, RegionalMinimumWage, RemittanceRule, IncomeBasis, LedgerEntry, Remittance):
    auditlog.register(model)
