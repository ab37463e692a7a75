"""The per-ancestor member summary (OrgMemberSummary): exact counts of every org's subtree by
status and gender, so national dashboards read ~1k rows instead of scanning millions.

Exactness: every change of a member's (org path, status, gender) goes through
`record_change`/`apply_deltas` — `Member.save` calls it, and the services that move members with
`QuerySet.update` (placements, subtree moves) pass their deltas. Code that writes members in
bulk any other way must call `invalidate()` (readers then fall back to live queries until
`rebuild()`). While the summary is not complete nothing maintains or reads it.
"""

from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.utils import timezone

from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member, MemberSummaryState, OrgMemberSummary
from dangbo.organizations.models import Organization

STEP = Organization.steplen
TABLE = OrgMemberSummary._meta.db_table


def state() -> MemberSummaryState | None:
    """The freshness record, or None while the summary is incomplete (never built, or
    invalidated by a bulk write)."""
    return OrgMemberSummary.fresh_state()


def ancestor_paths(path: str) -> list[str]:
    """The path of every org from the root down to (and including) the org at `path`."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def invalidate() -> None:
    """Mark the summary incomplete (after a bulk write that bypassed the deltas)."""
    MemberSummaryState.objects.filter(pk=1).delete()


@transaction.atomic
def rebuild() -> MemberSummaryState:
    """Recount everything from the register: one grouped equi-join per tree level."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Writers wait for the rebuild; readers keep reading the previous summary.
            cursor.execute(f"LOCK TABLE {Member._meta.db_table} IN SHARE MODE")
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # hash aggregates, not sorts
    OrgMemberSummary.objects.all().delete()
    max_depth = Organization.objects.order_by("-depth").values_list("depth", flat=True).first()
    member_table = Member._meta.db_table
    org_table = Organization._meta.db_table
    with connection.cursor() as cursor:
        for depth in range(1, (max_depth or 0) + 1):
            cursor.execute(
                f"""INSERT INTO {TABLE} (organization_id, status, gender, members)
                    SELECT o.id, a.status, a.gender, a.n
                    FROM (SELECT SUBSTR(org_path, 1, %s) AS prefix, status, gender,
                                 COUNT(*) AS n
                          FROM {member_table}
                          WHERE LENGTH(org_path) >= %s
                          GROUP BY SUBSTR(org_path, 1, %s), status, gender) a
                    JOIN {org_table} o ON o.path = a.prefix
                    WHERE o.depth = %s""",
                [depth * STEP, depth * STEP, depth * STEP, depth],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")  # fresh statistics: the planner hash-joins it
    now = timezone.now()
    total = Member.objects.count()
    MemberSummaryState.objects.update_or_create(
        pk=1, defaults=dict(rebuilt_at=now, rebuilt_members=total, changed_at=now)
    )
    return MemberSummaryState.objects.get(pk=1)


def record_change(old: tuple | None, new: tuple | None) -> None:
    """One member's (org_path, status, gender) went from `old` to `new` (None: absent)."""
    deltas: dict[tuple, int] = defaultdict(int)
    if old is not None:
        deltas[tuple(old)] -= 1
    if new is not None:
        deltas[tuple(new)] += 1
    apply_deltas(deltas)


def deltas_for_move(member_ids, new_path: str) -> dict[tuple, int]:
    """The deltas of moving these members to the org at `new_path` (before the update)."""
    deltas: dict[tuple, int] = defaultdict(int)
    if state() is None:
        return deltas
    rows = (
        Member.objects.filter(pk__in=member_ids)
        .values_list("org_path", "status", "gender")
        .annotate(n=Count("id"))
        .order_by()
    )
    for path, status, gender, n in rows:
        deltas[(path, status, gender)] -= n
        deltas[(new_path, status, gender)] += n
    return deltas


def apply_deltas(deltas: dict[tuple, int]) -> None:
    """Add each delta of members at (org path, status, gender) to every ancestor's row."""
    deltas = {key: n for key, n in deltas.items() if n}
    if not deltas or state() is None:
        return
    paths = {p for (path, _s, _g) in deltas for p in ancestor_paths(path)}
    ids = dict(Organization.objects.filter(path__in=paths).values_list("path", "pk"))
    per_org: dict[tuple, int] = defaultdict(int)
    for (path, status, gender), n in deltas.items():
        for ancestor in ancestor_paths(path):
            per_org[(ids[ancestor], status, gender)] += n
    # Group rows that get the same change: one UPDATE per (status, gender, delta).
    groups: dict[tuple, list[int]] = defaultdict(list)
    for (org_id, status, gender), n in per_org.items():
        if n:
            groups[(status, gender, n)].append(org_id)
    for (status, gender, n), org_ids in groups.items():
        _add(org_ids, status, gender, n)
    MemberSummaryState.objects.filter(pk=1).update(changed_at=timezone.now())


def _add(org_ids: list[int], status: str, gender: str, n: int) -> None:
    rows = OrgMemberSummary.objects.filter(
        organization_id__in=org_ids, status=status, gender=gender
    )
    if rows.update(members=F("members") + n) == len(org_ids):
        return
    present = set(rows.values_list("organization_id", flat=True))
    for org_id in org_ids:
        if org_id in present:
            continue
        try:
            with transaction.atomic():
                OrgMemberSummary.objects.create(
                    organization_id=org_id, status=status, gender=gender, members=n
                )
        except IntegrityError:  # created meanwhile by a concurrent change
            OrgMemberSummary.objects.filter(
                organization_id=org_id, status=status, gender=gender
            ).update(members=F("members") + n)


def shift_subtree(old_prefix: str, new_prefix: str) -> None:
    """A subtree moved from `old_prefix` to `new_prefix` (org paths already updated): its own
    rows stay; the old ancestors lose its totals and the new ancestors gain them."""
    if state() is None:
        return
    root = Organization.objects.filter(path=new_prefix).values_list("pk", flat=True).first()
    totals = OrgMemberSummary.objects.filter(organization_id=root).values_list(
        "status", "gender", "members"
    )
    old_ancestors = set(ancestor_paths(old_prefix)[:-1])
    new_ancestors = set(ancestor_paths(new_prefix)[:-1])
    ids = dict(
        Organization.objects.filter(path__in=old_ancestors | new_ancestors).values_list(
            "path", "pk"
        )
    )
    lose = [ids[p] for p in old_ancestors - new_ancestors]
    gain = [ids[p] for p in new_ancestors - old_ancestors]
    for status, gender, n in totals:
        if not n:
            continue
        if lose:
            _add(lose, status, gender, -n)
        if gain:
            _add(gain, status, gender, n)
    MemberSummaryState.objects.filter(pk=1).update(changed_at=timezone.now())


def counts(paths: list[str], statuses=None, gender: str | None = None) -> dict[str, int] | None:
    """Members under each org path from the summary; None while it is incomplete."""
    return OrgMemberSummary.subtree_counts(paths, statuses, gender)


def live_counts(paths: list[str], statuses=None, gender: str | None = None) -> dict[str, int]:
    """The same counts straight from the register (for checks and as the fallback)."""
    result = {}
    for path in paths:
        rows = Member.objects.filter(org_path__startswith=path)
        if statuses:
            rows = rows.filter(status__in=list(statuses))
        if gender:
            rows = rows.filter(gender=gender)
        result[path] = rows.count()
    return result


def active_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    """Active members under each child of `parent_path` (the org tree's counts): from the
    summary while it is complete, else `live_active_counts_by_child`."""
    if not child_paths:
        return {}
    found = counts(child_paths, ACTIVE_STATUSES)
    if found is not None:
        return found
    return live_active_counts_by_child(parent_path, child_paths)


def live_active_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    """The same, counted from the register: one GROUP BY over a prefix range."""
    width = len(parent_path) + STEP
    rows = (
        Member.objects.filter(org_path__startswith=parent_path, status__in=ACTIVE_STATUSES)
        .annotate(child_path=Substr("org_path", 1, width))
        .values("child_path")
        .annotate(total=Count("id"))
        .order_by()
    )
    found = {row["child_path"]: row["total"] for row in rows}
    return {path: found.get(path, 0) for path in child_paths}


def active_counts(paths: list[str]) -> dict[str, int]:
    """Active members under each of several unrelated nodes (a user's top nodes): from the
    summary while it is complete, else one count per node."""
    found = counts(paths, ACTIVE_STATUSES)
    if found is not None:
        return found
    return live_counts(paths, ACTIVE_STATUSES)


# Filters of the member list the summary can answer (anything else needs a live count).
SUMMARY_FILTERS = {"org", "status", "gender"}


def list_count(reach: list[str] | None, org_path: str | None, data: dict) -> int | None:
    """Exact number of rows of the member list from the summary, or None if it can't say.

    `reach`: the user's minimal subtree prefixes (None: everything); `org_path`: the subtree
    chosen in the filter; `data`: the filter's cleaned data."""
    if any(value for key, value in data.items() if key not in SUMMARY_FILTERS):
        return None
    if org_path is None:
        prefixes = reach
    elif reach is None or any(org_path.startswith(r) for r in reach):
        prefixes = [org_path]
    else:
        prefixes = [r for r in reach if r.startswith(org_path)]
    if prefixes is None:
        prefixes = list(Organization.objects.filter(depth=1).values_list("path", flat=True))
    if not prefixes:
        return 0
    totals = counts(prefixes, data.get("status") or None, data.get("gender") or None)
    return None if totals is None else sum(totals.values())
