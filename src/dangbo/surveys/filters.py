import django_filters

from dangbo.surveys.models import Campaign, CampaignStatus


class CampaignFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(label="Tên đợt", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=CampaignStatus.choices)
    year = django_filters.NumberFilter(
        label="Năm", field_name="starts_on", lookup_expr="year", min_value=1900, max_value=2200
    )

    class Meta:
        model = Campaign
        fields = ["title", "status", "year"]
