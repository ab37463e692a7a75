from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangbo.core.api import ReferenceReadOnlyViewSet, RestrictedReadOnlyViewSet
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod, OrgType


class OrgTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgType
        fields = ["id", "code", "name", "holds_members", "is_grassroots"]


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    org_type = OrgTypeSerializer(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "code",
            "path",
            "depth",
            "numchild",
            "parent",
            "org_type",
            "founded_on",
            "dissolved_on",
            "is_active",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent(self, obj) -> int | None:
        if obj.depth <= 1:
            return None
        return self.context["parents"].get(obj.path[: -Organization.steplen])


class OrganizationViewSet(RestrictedReadOnlyViewSet):
    """Party organisations reachable by the user, in tree (path) order."""

    personal_data = False  # org-level data: reads are not logged

    queryset = Organization.objects.select_related("org_type")
    serializer_class = OrganizationSerializer
    filterset_fields = {"depth": ["exact"], "is_active": ["exact"], "org_type__code": ["exact"]}
    ordering_fields = ["path", "name"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["parents"] = _ParentLookup()
        return context


class _ParentLookup(dict):
    """Maps a parent path to its id, loading lazily and caching (no N+1 over a page)."""

    def get(self, path, default=None):
        if path not in self:
            self[path] = Organization.objects.filter(path=path).values_list("pk", flat=True).first()
        return self[path]


class OrgTypeViewSet(ReferenceReadOnlyViewSet):
    """Kinds of organisation (reference data)."""

    queryset = OrgType.objects.all()
    serializer_class = OrgTypeSerializer
    filterset_fields = {"holds_members": ["exact"], "is_grassroots": ["exact"]}
    ordering_fields = ["sort_order", "code"]


class OrgPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgPeriod
        fields = [
            "id",
            "organization",
            "valid_from",
            "valid_to",
            "name",
            "path",
            "parent",
            "org_type",
        ]


class OrgPeriodViewSet(RestrictedReadOnlyViewSet):
    """Valid time of orgs' names, parents and paths (the tree as it stood on any date)."""

    personal_data = False  # org-level data: reads are not logged

    queryset = OrgPeriod.objects.all()
    serializer_class = OrgPeriodSerializer
    restrict_path_field = "organization__path"
    filterset_fields = {
        "organization": ["exact"],
        "valid_from": ["gte", "lte"],
        "valid_to": ["gte", "lte", "isnull"],
    }
    ordering_fields = ["valid_from", "id"]


class OrgEventSerializer(serializers.ModelSerializer):
    details = serializers.JSONField(read_only=True)

    class Meta:
        model = OrgEvent
        fields = [
            "id",
            "organization",
            "kind",
            "effective_date",
            "decision_number",
            "decision_date",
            "signer",
            "note",
            "details",
            "created_at",
        ]


class OrgEventViewSet(RestrictedReadOnlyViewSet):
    """Dated decisions about orgs: founded, renamed, moved, merged, split, dissolved."""

    personal_data = False  # org-level data: reads are not logged

    queryset = OrgEvent.objects.all()
    serializer_class = OrgEventSerializer
    restrict_path_field = "organization__path"
    filterset_fields = {
        "organization": ["exact"],
        "kind": ["exact"],
        "effective_date": ["gte", "lte"],
    }
    ordering_fields = ["effective_date", "id"]


ROUTES = [
    ("organizations", OrganizationViewSet, "organization"),
    ("org-types", OrgTypeViewSet, "orgtype"),
    ("org-periods", OrgPeriodViewSet, "orgperiod"),
    ("org-events", OrgEventViewSet, "orgevent"),
]
