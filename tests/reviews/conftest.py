from datetime import date

import pytest

from dangbo.reviews import services
from dangbo.reviews.services import ScoreRow

YEAR = 2025


def row(review, total="85", done=True, exceed="40", cell_grade=""):
    """A score row whose five criteria add up to `total` (general 30 max, tasks 70 max)."""
    total = float(total)
    general = min(total, 30.0)
    task = total - general
    scores = {
        "politics": general / 3,
        "ethics": general / 3,
        "discipline": general - 2 * (general / 3),
        "duties": min(task, 50.0),
        "party_tasks": task - min(task, 50.0),
    }
    scores = {k: f"{v:.1f}" for k, v in scores.items()}
    # keep the exact total after rounding
    drift = round(total - sum(float(v) for v in scores.values()), 1)
    scores["politics"] = f"{float(scores['politics']) + drift:.1f}"
    return ScoreRow(review.pk, scores, done, exceed, cell_grade)


def org_row(review, total="85", done=True, exceed="40"):
    """Org criteria: politics 15, organisation 15, leadership 40, inspection 15, mass 15."""
    total = float(total)
    general = min(total, 30.0)
    task = total - general
    scores = {
        "politics": general / 2,
        "organisation": general / 2,
        "leadership": task * 40 / 70,
        "inspection": task * 15 / 70,
        "mass": task * 15 / 70,
    }
    scores = {k: f"{v:.1f}" for k, v in scores.items()}
    drift = round(total - sum(float(v) for v in scores.values()), 1)
    scores["leadership"] = f"{float(scores['leadership']) + drift:.1f}"
    return ScoreRow(review.pk, scores, done, exceed)


@pytest.fixture
def year(tree):
    return services.open_year(
        organization=tree["committee"], year=YEAR, reference_date=date(YEAR, 12, 1)
    )
