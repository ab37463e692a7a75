from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.organizations.models import Organization, OrgType


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


ROUTES = [("organizations", OrganizationViewSet, "organization")]
