import django_filters
from django.utils import timezone

from dangbo.surveys import rules
from dangbo.surveys.models import Campaign


class CampaignFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(label="Tên đợt", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label="Tình trạng", choices=list(rules.PHASE_LABELS.items()), method="filter_status"
    )
    year = django_filters.NumberFilter(
        label="Năm", field_name="starts_on", lookup_expr="year", min_value=1900, max_value=2200
    )

    class Meta:
        model = Campaign
        fields = ["title", "status", "year"]

    def filter_status(self, queryset, name, value):
        """By the status shown today (a campaign past its end date is not running)."""
        return queryset.in_phase(value, timezone.localdate())
