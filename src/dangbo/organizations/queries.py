"""Read-side helpers for the tree: member counts per node in one aggregate query."""

from django.db.models import Count
from django.db.models.functions import Substr

from dangbo.organizations.models import Organization

ACTIVE = ("probationary", "official")


def member_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    """Active members under each child of `parent_path`: one GROUP BY over a prefix range."""
    if not child_paths:
        return {}
    member_model = Organization.members.field.model
    width = len(parent_path) + Organization.steplen
    rows = (
        member_model.objects.filter(org_path__startswith=parent_path, status__in=ACTIVE)
        .annotate(child_path=Substr("org_path", 1, width))
        .values("child_path")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts = {row["child_path"]: row["total"] for row in rows}
    return {path: counts.get(path, 0) for path in child_paths}


def member_counts_for_nodes(paths: list[str]) -> dict[str, int]:
    """Active members under each of several unrelated nodes (the user's top nodes)."""
    member_model = Organization.members.field.model
    return {
        path: member_model.objects.filter(org_path__startswith=path, status__in=ACTIVE).count()
        for path in paths
    }
