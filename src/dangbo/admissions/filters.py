"""Filters of the admission file list: subtree, stage, deadlines, year of decision, name."""

from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone

from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from dangbo.core.filters import YearFilter
from dangbo.core.text import normalize
from dangbo.organizations.models import Organization

SOON_DAYS = 15


class AdmissionFileFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên", method="filter_name")
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức (mã số)", method="filter_org", widget=forms.HiddenInput
    )
    stage = django_filters.MultipleChoiceFilter(
        label="Bước", choices=Stage.CHOICES, widget=forms.CheckboxSelectMultiple
    )
    due = django_filters.ChoiceFilter(
        label="Thời hạn",
        choices=[
            ("overdue", "Quá hạn"),
            ("soon", f"Sắp đến hạn ({SOON_DAYS} ngày)"),
            ("recognition", "Đến hạn xét chính thức"),
        ],
        method="filter_due",
    )
    decided_year = YearFilter(label="Kết nạp trong năm", field_name="decided_on")

    class Meta:
        model = AdmissionFile
        fields = ["q", "org", "stage", "due", "decided_year"]

    def filter_name(self, queryset, name, value):
        key = normalize(value)
        return queryset.filter(name_search__contains=key) if key else queryset

    def filter_org(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(organization__path__startswith=org.path) if org else queryset.none()

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        open_files = queryset.exclude(stage__in=Stage.FINAL)
        if value == "overdue":
            return open_files.filter(next_deadline__lt=today)
        if value == "soon":
            return open_files.filter(
                next_deadline__gte=today, next_deadline__lte=today + timedelta(days=SOON_DAYS)
            )
        if value == "recognition":
            return open_files.filter(stage=Stage.CEREMONY, probation_ends_on__lte=today)
        return queryset
