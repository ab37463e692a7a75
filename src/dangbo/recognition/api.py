from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.recognition.models import BadgeAward, Commendation


class BadgeAwardSerializer(serializers.ModelSerializer):
    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "member",
            "milestone",
            "award_date",
            "status",
            "reason",
            "decision_number",
            "decided_on",
        ]


class BadgeAwardViewSet(RestrictedReadOnlyViewSet):
    queryset = BadgeAward.objects.all()
    serializer_class = BadgeAwardSerializer
    filterset_fields = ["member", "milestone", "award_date", "status"]


class CommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commendation
        fields = [
            "id",
            "member",
            "form",
            "year",
            "issuer",
            "decision_number",
            "decided_on",
            "reason",
        ]


class CommendationViewSet(RestrictedReadOnlyViewSet):
    queryset = Commendation.objects.all()
    serializer_class = CommendationSerializer
    filterset_fields = ["member", "year"]


ROUTES = [
    ("badges", BadgeAwardViewSet, "badge"),
    ("commendations", CommendationViewSet, "commendation"),
]
