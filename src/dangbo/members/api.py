"""Members API: the register (read; create and correct through the services), the dated
history (placements, statuses, gaps, events) and discipline decisions."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.core.api import (
    CONFLICT_RESPONSE,
    RestrictedReadOnlyViewSet,
    RestrictedSerializerMixin,
    pop_version,
    version_field,
)
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask
from dangbo.members import services
from dangbo.members.choices import Status
from dangbo.members.filters import MemberFilter
from dangbo.members.models import (
    Discipline,
    Member,
    MemberEvent,
    MembershipGap,
    Placement,
    StatusPeriod,
)
from dangbo.organizations.models import Organization


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    version = version_field(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "gender",
            "birth_date",
            "ethnicity",
            "religion",
            "id_number",
            "education",
            "qualification",
            "theory_level",
            "occupation",
            "admitted_on",
            "official_on",
            "status",
            "status_since",
            "organization",
            "organization_name",
            "version",
        ]

    def get_id_number(self, obj) -> str:
        """In full only where the caller holds members.view_identity on the member's org."""
        shown_id = self.context.get("shown_id") or IdentityMask(self.context["request"].user)
        return shown_id(obj.id_number, obj.org_path)


class MemberWriteSerializer(RestrictedSerializerMixin, serializers.ModelSerializer):
    """Identity fields for registering or correcting a member; checks are the services'. The
    org: where the user holds members.change (restricted centrally)."""

    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), help_text="Chi bộ (khi đưa vào sổ)."
    )
    id_number = serializers.CharField(
        max_length=12, required=False, allow_blank=True, allow_null=True
    )
    reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="Lý do / căn cứ."
    )

    class Meta:
        model = Member
        fields = ["organization", *services.IDENTITY_FIELDS, "reason"]

    def get_validators(self):
        return []  # uniqueness is checked by the service, with its own Vietnamese message


class MemberCorrectionSerializer(MemberWriteSerializer):
    reason = serializers.CharField(max_length=255, help_text="Lý do đính chính (bắt buộc).")
    version = version_field(max_length=64)

    class Meta(MemberWriteSerializer.Meta):
        fields = [*services.IDENTITY_FIELDS, "reason", "version"]
        extra_kwargs = {name: {"required": False} for name in services.IDENTITY_FIELDS}


class StatusChangeSerializer(serializers.Serializer):
    new_status = serializers.ChoiceField(
        choices=[c for c in Status.choices if c[0] != Status.MERGED]
    )
    on = serializers.DateField()
    decision_number = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=500)


class MemberApiFilter(MemberFilter):
    org = django_filters.NumberFilter(label="Thuộc tổ chức (mã số)", method="filter_org")


class MemberViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyViewSet):
    """Members reachable by the user; ID numbers masked unless the role needs them.

    Create puts a member on the register, PATCH corrects identity fields (the old values stay
    in the history) and `status` records a status change; rule violations answer 400.
    """

    queryset = Member.objects.select_related("organization")
    serializer_class = MemberSerializer
    filterset_class = MemberApiFilter
    ordering_fields = ["name_search", "birth_date", "admitted_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        # one reach lookup per request for the ID rule, not one per row
        return {**super().get_serializer_context(), "shown_id": IdentityMask(self.request.user)}

    def _answer(self, member, code=status.HTTP_200_OK):
        member = self.get_queryset().model.objects.select_related("organization").get(pk=member.pk)
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data, code)

    @extend_schema(request=MemberWriteSerializer, responses={201: MemberSerializer})
    def create(self, request, *args, **kwargs):
        serializer = MemberWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = services.register_member(
            organization=data.pop("organization"),
            user=request.user,
            reason=data.pop("reason", ""),
            **data,
        )
        return self._answer(member, status.HTTP_201_CREATED)

    @extend_schema(
        request=MemberCorrectionSerializer,
        responses={200: MemberSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        serializer = MemberCorrectionSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        version = pop_version(data)
        if "id_number" in data and not (data["id_number"] or "").strip():
            self._check_may_clear_id_number(member)
        member = services.correct_identity(
            member, reason=reason, user=request.user, expected_version=version, **data
        )
        return self._answer(member)

    def _check_may_clear_id_number(self, member) -> None:
        """Only a user who sees the number may clear it (others may replace it)."""
        if member.id_number and not IdentityMask(self.request.user).shows(member.org_path):
            raise DomainError(
                "Không thể xóa số định danh mà bạn chỉ được xem dạng che; "
                "nếu cần đính chính, hãy nhập số mới đủ 12 chữ số.",
                "id_number",
            )

    @extend_schema(request=StatusChangeSerializer, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Record a status change (official recognition, or leaving) as a dated event."""
        member = self.get_object()
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.change_status(member, user=request.user, **serializer.validated_data)
        return self._answer(member)


class MemberHistoryViewSet(RestrictedReadOnlyViewSet):
    """Base for records that belong to a member: restricted by the member's place."""

    restrict_path_field = "member__org_path"
    permission_app = "members"
    ordering_fields = ["valid_from", "id"]


class PlacementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Placement
        fields = ["id", "member", "organization", "valid_from", "valid_to", "decision_number"]


class PlacementViewSet(MemberHistoryViewSet):
    """Which org each member belonged to, and when."""

    queryset = Placement.objects.all()
    serializer_class = PlacementSerializer
    filterset_fields = {"member": ["exact"], "organization": ["exact"], "valid_to": ["isnull"]}


class StatusPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusPeriod
        fields = ["id", "member", "status", "valid_from", "valid_to", "decision_number", "note"]


class StatusPeriodViewSet(MemberHistoryViewSet):
    """Members' statuses over time."""

    queryset = StatusPeriod.objects.all()
    serializer_class = StatusPeriodSerializer
    filterset_fields = {"member": ["exact"], "status": ["exact"], "valid_to": ["isnull"]}


class MembershipGapSerializer(serializers.ModelSerializer):
    class Meta:
        model = MembershipGap
        fields = ["id", "member", "valid_from", "valid_to", "decision_number", "note"]


class MembershipGapViewSet(MemberHistoryViewSet):
    """Gaps in membership, excluded from party age."""

    queryset = MembershipGap.objects.all()
    serializer_class = MembershipGapSerializer
    filterset_fields = {"member": ["exact"]}


class MemberEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberEvent
        fields = ["id", "member", "kind", "date", "summary", "decision_number", "reason"]


class MemberEventViewSet(MemberHistoryViewSet):
    """Domain events in members' lives (the timeline)."""

    queryset = MemberEvent.objects.all()
    serializer_class = MemberEventSerializer
    filterset_fields = {"member": ["exact"], "kind": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date", "id"]


class DisciplineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Discipline
        fields = [
            "id",
            "member",
            "form",
            "decided_on",
            "decision_number",
            "authority",
            "reason",
            "annulled_on",
        ]


class DisciplineViewSet(RestrictedReadOnlyViewSet):
    """Discipline decisions on members."""

    queryset = Discipline.objects.all()
    serializer_class = DisciplineSerializer
    restrict_path_field = "member__org_path"
    permission_app = "members"
    filterset_fields = {"member": ["exact"], "form": ["exact"], "decided_on": ["gte", "lte"]}
    ordering_fields = ["decided_on", "id"]


ROUTES = [
    ("members", MemberViewSet, "member"),
    ("placements", PlacementViewSet, "placement"),
    ("status-periods", StatusPeriodViewSet, "statusperiod"),
    ("membership-gaps", MembershipGapViewSet, "membershipgap"),
    ("member-events", MemberEventViewSet, "memberevent"),
    ("disciplines", DisciplineViewSet, "discipline"),
]
