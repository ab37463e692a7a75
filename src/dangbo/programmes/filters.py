"""List filters: unaccented search, type, subtree, period."""

import django_filters
from django import forms

from dangbo.core.text import normalize
from dangbo.organizations.models import Organization
from dangbo.programmes.models import DocType, Document, Programme

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")


class SubtreeFilterMixin(django_filters.FilterSet):
    org = django_filters.NumberFilter(
        label="Thuộc tổ chức (mã số)", method="filter_org", widget=forms.HiddenInput
    )

    def filter_org(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).only("path").first()
        if org is None:
            return queryset.none()
        return queryset.filter(organization__path__startswith=org.path)


class DocumentFilter(SubtreeFilterMixin):
    q = django_filters.CharFilter(label="Tìm (số, trích yếu, người ký)", method="filter_q")
    doc_type = django_filters.MultipleChoiceFilter(
        label="Loại văn bản", choices=DocType.choices, widget=forms.CheckboxSelectMultiple
    )
    start = django_filters.DateFilter(
        label="Ban hành từ ngày",
        field_name="issued_on",
        lookup_expr="gte",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DATE_INPUT,
    )
    end = django_filters.DateFilter(
        label="đến ngày",
        field_name="issued_on",
        lookup_expr="lte",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DATE_INPUT,
    )

    class Meta:
        model = Document
        fields = ["q", "doc_type", "start", "end", "org"]

    def filter_q(self, queryset, name, value):
        key = normalize(value)
        return queryset.filter(search__contains=key) if key else queryset


class ProgrammeFilter(SubtreeFilterMixin):
    q = django_filters.CharFilter(
        label="Tên chương trình", field_name="title", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(label="Loại", choices=Programme.Kind.choices)

    class Meta:
        model = Programme
        fields = ["q", "kind", "org"]
