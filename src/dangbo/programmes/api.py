"""API: documents (register, search), programmes (tree with roll-ups, summary), items
(cascade, report), tasks (assign, report), commitments. Writes go through the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.core.api import (
    RestrictedReadOnlyViewSet,
    RestrictedSerializerMixin,
    RestrictedViewSetMixin,
)
from dangbo.core.params import get_date
from dangbo.core.parsers import FormParser, JSONParser, MultiPartParser
from dangbo.organizations.models import Organization
from dangbo.programmes import queries, services
from dangbo.programmes.filters import DocumentFilter
from dangbo.programmes.models import (
    Commitment,
    CommitmentItem,
    Document,
    Programme,
    ProgrammeItem,
    ProgressReport,
    ReportStatus,
    Task,
)


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionDenied as exc:
        raise Http404 from exc


class DocumentSerializer(RestrictedSerializerMixin, serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    attachment = serializers.FileField(write_only=True, required=False)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "organization",
            "organization_name",
            "doc_type",
            "number",
            "issued_on",
            "signer",
            "summary",
            "attachment",
            "has_attachment",
            "attachment_name",
            "attachment_size",
        ]
        read_only_fields = ["attachment_name", "attachment_size"]

    def get_has_attachment(self, obj) -> bool:
        return bool(obj.attachment)


class DocumentViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Documents issued in the user's subtrees; `q` searches without diacritics."""

    personal_data = False  # org-level data: reads are not logged

    queryset = Document.objects.select_related("organization")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    read_actions = {"list", "retrieve", "metadata", "counts"}
    ordering_fields = ["issued_on", "number"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _call(services.register_document, user=self.request.user, **data)

    @extend_schema(responses={200: {"type": "object"}})
    @action(detail=False, methods=["get"])
    def counts(self, request):
        """Counts by type over the filtered documents."""
        queryset = self.filter_queryset(self.get_queryset())
        return Response(queries.document_counts(queryset))


@extend_schema_serializer(component_name="WorkProgramme")
class ProgrammeSerializer(RestrictedSerializerMixin, serializers.ModelSerializer):
    field_permissions = {"source_document": "programmes.view"}

    class Meta:
        model = Programme
        fields = [
            "id",
            "organization",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "source_document",
        ]


class ProgrammeViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    personal_data = False  # org-level data: reads are not logged
    queryset = Programme.objects.select_related("organization")
    serializer_class = ProgrammeSerializer
    filterset_fields = ["kind", "organization"]
    read_actions = {"list", "retrieve", "metadata", "summary"}

    def perform_create(self, serializer):
        serializer.instance = _call(
            services.create_programme, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses={200: {"type": "object"}})
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """'x of y done', weighted %, overdue, for today or `?on=YYYY-MM-DD` (as of that day);
        with the roll-up of every item of the first two levels, keyed by item path."""
        programme = self.get_object()
        as_of = get_date(request, "on")
        on = as_of or timezone.localdate()
        summary = queries.programme_summary(programme, on=on, as_of=as_of is not None, levels=2)
        rollups = summary.pop("rollups")
        summary["items"] = {
            path: {"percent": r.percent, "leaves": r.leaves, "done": r.done, "overdue": r.overdue}
            for path, r in sorted(rollups.items())
        }
        return Response(summary)


class ItemSerializer(RestrictedSerializerMixin, serializers.ModelSerializer):
    """Orgs and parent items where the user changes programmes; the programme and the
    document among those they see (restricted centrally)."""

    field_permissions = {"programme": "programmes.view", "source_document": "programmes.view"}
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=ProgrammeItem.objects.all(), required=False, allow_null=True
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False
    )

    class Meta:
        model = ProgrammeItem
        fields = [
            "id",
            "programme",
            "parent",
            "path",
            "depth",
            "organization",
            "organization_name",
            "owner_person",
            "title",
            "expected_result",
            "due_on",
            "weight",
            "source_document",
            "is_cascade",
            "progress",
            "reported_status",
            "done_on",
        ]
        read_only_fields = [
            "path",
            "depth",
            "is_cascade",
            "progress",
            "reported_status",
            "done_on",
        ]


class CascadeSerializer(RestrictedSerializerMixin, serializers.Serializer):
    organizations = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True
    )
    due_on = serializers.DateField(required=False, allow_null=True)


class ReportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ReportStatus.choices)

    class Meta:
        model = ProgressReport
        fields = ["id", "reported_on", "percent", "status", "evidence", "comment"]


class ItemViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Programme items in the user's subtrees; create = add (sub-)item; cascade; report."""

    personal_data = False  # org-level data: reads are not logged

    queryset = ProgrammeItem.objects.select_related("organization")
    serializer_class = ItemSerializer
    filterset_fields = ["programme", "organization", "depth"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _call(
            services.add_item,
            programme=data.pop("programme"),
            parent=data.pop("parent", None),
            user=self.request.user,
            **data,
        )

    @extend_schema(request=CascadeSerializer, responses={201: ItemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def cascade(self, request, pk=None):
        item = self.get_object()
        payload = CascadeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        created = _call(
            services.cascade_item,
            item,
            organizations=payload.validated_data["organizations"],
            due_on=payload.validated_data.get("due_on"),
            user=request.user,
        )
        return Response(ItemSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportSerializer, responses={201: ReportSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        item = self.get_object()
        payload = ReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = _call(
            services.report_item_progress, item, user=request.user, **payload.validated_data
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class TaskSerializer(RestrictedSerializerMixin, serializers.ModelSerializer):
    field_permissions = {"source_document": "programmes.view", "programme_item": "programmes.view"}

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "assigner_org",
            "assignee_org",
            "assignee_person",
            "target",
            "indicator",
            "due_on",
            "source_document",
            "programme_item",
            "source_ref",
            "progress",
            "reported_status",
            "done_on",
        ]
        read_only_fields = ["progress", "reported_status", "done_on"]


class TaskViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tasks seen by the assignee's subtree and by the assigner; `report` adds progress."""

    queryset = Task.objects.select_related("assigner_org", "assignee_org")
    serializer_class = TaskSerializer
    filterset_fields = ["kind", "assignee_org", "assigner_org"]

    def perform_create(self, serializer):
        serializer.instance = _call(
            services.assign_task, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=ReportSerializer, responses={201: ReportSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        task = self.get_object()
        payload = ReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = _call(
            services.report_task_progress, task, user=request.user, **payload.validated_data
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class CommitmentItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitmentItem
        fields = ["id", "position", "content", "achieved", "result_note"]


class CommitmentSerializer(serializers.ModelSerializer):
    items = CommitmentItemSerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "organization",
            "year",
            "member",
            "signer_name",
            "position",
            "signed_on",
            "evaluated_on",
            "items",
        ]


class CommitmentViewSet(RestrictedReadOnlyViewSet):
    queryset = Commitment.objects.select_related("organization").prefetch_related("items")
    serializer_class = CommitmentSerializer
    filterset_fields = ["year", "organization"]


ROUTES = [
    ("documents", DocumentViewSet, "document"),
    ("programmes", ProgrammeViewSet, "programme"),
    ("programme-items", ItemViewSet, "programme-item"),
    ("tasks", TaskViewSet, "task"),
    ("commitments", CommitmentViewSet, "commitment"),
]
