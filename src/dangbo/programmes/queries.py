"""Read side: roll-ups of programme items and document counts, each one aggregate query."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr

from dangbo.programmes import rules
from dangbo.programmes.models import DocType, Document, ProgrammeItem, ProgressReport


def _progress_expression(on: date | None):
    """A leaf's progress: its latest state, or its latest report on or before `on`."""
    if on is None:
        return F("progress")
    latest = (
        ProgressReport.objects.filter(item=OuterRef("pk"), reported_on__lte=on)
        .order_by("-reported_on", "-id")
        .values("percent")[:1]
    )
    return Coalesce(Subquery(latest, output_field=IntegerField()), Value(0))


def item_rollups(
    programme_id: int,
    root_path: str = "",
    *,
    on: date,
    as_of: bool = False,
    levels: int = rules.MAX_DEPTH,
) -> dict[str, rules.Rollup]:
    """Roll-up of every node at or below `root_path` in a programme, keyed by item path.

    One SQL statement: for each level k, the leaves grouped by their k-level ancestor's path
    (an equi-grouping on a prefix, no join), the levels glued with UNION ALL. With
    `as_of=True` a leaf's progress is its latest report on or before `on` and only items that
    existed then count; otherwise the current state is used and `on` dates the overdue flag.
    `levels` limits the nodes returned to that many levels from the root (the screens show
    two or three; the summary needs one).
    """
    leaves = ProgrammeItem.objects.filter(
        programme_id=programme_id, numchild=0, cancelled_on__isnull=True
    )
    if root_path:
        leaves = leaves.filter(path__startswith=root_path)
    if as_of:
        leaves = leaves.filter(created_at__date__lte=on)
    leaves = leaves.annotate(p=_progress_expression(on if as_of else None))
    first_level = max(len(root_path) // rules.STEPLEN, 1)
    last_level = min(first_level + levels - 1, rules.MAX_DEPTH)
    parts = []
    for level in range(first_level, last_level + 1):
        parts.append(
            leaves.filter(depth__gte=level)
            .annotate(node=Substr("path", 1, level * rules.STEPLEN))
            .values("node")
            .annotate(
                weighted=Sum(F("weight") * F("p")),
                total_weight=Sum("weight"),
                leaves=Count("id"),
                done=Count("id", filter=Q(p__gte=100)),
                overdue=Count("id", filter=Q(p__lt=100, due_on__lt=on)),
            )
            .values_list("node", "weighted", "total_weight", "leaves", "done", "overdue")
            .order_by()
        )
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {
        node: rules.Rollup(int(weighted or 0), int(weight or 0), leaves, done, overdue)
        for node, weighted, weight, leaves, done, overdue in query
    }


def programme_summary(programme, *, on: date, as_of: bool = False, levels: int = 1) -> dict:
    """'x of y items done', overall %, overdue leaves: for the whole programme at a date
    (with the roll-ups of the first `levels` levels, for the tree screen)."""
    rollups = item_rollups(programme.pk, on=on, as_of=as_of, levels=levels)
    top = [r for path, r in rollups.items() if len(path) == rules.STEPLEN]
    done, total = rules.done_summary(top)
    overall = rules.combine(top)
    return {
        "done": done,
        "total": total,
        "percent": overall.percent,
        "overdue": overall.overdue,
        "leaves": overall.leaves,
        "leaves_done": overall.done,
        "rollups": rollups,
    }


# --- documents ------------------------------------------------------------------------------

DOC_TYPES = list(DocType)


def document_counts(queryset) -> dict[str, int]:
    """Counts by type over an already filtered (restricted) queryset: one GROUP BY."""
    rows = queryset.order_by().values("doc_type").annotate(n=Count("id"))
    counts = {row["doc_type"]: row["n"] for row in rows}
    return {t.value: counts.get(t.value, 0) for t in DOC_TYPES}


def document_count_table(org, start: date | None, end: date | None, base=None):
    """Rows: the org itself (documents it issued) and each direct child's subtree; columns:
    document types. One GROUP BY on the issuer's path cut at the child level."""
    from dangbo.organizations.models import Organization

    base = Document.objects.all() if base is None else base
    docs = base.filter(organization__path__startswith=org.path)
    if start:
        docs = docs.filter(issued_on__gte=start)
    if end:
        docs = docs.filter(issued_on__lte=end)
    width = len(org.path) + Organization.steplen
    grouped = (
        docs.annotate(branch=Substr("organization__path", 1, width))
        .values("branch", "doc_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells: dict[tuple[str, str], int] = {}
    for row in grouped:
        cells[(row["branch"], row["doc_type"])] = row["n"]
    children = list(
        Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).only(
            "name", "path"
        )
    )
    rows = [(f"{org.name} (trực tiếp ban hành)", org.path, None)]
    rows += [(c.name, c.path, c.pk) for c in children]
    table = []
    for label, path, pk in rows:
        counts = [cells.get((path, t.value), 0) for t in DOC_TYPES]
        if path != org.path and not any(counts):
            continue
        table.append({"label": label, "counts": counts, "total": sum(counts), "org_id": pk})
    totals = [sum(r["counts"][i] for r in table) for i in range(len(DOC_TYPES))]
    return {
        "types": DOC_TYPES,
        "rows": table,
        "totals": totals,
        "grand_total": sum(totals),
    }
