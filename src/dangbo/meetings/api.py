"""API for meetings: list/read, plan, record (whole-cell attendance), resolutions, score;
criteria sets and resolution tasks read-only. Writes go through the services."""

from django.db.models import Prefetch, Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dangbo.core.api import RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from dangbo.core.permissions import has_permission
from dangbo.meetings import rules, services
from dangbo.meetings.filters import MeetingFilter
from dangbo.meetings.models import (
    Attendance,
    AttendanceStatus,
    CriteriaSet,
    Criterion,
    CriterionScore,
    InvitedSuperior,
    Kind,
    Meeting,
    MeetingDocument,
    MeetingTask,
    Resolution,
)
from dangbo.organizations.models import Organization


class MeetingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    attendance_rate = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "status",
            "planned_on",
            "topic",
            "started_at",
            "ended_at",
            "expected_count",
            "attended_count",
            "excused_count",
            "unexcused_count",
            "attendance_rate",
            "criteria_set",
            "score",
            "grade",
        ]

    def get_attendance_rate(self, obj) -> float | None:
        rate = rules.attendance_rate(obj.attended_count, obj.expected_count)
        return float(rate) if rate is not None else None


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "status", "reason"]


@extend_schema_serializer(component_name="MeetingDocument")
class DocumentSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField(
        help_text="Đường dẫn tải tệp (kiểm tra quyền, ghi nhật ký); null khi không có tệp."
    )

    class Meta:
        model = MeetingDocument
        fields = ["id", "title", "file", "file_name", "file_type", "url", "published_at"]

    def get_file(self, document) -> str | None:
        if not document.file:
            return None
        path = reverse("meetings:document_file", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SuperiorSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvitedSuperior
        fields = ["id", "full_name", "position", "mode", "online_link", "attended"]


@extend_schema_serializer(component_name="MeetingTask")
class TaskSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)

    class Meta:
        model = MeetingTask
        fields = ["id", "description", "owner", "owner_name", "due_on", "done_on"]


class ResolutionSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = Resolution
        fields = ["id", "content", "tasks"]


class CriterionScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = CriterionScore
        fields = ["criterion", "points", "note"]


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    superiors = SuperiorSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)
    criterion_scores = CriterionScoreSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "agenda",
            "location",
            "online_link",
            "chair",
            "secretary",
            "guests",
            "minutes",
            "attendances",
            "documents",
            "superiors",
            "resolutions",
            "criterion_scores",
        ]


class PlanInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    planned_on = serializers.DateField()
    topic = serializers.CharField(required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RecordInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    chair = serializers.IntegerField()
    secretary = serializers.IntegerField()
    guests = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    attendance = AttendanceInputSerializer(many=True)
    superiors_attended = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class TaskInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.IntegerField()
    due_on = serializers.DateField()


class ResolutionInputSerializer(serializers.Serializer):
    content = serializers.CharField()
    tasks = TaskInputSerializer(many=True, required=False, default=list)


class ScoreItemSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreInputSerializer(serializers.Serializer):
    scores = ScoreItemSerializer(many=True)


class MeetingViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings of cells the user reaches. Plan (POST), record, resolutions and score
    (POST actions) go through the same services as the screens."""

    queryset = Meeting.objects.select_related("organization")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["planned_on", "score"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("member")),
                "documents",
                "superiors",
                Prefetch(
                    "resolutions",
                    queryset=Resolution.objects.prefetch_related(
                        Prefetch("tasks", queryset=MeetingTask.objects.select_related("owner"))
                    ),
                ),
                "criterion_scores",
            )
        if self.action == "score":
            user = self.request.user
            allowed = queryset.values("pk")
            queryset = Meeting.objects.filter(
                Q(pk__in=allowed) | Q(superiors__user=user, superiors__attended=True)
            ).distinct()
        return queryset.order_by("-planned_on", "-id")

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action != "list" else MeetingSerializer

    def _detail(self, meeting, code=status.HTTP_200_OK):
        fresh = Meeting.objects.get(pk=meeting.pk)
        return Response(
            MeetingDetailSerializer(fresh, context={"request": self.request}).data, code
        )

    @extend_schema(request=PlanInputSerializer, responses=MeetingDetailSerializer)
    def create(self, request):
        data = _valid(PlanInputSerializer, request)
        org = (
            Organization.objects.select_related("org_type").filter(pk=data["organization"]).first()
        )
        if org is None or not has_permission(request.user, "meetings.change", org.path):
            raise NotFound
        meeting = services.plan_meeting(
            organization=org,
            kind=data["kind"],
            planned_on=data["planned_on"],
            topic=data["topic"],
            agenda=data["agenda"],
            user=request.user,
        )
        return self._detail(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=RecordInputSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(RecordInputSerializer, request)
        meeting = services.record_meeting(
            meeting,
            held_on=data["held_on"],
            start=data["start"],
            end=data["end"],
            chair_id=data["chair"],
            secretary_id=data["secretary"],
            attendance=[
                services.AttendanceEntry(a["member"], a["status"], a["reason"])
                for a in data["attendance"]
            ],
            guests=data["guests"],
            minutes=data["minutes"],
            superiors_attended={pk: True for pk in data["superiors_attended"]},
            user=request.user,
        )
        return self._detail(meeting)

    @extend_schema(request=ResolutionInputSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolutions(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(ResolutionInputSerializer, request)
        services.adopt_resolution(
            meeting,
            content=data["content"],
            tasks=[
                services.TaskInput(t["description"], t["owner"], t["due_on"]) for t in data["tasks"]
            ],
            user=request.user,
        )
        return self._detail(meeting)

    @extend_schema(request=ScoreInputSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(ScoreInputSerializer, request)
        meeting = services.score_meeting(
            meeting,
            scores=[
                services.ScoreInput(s["criterion"], s["points"], s["note"]) for s in data["scores"]
            ],
            user=request.user,
        )
        return self._detail(meeting)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "position", "name", "max_points", "guidance"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = CriteriaSet
        fields = ["id", "organization", "name", "valid_from", "valid_to", "source", "criteria"]


class CriteriaSetViewSet(RestrictedReadOnlyViewSet):
    """Criteria sets issued in the user's subtree (the sets above it are read through
    the meetings scored under them)."""

    personal_data = False  # org-level data: reads are not logged

    queryset = CriteriaSet.objects.prefetch_related("criteria")
    serializer_class = CriteriaSetSerializer


class MeetingTaskViewSet(RestrictedReadOnlyViewSet):
    """Tasks created by resolutions, with owner and due date."""

    queryset = MeetingTask.objects.select_related("owner", "resolution")
    serializer_class = TaskSerializer
    ordering_fields = ["due_on"]


ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    ("meeting-criteria-sets", CriteriaSetViewSet, "meeting-criteria-set"),
    ("meeting-tasks", MeetingTaskViewSet, "meeting-task"),
]
