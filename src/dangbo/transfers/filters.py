import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from dangbo.core.text import normalize
from dangbo.organizations.models import Organization
from dangbo.transfers.models import Transfer
from dangbo.transfers.rules import Kind, State


class TransferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Họ tên đảng viên", method="filter_name")
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức (mã số)", method="filter_org", widget=forms.HiddenInput
    )
    kind = django_filters.ChoiceFilter(label="Loại", choices=Kind.CHOICES)
    state = django_filters.MultipleChoiceFilter(
        label="Tình trạng", choices=State.CHOICES, widget=forms.CheckboxSelectMultiple
    )
    flag = django_filters.ChoiceFilter(
        label="Cảnh báo",
        choices=[("overdue", "Quá hạn"), ("deletion", "Quá 3 tháng: đề nghị xóa tên")],
        method="filter_flag",
    )

    class Meta:
        model = Transfer
        fields = ["q", "org", "kind", "state", "flag"]

    def filter_name(self, queryset, name, value):
        key = normalize(value)
        return queryset.filter(member__name_search__contains=key) if key else queryset

    def filter_org(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(
            Q(from_org__path__startswith=org.path) | Q(to_org__path__startswith=org.path)
        )

    def filter_flag(self, queryset, name, value):
        return overdue(queryset, value)


def overdue(queryset, which="overdue"):
    today = timezone.localdate()
    pending = queryset.filter(kind=Kind.OFFICIAL, state__in=(State.ISSUED, State.PRESENTED))
    if which == "deletion":
        return pending.filter(rejoin_by__lt=today)
    return pending.filter(Q(state=State.ISSUED, present_by__lt=today) | Q(complete_by__lt=today))
