from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from dangbo.core.permissions import reachable_paths
from dangbo.core.text import normalize
from dangbo.organizations.models import Organization
from dangbo.transfers.models import Transfer
from dangbo.transfers.rules import ENDING_SOON_DAYS, Kind, State


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
        choices=[
            ("overdue", "Quá hạn"),
            ("deletion", "Quá 3 tháng: đề nghị xóa tên"),
            ("temporary_pending", "Sinh hoạt tạm thời chờ nơi đến tiếp nhận"),
            ("temporary_ended", "Hết hạn sinh hoạt tạm thời, chưa kết thúc"),
            ("temporary_ending", "Sắp hết hạn sinh hoạt tạm thời"),
        ],
        method="filter_flag",
    )
    side = django_filters.ChoiceFilter(
        label="Phía",
        choices=[("home", "Đảng viên của đơn vị đi"), ("host", "Đảng viên nơi khác đến")],
        method="filter_side",
    )

    class Meta:
        model = Transfer
        fields = ["q", "org", "kind", "state", "flag", "side"]

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

    def filter_side(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return on_side(queryset, reachable_paths(user, "transfers.view"), value)


def on_side(queryset, paths: list[str] | None, side: str):
    """The transfers whose sending org ("home") or receiving org ("host") is under `paths`
    (None: everywhere)."""
    field = "from_org__path__startswith" if side == "home" else "to_org__path__startswith"
    if paths is None:
        return queryset.exclude(**{field.replace("__path__startswith", ""): None})
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{field: path})
    return queryset.filter(condition)


def overdue(queryset, which="overdue"):
    """Open transfers needing action: official ones past a limit ("overdue", "deletion"),
    temporary ones waiting for the host ("temporary_pending"), past their end
    ("temporary_ended") or ending soon ("temporary_ending")."""
    today = timezone.localdate()
    if which == "temporary_pending":
        return queryset.filter(kind=Kind.TEMPORARY, state=State.ISSUED)
    if which in ("temporary_ended", "temporary_ending"):
        active = queryset.filter(kind=Kind.TEMPORARY, state=State.ACTIVE)
        if which == "temporary_ended":
            return active.filter(ends_on__lt=today)
        return active.filter(
            ends_on__gte=today, ends_on__lte=today + timedelta(days=ENDING_SOON_DAYS)
        )
    pending = queryset.filter(kind=Kind.OFFICIAL, state__in=(State.ISSUED, State.PRESENTED))
    if which == "deletion":
        return pending.filter(rejoin_by__lt=today)
    return pending.filter(Q(state=State.ISSUED, present_by__lt=today) | Q(complete_by__lt=today))
