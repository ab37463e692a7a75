"""Read-side helpers for the tree: member counts per node in one aggregate query.

Counts come from the members' per-ancestor summary while it is complete (a few rows per node,
exact), else from one GROUP BY over the members' copied org paths. The summary is reached
through the reverse relation, so organizations never imports members.
"""

from django.db.models import Count
from django.db.models.functions import Substr

from dangbo.organizations.models import Organization

ACTIVE = ("probationary", "official")


def _member_model():
    return Organization.members.field.model


def _summary_model():
    return Organization.member_summary.field.model


def summary_state():
    """When the member summary was rebuilt and last changed, or None if it is not in use."""
    return _summary_model().fresh_state()


def member_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    """Active members under each child of `parent_path`."""
    if not child_paths:
        return {}
    counts = _summary_model().subtree_counts(child_paths, ACTIVE)
    if counts is not None:
        return counts
    return live_member_counts_by_child(parent_path, child_paths)


def live_member_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    """The same, counted from the register: one GROUP BY over a prefix range."""
    width = len(parent_path) + Organization.steplen
    rows = (
        _member_model()
        .objects.filter(org_path__startswith=parent_path, status__in=ACTIVE)
        .annotate(child_path=Substr("org_path", 1, width))
        .values("child_path")
        .annotate(total=Count("id"))
        .order_by()
    )
    counts = {row["child_path"]: row["total"] for row in rows}
    return {path: counts.get(path, 0) for path in child_paths}


def member_counts_for_nodes(paths: list[str]) -> dict[str, int]:
    """Active members under each of several unrelated nodes (the user's top nodes)."""
    counts = _summary_model().subtree_counts(paths, ACTIVE)
    if counts is not None:
        return counts
    member_model = _member_model()
    return {
        path: member_model.objects.filter(org_path__startswith=path, status__in=ACTIVE).count()
        for path in paths
    }
