from rest_framework import serializers

from dangbo.core.api import ReferenceReadOnlyViewSet, RestrictedReadOnlyViewSet
from dangbo.dues.models import DuesRate, IncomeBasis, LedgerEntry, RegionalMinimumWage


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "member",
            "organization",
            "month",
            "due",
            "paid",
            "paid_on",
            "receipt_number",
            "remittance",
        ]


class LedgerEntryViewSet(RestrictedReadOnlyViewSet):
    """Monthly dues ledger rows of the members the user reaches."""

    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntrySerializer
    filterset_fields = {
        "month": ["exact", "gte", "lte"],
        "organization": ["exact"],
        "member": ["exact"],
    }
    ordering_fields = ["month", "member"]


class IncomeBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncomeBasis
        fields = ["id", "member", "valid_from", "income_type", "amount", "region", "wage_percent"]


class IncomeBasisViewSet(RestrictedReadOnlyViewSet):
    queryset = IncomeBasis.objects.all()
    serializer_class = IncomeBasisSerializer
    filterset_fields = ["member", "income_type"]


class DuesRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuesRate
        fields = [
            "id",
            "income_type",
            "valid_from",
            "percent",
            "fixed_amount",
            "wage_percent_min",
            "wage_percent_max",
            "round_to",
            "source",
        ]


class DuesRateViewSet(ReferenceReadOnlyViewSet):
    """The rate table (public within the system: it is regulation, not personal data)."""

    queryset = DuesRate.objects.all()
    serializer_class = DuesRateSerializer


class RegionalWageSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionalMinimumWage
        fields = ["id", "region", "valid_from", "amount"]


class RegionalWageViewSet(ReferenceReadOnlyViewSet):
    queryset = RegionalMinimumWage.objects.all()
    serializer_class = RegionalWageSerializer


ROUTES = [
    ("dues/ledger", LedgerEntryViewSet, "dues-ledger"),
    ("dues/income-bases", IncomeBasisViewSet, "dues-income-basis"),
    ("dues/rates", DuesRateViewSet, "dues-rate"),
    ("dues/regional-wages", RegionalWageViewSet, "dues-regional-wage"),
]
