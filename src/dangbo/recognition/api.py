from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.recognition.models import BadgeAward, Commendation, CommendationProposal


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
            "organization",
            "form",
            "year",
            "issuer",
            "decision_number",
            "decided_on",
            "reason",
        ]


class CommendationViewSet(RestrictedReadOnlyViewSet):
    """Commendations to members and organisations within reach."""

    queryset = Commendation.objects.all()
    serializer_class = CommendationSerializer
    filterset_fields = ["member", "organization", "year"]
    ordering_fields = ["year", "decided_on"]


class CommendationProposalSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="proposed (chờ xem xét), confirmed (đã khen), dismissed"
    )

    class Meta:
        model = CommendationProposal
        fields = [
            "id",
            "member",
            "organization",
            "year",
            "streak",
            "form",
            "issuer",
            "reason",
            "status",
            "commendation",
            "note",
        ]


class CommendationProposalViewSet(RestrictedReadOnlyViewSet):
    """Commendations proposed from classification streaks (confirmed on the screens)."""

    queryset = CommendationProposal.objects.all()
    serializer_class = CommendationProposalSerializer
    filterset_fields = ["member", "organization", "year", "status"]
    ordering_fields = ["year", "streak"]


ROUTES = [
    ("badges", BadgeAwardViewSet, "badge"),
    ("commendations", CommendationViewSet, "commendation"),
    ("commendation-proposals", CommendationProposalViewSet, "commendation-proposal"),
]
