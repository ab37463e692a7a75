"""Statistics per subtree and period: each figure is one aggregate query over a path prefix."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from dangbo.inspections.models import (
    Case,
    Complaint,
    Inspection,
    InspectionStatus,
    Kind,
    OrgDiscipline,
    OrgDisciplineForm,
    Remedy,
    TargetKind,
)
from dangbo.members.choices import DisciplineForm
from dangbo.members.models import Discipline


@dataclass
class Statistics:
    rows: list[dict] = field(default_factory=list)  # per kind × target kind
    totals: dict = field(default_factory=dict)
    remedies: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    complaints: dict = field(default_factory=dict)
    member_discipline: list[tuple[str, str, int]] = field(default_factory=list)
    org_discipline: list[tuple[str, str, int]] = field(default_factory=list)


def _inspection_rows(inspections) -> tuple[list[dict], dict]:
    """Planned, done and with violations per kind × target kind, and their totals."""
    counts = {
        (row["kind"], row["target_kind"]): row
        for row in inspections.values("kind", "target_kind")
        .annotate(
            planned=Count("id", filter=~Q(status=InspectionStatus.CANCELLED)),
            done=Count("id", filter=Q(status=InspectionStatus.CONCLUDED)),
            violations=Count("id", filter=Q(violations_found=True)),
        )
        .order_by()
    }
    rows = []
    totals = dict(planned=0, done=0, violations=0)
    for kind, kind_label in Kind.choices:
        for target, target_label in TargetKind.choices:
            row = counts.get((kind, target), {})
            figures = {key: row.get(key, 0) for key in totals}
            for key, value in figures.items():
                totals[key] += value
            rows.append(
                dict(
                    kind=kind,
                    kind_label=kind_label,
                    target_kind=target,
                    target_label=target_label,
                    **figures,
                )
            )
    return rows, totals


def _by_form(queryset, choices) -> list[tuple[str, str, int]]:
    """(code, label, count) of the unannulled disciplines of `queryset` for every form."""
    forms = dict(
        queryset.filter(annulled_on__isnull=True)
        .values_list("form")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(code, label, forms.get(code, 0)) for code, label in choices]


def statistics(root_path: str, year_from: int, year_to: int, today: date) -> Statistics:
    """Inspections by kind and target, violations, remedies, cases and discipline by form for
    the subtree at `root_path` in the years [year_from, year_to]."""
    start, end = date(year_from, 1, 1), date(year_to, 12, 31)
    inspections = Inspection.objects.filter(
        organization__path__startswith=root_path,
        programme__year__gte=year_from,
        programme__year__lte=year_to,
    )
    result = Statistics()
    result.rows, result.totals = _inspection_rows(inspections)
    result.remedies = Remedy.objects.filter(inspection__in=inspections.values("pk")).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Remedy.Status.DONE)),
        overdue=Count("id", filter=Q(status=Remedy.Status.OPEN, due_on__lt=today)),
    )
    result.cases = Case.objects.filter(
        organization__path__startswith=root_path, opened_on__range=(start, end)
    ).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=Case.Status.OPEN)),
        discipline=Count("id", filter=Q(outcome=Case.Outcome.DISCIPLINE)),
    )
    result.complaints = Complaint.objects.filter(
        organization__path__startswith=root_path, received_on__range=(start, end)
    ).aggregate(
        total=Count("id"),
        answered=Count("id", filter=Q(status=Complaint.Status.ANSWERED)),
        overdue=Count("id", filter=~Q(status=Complaint.Status.ANSWERED) & Q(due_on__lt=today)),
    )
    result.member_discipline = _by_form(
        Discipline.objects.filter(
            member__org_path__startswith=root_path, decided_on__range=(start, end)
        ),
        DisciplineForm.choices,
    )
    result.org_discipline = _by_form(
        OrgDiscipline.objects.filter(
            organization__path__startswith=root_path, decided_on__range=(start, end)
        ),
        OrgDisciplineForm.choices,
    )
    return result
