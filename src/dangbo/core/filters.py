"""Filters of the audit screen: by user, model, object, date range, action (incl. access)."""

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from dangbo.core.forms import DateInput

EXPORT = "export"
ACTION_CHOICES = [
    (str(LogEntry.Action.CREATE), "Tạo mới"),
    (str(LogEntry.Action.UPDATE), "Sửa đổi"),
    (str(LogEntry.Action.DELETE), "Xóa"),
    (str(LogEntry.Action.ACCESS), "Xem hồ sơ / truy cập"),
    (EXPORT, "Xuất dữ liệu"),
]


def model_choices():
    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return [
        (ContentType.objects.get_for_model(m).pk, str(m._meta.verbose_name).capitalize())
        for m in models
    ]


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label="Người thực hiện (tên đăng nhập)", field_name="actor__username", lookup_expr="iexact"
    )
    model = django_filters.ChoiceFilter(label="Loại dữ liệu", field_name="content_type", choices=[])
    object_id = django_filters.NumberFilter(label="Mã đối tượng", field_name="object_id")
    object_repr = django_filters.CharFilter(
        label="Tên đối tượng chứa", field_name="object_repr", lookup_expr="icontains"
    )
    action = django_filters.ChoiceFilter(
        label="Hành động", choices=ACTION_CHOICES, method="filter_action"
    )
    date_from = django_filters.DateFilter(
        label="Từ ngày", field_name="timestamp__date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label="Đến ngày", field_name="timestamp__date", lookup_expr="lte", widget=DateInput()
    )
    remote_addr = django_filters.CharFilter(label="Địa chỉ IP", field_name="remote_addr")

    class Meta:
        model = LogEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["model"].extra["choices"] = model_choices()
        for name in ("date_from", "date_to"):
            self.filters[name].extra["input_formats"] = ["%d/%m/%Y", "%Y-%m-%d"]

    def filter_action(self, queryset, name, value):
        if value == EXPORT:
            return queryset.filter(action=LogEntry.Action.ACCESS, additional_data__has_key="export")
        return queryset.filter(action=int(value))


class YearFilter(django_filters.NumberFilter):
    """A calendar year (1900–2200) on a date field: an impossible year is a 400, never a 500
    (Django cannot build the date range of year 0)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, min_value=1900, max_value=2200, **kwargs)
