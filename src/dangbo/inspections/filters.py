"""List filters; the inspection list is also the drill-down target of the statistics."""

import django_filters
from django import forms
from django.utils import timezone

from dangbo.inspections.models import (
    Body,
    Case,
    Complaint,
    Inspection,
    InspectionStatus,
    Kind,
    Mode,
    Programme,
    Remedy,
    TargetKind,
)
from dangbo.organizations.models import Organization


def _subtree(queryset, field, value):
    org = Organization.objects.filter(pk=value).only("path").first()
    return queryset.filter(**{f"{field}__startswith": org.path}) if org else queryset.none()


class ProgrammeFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="Năm")
    body = django_filters.ChoiceFilter(label="Cơ quan thực hiện", choices=Body.choices)
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức", method="filter_org", widget=forms.HiddenInput
    )

    class Meta:
        model = Programme
        fields = ["year", "body", "org"]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "organization__path", value)


class InspectionFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức", method="filter_org", widget=forms.HiddenInput
    )
    year_from = django_filters.NumberFilter(
        label="Từ năm", field_name="programme__year", lookup_expr="gte"
    )
    year_to = django_filters.NumberFilter(
        label="Đến năm", field_name="programme__year", lookup_expr="lte"
    )
    kind = django_filters.ChoiceFilter(label="Loại", choices=Kind.choices)
    mode = django_filters.ChoiceFilter(label="Hình thức", choices=Mode.choices)
    target_kind = django_filters.ChoiceFilter(label="Đối tượng", choices=TargetKind.choices)
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=InspectionStatus.choices)
    violations_found = django_filters.BooleanFilter(label="Có vi phạm")

    class Meta:
        model = Inspection
        fields = [
            "org",
            "year_from",
            "year_to",
            "kind",
            "mode",
            "target_kind",
            "status",
            "violations_found",
        ]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "organization__path", value)


class RemedyFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức", method="filter_org", widget=forms.HiddenInput
    )
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=Remedy.Status.choices)
    overdue = django_filters.BooleanFilter(label="Quá hạn", method="filter_overdue")

    class Meta:
        model = Remedy
        fields = ["org", "status", "overdue"]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "inspection__organization__path", value)

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": Remedy.Status.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class CaseFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức", method="filter_org", widget=forms.HiddenInput
    )
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=Case.Status.choices)
    outcome = django_filters.ChoiceFilter(label="Kết quả", choices=Case.Outcome.choices)

    class Meta:
        model = Case
        fields = ["org", "status", "outcome"]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "organization__path", value)


class ComplaintFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức", method="filter_org", widget=forms.HiddenInput
    )
    complaint_type = django_filters.ChoiceFilter(label="Loại đơn", choices=Complaint.Type.choices)
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=Complaint.Status.choices)
    overdue = django_filters.BooleanFilter(label="Quá hạn", method="filter_overdue")

    class Meta:
        model = Complaint
        fields = ["org", "complaint_type", "status", "overdue"]

    def filter_org(self, queryset, name, value):
        return _subtree(queryset, "organization__path", value)

    def filter_overdue(self, queryset, name, value):
        late = {"due_on__lt": timezone.localdate()}
        unanswered = queryset.exclude(status=Complaint.Status.ANSWERED)
        return (
            unanswered.filter(**late)
            if value
            else queryset.exclude(pk__in=unanswered.filter(**late).values("pk"))
        )
