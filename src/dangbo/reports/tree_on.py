"""The tree as it stood on a report's reference date, for the module reports (catalogue):
each record is placed by its org's path then (`OrgPeriod`, valid time), like member reports."""

from datetime import date

from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length

from dangbo.organizations.models import Organization, OrgPeriod


def reference_date(year: int, today: date) -> date:
    """The day the tree is taken as of for a year's report: its last day, or today."""
    return min(date(year, 12, 31), today)


def org_path_subquery(org_ref: str, on: date):
    """The path of the org `org_ref` (a lookup of its id) on `on`: its latest period begun by
    then (a dissolved org keeps its last path); for records older than the org's first period
    (history entered later) that first period's; an org without periods its current path."""
    periods = OrgPeriod.objects.filter(organization_id=OuterRef(org_ref))
    then = periods.filter(valid_from__lte=on).order_by("-valid_from", "-id").values("path")[:1]
    first = periods.order_by("valid_from", "id").values("path")[:1]
    current = Organization.objects.filter(pk=OuterRef(org_ref)).values("path")[:1]
    return Coalesce(Subquery(then), Subquery(first), Subquery(current), output_field=CharField())


def orgs_maybe_under(org_ref: str, prefix: str) -> Q:
    """An indexed narrowing before the exact placement: the orgs that ever had a path under
    `prefix`, or have no period and are under it now (a superset)."""
    had = OrgPeriod.objects.filter(path__startswith=prefix)
    bare = Organization.objects.filter(path__startswith=prefix, periods__isnull=True)
    return Q(**{f"{org_ref}__in": had.values("organization_id")}) | Q(
        **{f"{org_ref}__in": bare.values("pk")}
    )


def _nearest(periods: list, on: date):
    """The period placing an org on `on` (as `org_path_subquery`): latest begun, else first."""
    begun = [p for p in periods if p.valid_from <= on]
    if begun:
        return max(begun, key=lambda p: (p.valid_from, p.pk))
    return min(periods, key=lambda p: (p.valid_from, p.pk)) if periods else None


def org_path_on(org: Organization, on: date) -> str:
    period = _nearest(list(org.periods.all()), on)
    return period.path if period else org.path


def root_path(root: Organization, year: int, today: date) -> str:
    """The report root's path as the tree stood on the reference date (drill-down paths)."""
    return org_path_on(root, reference_date(year, today))


def _shown(periods: list, since: date, on: date, is_active: bool) -> bool:
    """A child row is shown when the org existed during [since, on], or is active and entered
    only later (its older records are placed at its first path)."""
    if any(p.valid_from <= on and (p.valid_to is None or p.valid_to > since) for p in periods):
        return True
    return is_active and all(p.valid_from > on for p in periods)


def children_on(root: Organization, on: date, since: date) -> list[tuple[str, str, int]]:
    """(path, name, pk) of the root's direct children as placed on `on` (by the same rule as
    the records: `org_path_subquery`), for a report of the period [since, on]; two queries."""
    prefix = org_path_on(root, on)
    width = len(prefix) + Organization.steplen
    candidates = (
        OrgPeriod.objects.alias(path_length=Length("path"))
        .filter(path__startswith=prefix, path_length=width)
        .values("organization_id")
    )
    periods: dict[int, list] = {}
    for period in OrgPeriod.objects.filter(organization_id__in=candidates).select_related(
        "organization"
    ):
        periods.setdefault(period.organization_id, []).append(period)
    rows = set()
    for org_id, mine in periods.items():
        near = _nearest(mine, on)
        active = mine[0].organization.is_active
        if (
            len(near.path) == width
            and near.path.startswith(prefix)
            and _shown(mine, since, on, active)
        ):
            rows.add((near.path, near.name, org_id))
    rows |= set(
        Organization.objects.filter(
            path__startswith=prefix, depth=root.depth + 1, is_active=True, periods__isnull=True
        ).values_list("path", "name", "pk")
    )
    return sorted(rows)
