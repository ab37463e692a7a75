"""API for admission files: list/read, open a file, record a step, extend; targets read-only."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.admissions import rules, services
from dangbo.admissions.filters import AdmissionFileFilter
from dangbo.admissions.models import (
    AdmissionFile,
    AdmissionStep,
    AdmissionTarget,
    AdmissionTermTarget,
)
from dangbo.admissions.rules import Stage
from dangbo.core.api import (
    RestrictedReadOnlyViewSet,
    RestrictedSerializerMixin,
    RestrictedViewSetMixin,
)
from dangbo.core.params import parse_id
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdmissionStep
        fields = [
            "id",
            "stage",
            "date",
            "decision_number",
            "evidence",
            "note",
            "exception",
            "withdrawn_at",
            "withdrawal_reason",
        ]


class AdmissionFileSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = AdmissionFile
        fields = [
            "id",
            "organization",
            "organization_name",
            "full_name",
            "gender",
            "birth_date",
            "place_of_origin",
            "ethnicity",
            "religion",
            "occupation",
            "workplace",
            "stage",
            "identified_on",
            "certificate_on",
            "received_on",
            "extended",
            "decided_on",
            "decision_number",
            "ceremony_on",
            "probation_ends_on",
            "next_deadline",
            "next_deadline_label",
            "member",
            "steps",
        ]
        read_only_fields = [f for f in fields if f not in services.IDENTITY_FIELDS]


class OpenFileSerializer(RestrictedSerializerMixin, serializers.Serializer):
    """The org: a cell where the user holds admissions.change (restricted centrally)."""

    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    identified_on = serializers.DateField()
    full_name = serializers.CharField(max_length=120)
    gender = serializers.ChoiceField(choices=["M", "F"])
    birth_date = serializers.DateField()
    id_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    place_of_origin = serializers.CharField(max_length=255, required=False, allow_blank=True)
    workplace = serializers.CharField(max_length=255, required=False, allow_blank=True)


class IntroducerSerializer(RestrictedSerializerMixin, serializers.Serializer):
    field_permissions = {"member": "members.view"}

    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    since = serializers.DateField()


class StepInputSerializer(RestrictedSerializerMixin, serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.CHOICES)
    date = serializers.DateField()
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    exception = serializers.CharField(max_length=500, required=False, allow_blank=True)
    certificate_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    history_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    result = serializers.CharField(max_length=255, required=False, allow_blank=True)
    authority = serializers.CharField(max_length=255, required=False, allow_blank=True)
    votes_for = serializers.IntegerField(required=False)
    eligible = serializers.IntegerField(required=False)
    introducers = IntroducerSerializer(many=True, required=False)
    youth_union_resolution = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class AdmissionFileViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Admission files in the user's subtrees; each change goes through one service call."""

    queryset = AdmissionFile.objects.select_related("organization").prefetch_related("steps")
    serializer_class = AdmissionFileSerializer
    filterset_class = AdmissionFileFilter
    ordering_fields = ["identified_on", "next_deadline", "name_search"]

    def permission_action(self) -> str:
        """As on the screens: the cell names its candidates and records its own steps
        (admissions.cell_steps); the committee's steps need admissions.change."""
        if self.action == "create":
            return rules.CELL_STEPS.split(".", 1)[1]
        if self.action == "steps":
            stage = self.request.data.get("stage", "") if hasattr(self.request.data, "get") else ""
            return rules.step_permission(str(stage)).split(".", 1)[1]
        if self.action == "withdraw":  # whoever may record the last step may take it back
            try:
                pk = parse_id(str(self.kwargs.get("pk", "")))
            except ValueError:
                pk = None  # get_object() answers 404
            stage = (
                AdmissionStep.objects.filter(file_id=pk, withdrawn_at=None)
                .order_by("-id")
                .values_list("stage", flat=True)
                .first()
            )
            return rules.step_permission(stage or "").split(".", 1)[1]
        return super().permission_action()

    @extend_schema(request=OpenFileSerializer, responses={201: AdmissionFileSerializer})
    def create(self, request):
        data = OpenFileSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        file = services.open_file(user=request.user, **values)
        return Response(self.get_serializer(file).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepInputSerializer, responses=AdmissionFileSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        file = self.get_object()
        data = StepInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        stage, on = values.pop("stage"), values.pop("date")
        if "introducers" in values:
            values["introducers"] = [(i["member"], i["since"]) for i in values["introducers"]]
        file = services.record_step(file, stage, on=on, user=request.user, **values)
        return Response(self.get_serializer(file).data)

    @extend_schema(request=ExtendSerializer, responses=AdmissionFileSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        file = self.get_object()
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = services.extend_decision(file, user=request.user, **data.validated_data)
        return Response(self.get_serializer(file).data)

    @extend_schema(request=WithdrawSerializer, responses=AdmissionFileSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back the last step, recorded by mistake (kept in the steps, marked withdrawn)."""
        file = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = services.withdraw_last_step(file, user=request.user, **data.validated_data)
        return Response(self.get_serializer(file).data)


class AdmissionTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdmissionTarget
        fields = ["id", "organization", "year", "target", "note"]


class AdmissionTargetViewSet(RestrictedReadOnlyViewSet):
    personal_data = False  # org-level data: reads are not logged
    queryset = AdmissionTarget.objects.all()
    serializer_class = AdmissionTargetSerializer
    filterset_fields = {"year": ["exact"], "organization": ["exact"]}


class AdmissionTermTargetSerializer(serializers.ModelSerializer):
    term_name = serializers.CharField(source="term.name", read_only=True)
    term_starts_on = serializers.DateField(source="term.starts_on", read_only=True)
    term_ends_on = serializers.DateField(source="term.ends_on", read_only=True)

    class Meta:
        model = AdmissionTermTarget
        fields = [
            "id",
            "organization",
            "term",
            "term_name",
            "term_starts_on",
            "term_ends_on",
            "target",
            "note",
        ]


class AdmissionTermTargetViewSet(RestrictedReadOnlyViewSet):
    """Term (congress) admission targets."""

    personal_data = False  # org-level data: reads are not logged
    queryset = AdmissionTermTarget.objects.select_related("term")
    serializer_class = AdmissionTermTargetSerializer
    filterset_fields = {"organization": ["exact"], "term": ["exact"]}


ROUTES = [
    ("admission-files", AdmissionFileViewSet, "admission-file"),
    ("admission-targets", AdmissionTargetViewSet, "admission-target"),
    ("admission-term-targets", AdmissionTermTargetViewSet, "admission-term-target"),
]
