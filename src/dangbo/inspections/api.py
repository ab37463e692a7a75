"""Read API for inspection records; every queryset goes through restrict(user, action)."""

from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.core.permissions import can
from dangbo.inspections.filters import (
    CaseFilter,
    ComplaintFilter,
    InspectionFilter,
    ProgrammeFilter,
    RemedyFilter,
)
from dangbo.inspections.models import (
    Appeal,
    Case,
    Complaint,
    Inspection,
    OrgDiscipline,
    Programme,
    Remedy,
)


class ProgrammeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "organization",
            "organization_name",
            "body",
            "year",
            "title",
            "approved_on",
            "decision_number",
        ]


class RemedySerializer(serializers.ModelSerializer):
    class Meta:
        model = Remedy
        fields = ["id", "inspection", "description", "owner", "due_on", "status", "done_on"]


class InspectionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    remedies = RemedySerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "programme",
            "kind",
            "mode",
            "organization",
            "organization_name",
            "target_member",
            "target_kind",
            "content",
            "planned_quarter",
            "planned_start",
            "planned_end",
            "status",
            "decision_number",
            "started_on",
            "concluded_on",
            "violations_found",
            "conclusion",
            "recommendations",
            "remedies",
        ]


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id",
            "organization",
            "member",
            "inspection",
            "opened_on",
            "decision_number",
            "authority",
            "status",
            "outcome",
            "closed_on",
            "member_discipline",
        ]


class OrgDisciplineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgDiscipline
        fields = [
            "id",
            "organization",
            "case",
            "form",
            "decided_on",
            "decision_number",
            "authority",
            "authority_org",
            "annulled_on",
        ]


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "case",
            "member_discipline",
            "org_discipline",
            "lodged_on",
            "status",
            "decided_on",
            "decided_by",
        ]


class ComplaintSerializer(serializers.ModelSerializer):
    sender = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "organization",
            "complaint_type",
            "received_on",
            "sender",
            "concerning",
            "due_on",
            "status",
            "assigned_to",
            "answered_on",
        ]

    def get_sender(self, obj) -> str:
        """The sender is kept confidential from those who only view."""
        user = self.context["request"].user
        if can(user, "inspections.change", obj):
            return obj.sender
        return ""


class ComplaintViewSet(RestrictedReadOnlyViewSet):
    queryset = Complaint.objects.select_related("organization")
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter


class ProgrammeViewSet(RestrictedReadOnlyViewSet):
    personal_data = False  # org-level data: reads are not logged
    queryset = Programme.objects.select_related("organization")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter


class InspectionViewSet(RestrictedReadOnlyViewSet):
    queryset = Inspection.objects.select_related("organization").prefetch_related("remedies")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter


class RemedyViewSet(RestrictedReadOnlyViewSet):
    queryset = Remedy.objects.all()
    serializer_class = RemedySerializer
    filterset_class = RemedyFilter


class CaseViewSet(RestrictedReadOnlyViewSet):
    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter


class OrgDisciplineViewSet(RestrictedReadOnlyViewSet):
    queryset = OrgDiscipline.objects.all()
    serializer_class = OrgDisciplineSerializer


class AppealViewSet(RestrictedReadOnlyViewSet):
    queryset = Appeal.objects.all()
    serializer_class = AppealSerializer


ROUTES = [
    ("inspection-programmes", ProgrammeViewSet, "inspection-programme"),
    ("inspections", InspectionViewSet, "inspection"),
    ("inspection-remedies", RemedyViewSet, "inspection-remedy"),
    ("inspection-cases", CaseViewSet, "inspection-case"),
    ("org-disciplines", OrgDisciplineViewSet, "org-discipline"),
    ("discipline-appeals", AppealViewSet, "discipline-appeal"),
    ("inspection-complaints", ComplaintViewSet, "inspection-complaint"),
]
