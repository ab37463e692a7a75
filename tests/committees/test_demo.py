"""The demo committees: two terms, elections that follow the rules, posts on dates."""

from datetime import date

import pytest
from django.core.management import call_command

from dangbo.committees import queries, rules
from dangbo.committees.models import Candidate, Congress, PlanningCandidate, PostPeriod, Term
from dangbo.organizations.models import Organization


@pytest.mark.django_db
def test_seed_demo_writes_two_terms_and_committees():
    call_command("seed_demo", size="small", seed=3, no_users=True)
    assert Congress.objects.filter(held_on__year=2020).count() > 10
    assert Congress.objects.filter(held_on__year=2025).exists()
    for candidate in Candidate.objects.select_related("election")[:500]:
        voters = candidate.election.voters
        assert candidate.elected == rules.passes(
            candidate.votes, voters, rules.parse_fraction("1/2")
        )
    root = Organization.objects.get(depth=1)
    first = Term.objects.filter(organization=root).order_by("starts_on").first()
    assert queries.committee_on(root, first.starts_on)
    assert PostPeriod.objects.filter(end_kind="term_ended").exists()
    assert PlanningCandidate.objects.exists()
    statuses = {
        row.status for row in queries.schedule(Organization.objects.all(), date(2026, 11, 1))
    }
    assert "ok" in statuses
