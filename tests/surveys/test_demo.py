import pytest
from django.core.management import call_command

from dangbo.surveys import queries
from dangbo.surveys.models import Campaign, Response


@pytest.mark.django_db
def test_demo_campaign_like_seed_004():
    call_command("seed_demo", size="small", seed=2, no_users=True)
    campaign = Campaign.objects.get()
    assert campaign.sample_seed == 2004 and campaign.document is not None
    assert campaign.teams.count() == 10
    assert 1 <= campaign.sample.count() <= 49
    assert campaign.sample.values("org_type").distinct().count() >= 1
    assert any(s.visits.exists() for s in campaign.sample.all())
    assert campaign.teams.filter(visits__meeting__isnull=False).exists()
    assert Response.objects.filter(campaign=campaign, channel="code").count() == 12
    result = queries.results(campaign.versions.get())
    assert result.worked and result.not_worked
    assert campaign.findings.filter(task_id_ref__isnull=False).count() == 1
