"""Home dashboard card: running campaigns in the user's reach with the questionnaires in."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangbo.core import hooks
from dangbo.surveys import rules
from dangbo.surveys.models import Campaign


def running_campaigns(request):
    """Campaigns still collecting today (one whose end date has passed is not)."""
    campaigns = (
        Campaign.objects.restrict(request.user, "view")
        .in_phase(rules.RUNNING, timezone.localdate())
        .annotate(n=Count("responses"))
        .order_by("-starts_on", "-id")[:5]
    )
    rows = [
        {"label": c.title, "value": f"{c.n} phiếu", "url": c.get_absolute_url()} for c in campaigns
    ]
    if not rows:
        return None
    return {"rows": rows, "more_url": reverse("surveys:index") + "?status=running"}


hooks.register_widget(
    hooks.Widget(
        key="surveys.running",
        title="Khảo sát đang thu phiếu",
        template="core/_widget_rows.html",
        render=running_campaigns,
        order=60,
        permission="surveys.view",
    )
)
