from datetime import date

from django.core.management import call_command

from dangbo.demo.inspections import seed_inspections
from dangbo.inspections import queries
from dangbo.inspections.models import Inspection, Programme
from dangbo.organizations.models import Organization


def test_demo_programmes_have_outcomes(db):
    call_command("seed_demo", size="small", seed=3, no_users=True)
    root = Organization.objects.get(depth=1)
    assert Programme.objects.filter(organization=root, body="committee").exists()
    stats = queries.statistics(root.path, 2021, 2025, date(2026, 11, 1))
    figures = {(r["kind"], r["target_kind"]): r["done"] for r in stats.rows}
    assert figures[("inspection", "grassroots")] > 0 and figures[("inspection", "cell")] > 0
    assert stats.totals["violations"] > 0 and stats.remedies["done"] > 0


def test_demo_respects_dates_and_subtrees(tree):
    today = date(2026, 6, 30)
    written = seed_inspections(5, today=today)
    assert written == Inspection.objects.count()
    for inspection in Inspection.objects.select_related("organization", "programme__organization"):
        assert inspection.organization.path.startswith(inspection.programme.organization.path)
        if inspection.status == "concluded":
            assert inspection.concluded_on <= today
        if inspection.planned_start > today:
            assert inspection.status == "planned"
