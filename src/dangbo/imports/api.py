"""API for imports: upload a file, set the column mapping (starts the dry run), read the
preview report, commit, roll back, retry; the job itself carries the state and progress.

Every write is one service call (imports.services); jobs outside the user's subtree answer 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.core.api import RestrictedSerializerMixin, RestrictedViewSetMixin
from dangbo.core.parsers import FormParser, JSONParser, MultiPartParser
from dangbo.imports import services
from dangbo.imports.models import ImportJob, Kind
from dangbo.organizations.models import Organization


class ImportJobSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    counts = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    headers = serializers.ListField(child=serializers.CharField(allow_blank=True), read_only=True)
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True), read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "organization",
            "organization_name",
            "file_name",
            "sheet_name",
            "headers",
            "mapping",
            "state",
            "step",
            "skip_errors",
            "progress_done",
            "progress_total",
            "percent",
            "counts",
            "error_message",
            "created_by",
            "created_at",
            "committed_by",
            "committed_at",
            "rolled_back_by",
            "rolled_back_at",
        ]
        read_only_fields = fields


class UploadSerializer(RestrictedSerializerMixin, serializers.Serializer):
    """The org: one of the user's import roots (restricted centrally, then to the roots)."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none())
    file = serializers.FileField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["organization"].queryset = services.import_roots(user)


class MappingSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=40),
        help_text="Số thứ tự cột trong tệp (từ 0) → trường cần nhập; bỏ trống để bỏ qua cột.",
    )


class CommitSerializer(serializers.Serializer):
    skip_errors = serializers.BooleanField(default=False)


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    """The preview (dry run): counts, every row error (row, column, message), the updates
    with old → new values, and the first rows to create."""

    counts = serializers.DictField(child=serializers.IntegerField())
    errors = ImportRowErrorSerializer(many=True)
    errors_total = serializers.IntegerField()
    updates = serializers.ListField(child=serializers.JSONField())
    creates = serializers.ListField(child=serializers.JSONField())


class ImportJobViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Import jobs in the user's subtrees, newest first."""

    personal_data = False  # org-level data: reads are not logged

    queryset = ImportJob.objects.select_related("organization")
    serializer_class = ImportJobSerializer
    filterset_fields = {"kind": ["exact"], "state": ["exact"], "organization": ["exact"]}
    ordering_fields = ["created_at", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    read_actions = {"list", "retrieve", "metadata", "report"}

    def get_object(self):
        services.reap_stale_jobs()
        return super().get_object()

    def _answer(self, job: ImportJob, code=status.HTTP_200_OK) -> Response:
        return Response(ImportJobSerializer(job).data, status=code)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportJobSerializer},
    )
    def create(self, request):
        """Upload an .xlsx or .csv file: it is kept, its headers read and the columns mapped
        automatically. Nothing is checked yet (POST …/mapping/ starts the dry run)."""
        data = UploadSerializer(
            data=request.data, user=request.user, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        job = services.start_import(
            user=request.user,
            root=data.validated_data["organization"],
            kind=data.validated_data["kind"],
            uploaded=data.validated_data["file"],
        )
        return self._answer(job, status.HTTP_201_CREATED)

    @extend_schema(request=MappingSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        """Set which field each column fills, and start the dry run in the background."""
        job = self.get_object()
        data = MappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mapping = services.parse_mapping(data.validated_data["mapping"])
        return self._answer(services.set_mapping(job, mapping, user=request.user))

    @extend_schema(responses=ImportReportSerializer)
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The preview of the last check (or the report of the commit); ID numbers masked
        unless the caller sees them in full on the job's org."""
        job = self.get_object()
        report = {"counts": {}, "errors": [], "errors_total": 0, "updates": [], "creates": []}
        report.update(services.report_for(job, request.user))
        return Response(ImportReportSerializer(report).data)

    @extend_schema(request=CommitSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Write every valid row in one transaction (or none, unless skip_errors)."""
        job = self.get_object()
        data = CommitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.request_commit(
            job, user=request.user, skip_errors=data.validated_data["skip_errors"]
        )
        return self._answer(job)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        """Undo a committed import as a whole, while nothing else changed its rows."""
        job = self.get_object()
        return self._answer(services.request_rollback(job, user=request.user))

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        """Set aside an upload never committed (kept, marked discarded; its file removed)."""
        job = self.get_object()
        return self._answer(services.discard(job, user=request.user))

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Run a failed step again (the failure left the data unchanged)."""
        job = self.get_object()
        return self._answer(services.retry(job, user=request.user))


ROUTES = [("import-jobs", ImportJobViewSet, "importjob")]
