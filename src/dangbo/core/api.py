"""API building blocks: restricted viewsets, optimistic locking of writes, and a handler
turning DomainError into HTTP 400 (the body parsers are in core.parsers)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangbo.core import accounts
from dangbo.core.audit import attribute_to
from dangbo.core.errors import DomainError, StaleVersion
from dangbo.core.models import DayOverride, Role, RoleAssignment, RuleParameter
from dangbo.core.permissions import restrict_queryset


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return Response(exc.as_dict(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


# Optimistic locking of API writes, like the screens' hidden `version` field: a record's read
# serializer shows `version`, a PATCH must send it back; if the record changed in between, the
# service refuses under a row lock (StaleVersion) and the API answers 409, writing nothing.
VERSION_HELP = (
    "`version` của bản ghi khi đọc (GET); bắt buộc khi sửa (PATCH). Nếu bản ghi đã bị người "
    "khác sửa sau đó, yêu cầu bị từ chối với mã 409 và không có gì thay đổi: đọc lại rồi gửi lại."
)


def version_field(**kwargs):
    """The `version` a write must send back (read-only on the read serializer)."""
    return serializers.CharField(help_text=VERSION_HELP, **kwargs)


def pop_version(data: dict) -> str:
    """The `version` a PATCH sent (required even though a PATCH is partial)."""
    version = data.pop("version", "")
    if not version:
        raise ValidationError({"version": ["Cần gửi `version` của bản ghi (đọc bằng GET)."]})
    return version


class ConflictSerializer(serializers.Serializer):
    version = serializers.ListField(child=serializers.CharField())


CONFLICT_RESPONSE = OpenApiResponse(
    ConflictSerializer, description="Bản ghi đã thay đổi từ khi đọc; không có gì được ghi."
)


class RestrictedViewSetMixin:
    """Every API queryset goes through restrict(user, action); objects outside answer 404.

    Models with a RestrictedQuerySet restrict themselves; for other models (periods, events)
    the viewset names `restrict_path_field` and `permission_app`.
    """

    read_actions = {"list", "retrieve", "metadata"}
    view_action = "view"
    change_action = "change"
    restrict_path_field: str | None = None
    permission_app: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_to(request.user)

    def permission_action(self) -> str:
        if self.action in self.read_actions or self.action is None:
            return self.view_action
        return self.change_action

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.restrict_path_field is None:
            return queryset.restrict(self.request.user, self.permission_action())
        app = self.permission_app or queryset.model._meta.app_label
        return restrict_queryset(
            queryset,
            self.request.user,
            f"{app}.{self.permission_action()}",
            self.restrict_path_field,
        )


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ReferenceReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data shared by the whole system (role definitions, rules, calendar): any
    signed-in user reads it; it holds nothing about people or orgs."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_to(request.user)


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "permissions"]

    permissions = serializers.ListField(child=serializers.CharField(), read_only=True)


class RoleViewSet(ReferenceReadOnlyViewSet):
    """Roles: named sets of permission codes."""

    queryset = Role.objects.all()
    serializer_class = RoleSerializer
    filterset_fields = {"code": ["exact"]}
    ordering_fields = ["name", "code"]


class RuleParameterSerializer(serializers.ModelSerializer):
    value = serializers.JSONField(read_only=True)

    class Meta:
        model = RuleParameter
        fields = ["id", "key", "value", "valid_from", "org_path", "source"]


class RuleParameterViewSet(ReferenceReadOnlyViewSet):
    """Configurable rule values with the date they take effect."""

    queryset = RuleParameter.objects.all()
    serializer_class = RuleParameterSerializer
    filterset_fields = {"key": ["exact"], "valid_from": ["gte", "lte"]}
    ordering_fields = ["key", "valid_from"]


class DayOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = DayOverride
        fields = ["id", "day", "is_working_day", "note"]


class DayOverrideViewSet(ReferenceReadOnlyViewSet):
    """Shifted days off and compensating working days."""

    queryset = DayOverride.objects.all()
    serializer_class = DayOverrideSerializer
    filterset_fields = {"day": ["gte", "lte"], "is_working_day": ["exact"]}
    ordering_fields = ["day"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "organization", "is_active", "created_at"]


class RoleAssignmentViewSet(RestrictedReadOnlyViewSet):
    """Roles held by users on org nodes, within the administrator's subtrees."""

    queryset = RoleAssignment.objects.select_related("role")
    serializer_class = RoleAssignmentSerializer
    restrict_path_field = "organization__path"
    view_action = "admin"
    filterset_fields = {"user": ["exact"], "role": ["exact"], "is_active": ["exact"]}
    ordering_fields = ["id", "created_at"]


class UserSerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    full_name = serializers.CharField(source="first_name", read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "full_name", "email", "is_active", "organization"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_organization(self, obj) -> int | None:
        profile = getattr(obj, "profile", None)
        return profile.organization_id if profile else None


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """User accounts managed within the administrator's subtrees (never deleted)."""

    serializer_class = UserSerializer
    filterset_fields = {"is_active": ["exact"], "username": ["exact"]}
    ordering_fields = ["username", "id"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_to(request.user)

    def get_queryset(self):
        return (
            accounts.manageable_users(self.request.user)
            .select_related("profile")
            .order_by("username")
        )


ROUTES = [
    ("roles", RoleViewSet, "role"),
    ("role-assignments", RoleAssignmentViewSet, "roleassignment"),
    ("rule-parameters", RuleParameterViewSet, "ruleparameter"),
    ("day-overrides", DayOverrideViewSet, "dayoverride"),
    ("users", UserViewSet, "user"),
]
