"""API of committees and cadres. Reads restricted by restrict(user, action); writes go through
the services (DomainError → 400). Planning answers to committees.view_planning."""

import django_filters
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.committees import services
from dangbo.committees.models import (
    AgencyCategory,
    AgencyPosition,
    AppointmentComment,
    Body,
    Candidate,
    ChangeKind,
    CommentKind,
    CommitteeChange,
    Congress,
    Election,
    ManagementScope,
    Opinion,
    PartyPost,
    PlannedPost,
    PlanningCandidate,
    PostPeriod,
    ResidenceAssessment,
    ResidenceComment,
    Term,
    valid_on,
)
from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.core.permissions import has_permission
from dangbo.members.models import Member
from dangbo.organizations.models import Organization


def _require(user, permission, path):
    """Acting on an org or member outside the user's reach answers 404, like reading it."""
    if not has_permission(user, permission, path):
        raise Http404


class OnDateFilter(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label="Hiệu lực vào ngày")

    def filter_on(self, queryset, name, value):
        return queryset.filter(valid_on(value))


# --- Serializers ---------------------------------------------------------------------------


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "organization", "name", "starts_on", "ends_on"]


class CandidateSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    percent = serializers.FloatField(read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "member", "member_name", "votes", "percent", "elected"]


class ElectionSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta:
        model = Election
        fields = ["id", "congress", "body", "held_on", "seats", "voters", "threshold", "candidates"]


class CongressSerializer(serializers.ModelSerializer):
    term_name = serializers.CharField(source="term.name", read_only=True)

    class Meta:
        model = Congress
        fields = [
            "id",
            "organization",
            "term",
            "term_name",
            "number",
            "held_on",
            "delegates_summoned",
            "delegates_present",
            "note",
        ]


class CongressWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    term_name = serializers.CharField(max_length=60)
    number = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    held_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    delegates_summoned = serializers.IntegerField(min_value=1, max_value=100000)
    delegates_present = serializers.IntegerField(min_value=0, max_value=100000)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VoteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    votes = serializers.IntegerField(min_value=0, max_value=1000000)


class ElectionWriteSerializer(serializers.Serializer):
    body = serializers.ChoiceField(choices=Body.choices)
    held_on = serializers.DateField()
    seats = serializers.IntegerField(min_value=1, max_value=1000)
    voters = serializers.IntegerField(min_value=1, max_value=1000000)
    results = VoteSerializer(many=True)


class PostPeriodSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = PostPeriod
        fields = [
            "id",
            "organization",
            "organization_name",
            "member",
            "member_name",
            "post",
            "term",
            "valid_from",
            "valid_to",
            "start_kind",
            "end_kind",
            "decision_number",
        ]


class CommitteeChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeChange
        fields = [
            "id",
            "organization",
            "term",
            "kind",
            "date",
            "member",
            "post",
            "decision_number",
            "votes",
            "voters",
            "reason",
        ]
        read_only_fields = ["term"]


class CommitteeChangeWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    member = serializers.IntegerField()
    post = serializers.ChoiceField(choices=PartyPost.choices)
    date = serializers.DateField()
    decision_number = serializers.CharField(max_length=60, required=False, default="")
    votes = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    voters = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reason = serializers.CharField(max_length=500, required=False, default="")


class AgencyPositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyPosition
        fields = [
            "id",
            "member",
            "category",
            "title",
            "agency",
            "valid_from",
            "valid_to",
            "decision_number",
        ]


class AgencyPositionWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    category = serializers.ChoiceField(choices=AgencyCategory.choices)
    title = serializers.CharField(max_length=160)
    agency = serializers.CharField(max_length=255)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    decision_number = serializers.CharField(max_length=60, required=False, default="")


class ManagementScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManagementScope
        fields = [
            "id",
            "organization",
            "party_post",
            "org_type",
            "agency_category",
            "title_contains",
            "valid_from",
            "valid_to",
            "note",
        ]


class PlannedPostSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlannedPost
        fields = ["id", "organization", "term", "title", "order"]


class PlanningCandidateSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = PlanningCandidate
        fields = [
            "id",
            "planned_post",
            "member",
            "member_name",
            "added_on",
            "added_reason",
            "removed_on",
            "removed_reason",
        ]


class AppointmentCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppointmentComment
        fields = [
            "id",
            "organization",
            "member",
            "kind",
            "post",
            "requesting_agency",
            "requested_on",
            "due_on",
            "responded_on",
            "opinion",
            "content",
        ]


class AppointmentRequestSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    member = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CommentKind.choices)
    post = serializers.CharField(max_length=160)
    requesting_agency = serializers.CharField(max_length=255)
    requested_on = serializers.DateField()
    due_on = serializers.DateField(required=False, allow_null=True)


class AppointmentResponseSerializer(serializers.Serializer):
    responded_on = serializers.DateField()
    opinion = serializers.ChoiceField(choices=Opinion.choices)
    content = serializers.CharField()


class ResidenceCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidenceComment
        fields = [
            "id",
            "member",
            "residence_org",
            "year",
            "requested_on",
            "due_on",
            "responded_on",
            "assessment",
            "content",
        ]


class ResidenceRequestSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    residence_org = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    requested_on = serializers.DateField()
    due_on = serializers.DateField(required=False, allow_null=True)


class ResidenceResponseSerializer(serializers.Serializer):
    responded_on = serializers.DateField()
    assessment = serializers.ChoiceField(choices=ResidenceAssessment.choices)
    content = serializers.CharField()


def _org(user, pk, permission="committees.change") -> Organization:
    org = Organization.objects.filter(pk=pk).select_related("org_type").first()
    if org is None:
        raise Http404
    _require(user, permission, org.path)
    return org


def _member(user, pk, permission="committees.change") -> Member:
    member = Member.objects.filter(pk=pk).first()
    if member is None:
        raise Http404
    _require(user, permission, member.org_path)
    return member


# --- Viewsets --------------------------------------------------------------------------------


class TermViewSet(RestrictedReadOnlyViewSet):
    """Terms of office of the orgs in reach."""

    personal_data = False  # org-level data: reads are not logged

    queryset = Term.objects.all()
    serializer_class = TermSerializer
    filterset_fields = {"organization": ["exact"], "starts_on": ["gte", "lte"]}
    ordering_fields = ["starts_on", "id"]


class CongressViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Congresses; POST records one (it opens a term), `election` records a vote."""

    personal_data = False  # org-level data: reads are not logged

    queryset = Congress.objects.select_related("term")
    serializer_class = CongressSerializer
    filterset_fields = {"organization": ["exact"], "held_on": ["gte", "lte"]}
    ordering_fields = ["held_on", "id"]

    @extend_schema(request=CongressWriteSerializer, responses={201: CongressSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CongressWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        congress = services.record_congress(
            organization=_org(request.user, data.pop("organization")), user=request.user, **data
        )
        return Response(CongressSerializer(congress).data, status.HTTP_201_CREATED)

    @extend_schema(request=ElectionWriteSerializer, responses={201: ElectionSerializer})
    @action(detail=True, methods=["post"])
    def election(self, request, pk=None):
        """Record one election with every candidate's votes (elected > threshold)."""
        congress = self.get_object()
        serializer = ElectionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        results = [
            services.Vote(_member(request.user, row["member"], "committees.view"), row["votes"])
            for row in data.pop("results")
        ]
        election = services.record_election(congress, results=results, user=request.user, **data)
        return Response(ElectionSerializer(election).data, status.HTTP_201_CREATED)


class ElectionViewSet(RestrictedReadOnlyViewSet):
    queryset = Election.objects.prefetch_related("candidates__member", "candidates__election")
    serializer_class = ElectionSerializer
    filterset_fields = {"congress": ["exact"], "body": ["exact"]}
    ordering_fields = ["held_on", "id"]


class PostPeriodFilter(OnDateFilter):
    class Meta:
        model = PostPeriod
        fields = {"organization": ["exact"], "member": ["exact"], "post": ["exact"]}


class PostPeriodViewSet(RestrictedReadOnlyViewSet):
    """Party posts as dated periods; `on=YYYY-MM-DD` gives a committee as it stood that day."""

    queryset = PostPeriod.objects.select_related("member", "organization")
    serializer_class = PostPeriodSerializer
    filterset_class = PostPeriodFilter
    ordering_fields = ["valid_from", "id"]


class CommitteeChangeViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Mid-term changes; POST records one (opens or closes a post period)."""

    queryset = CommitteeChange.objects.all()
    serializer_class = CommitteeChangeSerializer
    filterset_fields = {"organization": ["exact"], "kind": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date", "id"]

    @extend_schema(
        request=CommitteeChangeWriteSerializer, responses={201: CommitteeChangeSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = CommitteeChangeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        change = services.record_change(
            organization=_org(request.user, data.pop("organization")),
            member=_member(request.user, data.pop("member"), "committees.view"),
            on=data.pop("date"),
            user=request.user,
            **data,
        )
        return Response(CommitteeChangeSerializer(change).data, status.HTTP_201_CREATED)


class AgencyPositionFilter(OnDateFilter):
    class Meta:
        model = AgencyPosition
        fields = {"member": ["exact"], "category": ["exact"]}


class AgencyPositionViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Government/agency posts held by members, dated and categorised."""

    queryset = AgencyPosition.objects.all()
    serializer_class = AgencyPositionSerializer
    filterset_class = AgencyPositionFilter
    ordering_fields = ["valid_from", "id"]

    @extend_schema(request=AgencyPositionWriteSerializer, responses={201: AgencyPositionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AgencyPositionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        position = services.record_agency_position(
            member=_member(request.user, data.pop("member")), **data
        )
        return Response(AgencyPositionSerializer(position).data, status.HTTP_201_CREATED)


class ManagementScopeViewSet(RestrictedReadOnlyViewSet):
    queryset = ManagementScope.objects.all()
    serializer_class = ManagementScopeSerializer
    filterset_fields = {"organization": ["exact"], "party_post": ["exact"]}
    ordering_fields = ["valid_from", "id"]


class PlannedPostViewSet(RestrictedReadOnlyViewSet):
    """Planned posts (confidential: committees.view_planning)."""

    queryset = PlannedPost.objects.all()
    serializer_class = PlannedPostSerializer
    view_action = "view_planning"
    change_action = "change_planning"
    filterset_fields = {"term": ["exact"], "organization": ["exact"]}
    ordering_fields = ["order", "id"]


class PlanningCandidateViewSet(RestrictedReadOnlyViewSet):
    """Members in the cadre planning (confidential: committees.view_planning)."""

    queryset = PlanningCandidate.objects.select_related("member")
    serializer_class = PlanningCandidateSerializer
    view_action = "view_planning"
    change_action = "change_planning"
    filterset_fields = {"planned_post": ["exact"], "member": ["exact"]}
    ordering_fields = ["added_on", "id"]


class AppointmentCommentViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Committee comments for appointments: POST a request, `respond` with the comment."""

    queryset = AppointmentComment.objects.all()
    serializer_class = AppointmentCommentSerializer
    filterset_fields = {"organization": ["exact"], "member": ["exact"], "due_on": ["lt"]}
    ordering_fields = ["requested_on", "due_on", "id"]

    @extend_schema(
        request=AppointmentRequestSerializer, responses={201: AppointmentCommentSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = AppointmentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        comment = services.request_appointment_comment(
            organization=_org(request.user, data.pop("organization")),
            member=_member(request.user, data.pop("member")),
            user=request.user,
            **data,
        )
        return Response(AppointmentCommentSerializer(comment).data, status.HTTP_201_CREATED)

    @extend_schema(
        request=AppointmentResponseSerializer, responses={200: AppointmentCommentSerializer}
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        comment = self.get_object()
        serializer = AppointmentResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.respond_appointment_comment(comment, **serializer.validated_data)
        return Response(AppointmentCommentSerializer(comment).data)


class ResidenceCommentViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Residence cells' yearly comments on members working in agencies."""

    queryset = ResidenceComment.objects.all()
    serializer_class = ResidenceCommentSerializer
    filterset_fields = {"member": ["exact"], "year": ["exact"], "due_on": ["lt"]}
    ordering_fields = ["year", "due_on", "id"]

    @extend_schema(request=ResidenceRequestSerializer, responses={201: ResidenceCommentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ResidenceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        org = Organization.objects.filter(pk=data.pop("residence_org")).select_related("org_type")
        if not org:
            raise Http404
        comment = services.request_residence_comment(
            member=_member(request.user, data.pop("member")),
            residence_org=org[0],
            user=request.user,
            **data,
        )
        return Response(ResidenceCommentSerializer(comment).data, status.HTTP_201_CREATED)

    @extend_schema(request=ResidenceResponseSerializer, responses={200: ResidenceCommentSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        comment = self.get_object()
        serializer = ResidenceResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.respond_residence_comment(comment, **serializer.validated_data)
        return Response(ResidenceCommentSerializer(comment).data)


ROUTES = [
    ("committee-terms", TermViewSet, "committee-term"),
    ("congresses", CongressViewSet, "congress"),
    ("committee-elections", ElectionViewSet, "committee-election"),
    ("party-posts", PostPeriodViewSet, "party-post"),
    ("committee-changes", CommitteeChangeViewSet, "committee-change"),
    ("agency-positions", AgencyPositionViewSet, "agency-position"),
    ("management-scopes", ManagementScopeViewSet, "management-scope"),
    ("planned-posts", PlannedPostViewSet, "planned-post"),
    ("planning-candidates", PlanningCandidateViewSet, "planning-candidate"),
    ("appointment-comments", AppointmentCommentViewSet, "appointment-comment"),
    ("residence-comments", ResidenceCommentViewSet, "residence-comment"),
]
