"""Filters for the meeting list: subtree, year, kind, status, grade and flags."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.lookups import LessThan

from dangbo.core.filters import YearFilter
from dangbo.meetings.models import CriteriaSet, Grade, Kind, Meeting, MeetingStatus
from dangbo.organizations.models import Organization

FLAG_CHOICES = [
    ("low_attendance", "Tỷ lệ dự dưới ngưỡng"),
    ("unexcused", "Có đảng viên vắng không lý do"),
    ("unscored", "Đã họp, chưa chấm điểm"),
    ("poor", "Xếp loại Trung bình, Kém"),
]


class MeetingFilter(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức (mã số)", method="filter_org", widget=forms.HiddenInput
    )
    cell = django_filters.CharFilter(label="Tên chi bộ", method="filter_cell")
    year = YearFilter(label="Năm", field_name="planned_on")
    month = django_filters.NumberFilter(label="Tháng", field_name="planned_on", lookup_expr="month")
    kind = django_filters.ChoiceFilter(label="Loại sinh hoạt", choices=Kind.choices)
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=MeetingStatus.choices)
    grade = django_filters.ChoiceFilter(label="Xếp loại", choices=Grade.choices)
    flag = django_filters.ChoiceFilter(label="Cảnh báo", choices=FLAG_CHOICES, method="filter_flag")

    class Meta:
        model = Meeting
        fields = ["org", "cell", "year", "month", "kind", "status", "grade", "flag"]

    def __init__(self, *args, threshold=95, **kwargs):
        super().__init__(*args, **kwargs)
        self.threshold = threshold

    def filter_org(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(organization__path__startswith=org.path)

    def filter_cell(self, queryset, name, value):
        from dangbo.core.text import normalize

        key = normalize(value)
        return queryset.filter(organization__name_search__contains=key) if key else queryset

    def filter_flag(self, queryset, name, value):
        held = queryset.filter(status=MeetingStatus.HELD)
        if value == "low_attendance":
            return held.filter(
                LessThan(F("attended_count") * 100, F("expected_count") * self.threshold)
            )
        if value == "unexcused":
            return held.filter(unexcused_count__gt=0)
        if value == "unscored":
            return held.filter(score__isnull=True)
        if value == "poor":
            return held.filter(Q(grade=Grade.AVERAGE) | Q(grade=Grade.POOR))
        return queryset


class CriteriaSetFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Tên bộ tiêu chí", lookup_expr="icontains")

    class Meta:
        model = CriteriaSet
        fields = ["name"]
