from django.core.management import call_command
from django.utils import timezone

from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from dangbo.transfers.models import Transfer


def test_demo_has_files_at_every_stage_some_overdue(db):
    call_command("seed_demo", size="small", seed=2, no_users=True)
    stages = set(AdmissionFile.objects.values_list("stage", flat=True))
    assert stages >= set(Stage.ORDER) - {Stage.NOT_RECOGNISED}
    today = timezone.localdate()
    overdue = AdmissionFile.objects.exclude(stage__in=Stage.FINAL).filter(next_deadline__lt=today)
    assert overdue.count() >= 2
    assert Transfer.objects.filter(rejoin_by__lt=today).exists()
