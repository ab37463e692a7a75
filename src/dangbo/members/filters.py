"""Member list filters: subtree, status, identity fields, age band and unaccented name."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from dangbo.members.choices import (
    AGE_BANDS,
    ETHNICITY_CHOICES,
    Education,
    Gender,
    Qualification,
    Status,
    TheoryLevel,
)
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên", method="filter_name")
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức (mã số)", method="filter_org", widget=forms.HiddenInput
    )
    status = django_filters.MultipleChoiceFilter(
        label="Trạng thái", choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    gender = django_filters.ChoiceFilter(label="Giới tính", choices=Gender.choices)
    age_band = django_filters.ChoiceFilter(
        label="Độ tuổi",
        choices=[(c, label) for c, label, _lo, _hi in AGE_BANDS],
        method="filter_age_band",
    )
    ethnicity = django_filters.ChoiceFilter(label="Dân tộc", choices=ETHNICITY_CHOICES)
    education = django_filters.ChoiceFilter(label="Giáo dục phổ thông", choices=Education.choices)
    qualification = django_filters.ChoiceFilter(label="Chuyên môn", choices=Qualification.choices)
    theory_level = django_filters.ChoiceFilter(
        label="Lý luận chính trị", choices=TheoryLevel.choices
    )

    class Meta:
        model = Member
        fields = [
            "q",
            "org",
            "status",
            "gender",
            "age_band",
            "ethnicity",
            "education",
            "qualification",
            "theory_level",
        ]

    def filter_name(self, queryset, name, value):
        return queryset.matching_name(value)

    def filter_org(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).only("path").first()
        return queryset.filter(org_path__startswith=org.path) if org else queryset.none()

    def filter_age_band(self, queryset, name, value):
        today = timezone.localdate()
        for code, _label, low, high in AGE_BANDS:
            if code == value:
                # age in [low, high] ⇔ birth_date in (today − (high+1) years, today − low years]
                return queryset.filter(
                    Q(birth_date__gt=_years_ago(today, high + 1))
                    & Q(birth_date__lte=_years_ago(today, low))
                )
        return queryset
