"""API building blocks: restricted viewsets, optimistic locking of writes, and a handler
turning DomainError into HTTP 400 (the body parsers are in core.parsers)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangbo.core import accounts, permissions
from dangbo.core.audit import attribute_to, log_listing, log_record
from dangbo.core.errors import DomainError, StaleVersion
from dangbo.core.forms import OUT_OF_REACH, UNSCOPED, is_scoped
from dangbo.core.models import DayOverride, Role, RoleAssignment, RuleParameter


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


def restrict_serializer_fields(fields, context) -> None:
    """Narrow every writable related field on rows of the org tree to the request user's reach
    for the view's permission (or the field's own, see `core.forms.scoped`): an id outside it
    is a 400 "không tồn tại hoặc ngoài phạm vi" like an id that does not exist, and nothing
    of the object is revealed. Without a request or permission nothing is accepted."""
    request = context.get("request")
    user = getattr(request, "user", None)
    view = context.get("view")
    permission = context.get("permission")
    if permission is None and hasattr(view, "permission_code"):
        permission = view.permission_code()
    for field in fields.values():
        relation = getattr(field, "child_relation", field)  # many=True wraps the relation
        queryset = getattr(relation, "queryset", None)
        if field.read_only or queryset is None or not is_scoped(queryset.model):
            continue
        code = getattr(field, "restrict_permission", getattr(relation, "restrict_permission", None))
        code = code or permission
        if code is UNSCOPED:
            continue
        if code is None or user is None:
            relation.queryset = queryset.none()
        else:
            code = permissions.permission_code(queryset.model, code)
            relation.queryset = permissions.restrict(queryset, user, code)
        relation.error_messages["does_not_exist"] = OUT_OF_REACH
        relation.error_messages["incorrect_type"] = OUT_OF_REACH


class RestrictedSerializerMixin:
    """Serializer base for input naming orgs, members or other rows of the org tree: its
    related fields accept only what the request user reaches (`restrict_serializer_fields`).
    Build it with the view's context (`self.get_serializer(...)` or
    `context=self.get_serializer_context()`). `field_permissions` gives a field its own
    permission ({"source_document": "programmes.view"}) or `UNSCOPED` (the receiving org of a
    transfer lies anywhere): marks set here, on the fields DRF copied for this instance."""

    field_permissions: dict[str, object] = {}

    def get_fields(self):
        fields = super().get_fields()
        for name, permission in self.field_permissions.items():
            fields[name].restrict_permission = permission
        restrict_serializer_fields(fields, self.context)
        return fields


class RestrictedViewSetMixin:
    """Every API queryset goes through restrict(user, action); objects outside answer 404.

    Models with a RestrictedQuerySet restrict themselves; for other models (periods, events)
    the viewset names `restrict_path_field` and `permission_app`.

    Reads of personal records are logged like the screens: one access entry per list page
    (with the query, not one per row) and one per record read. Viewsets of org-level data
    (the tree, plans, programmes) set `personal_data = False`.
    """

    read_actions = {"list", "retrieve", "metadata"}
    view_action = "view"
    change_action = "change"
    restrict_path_field: str | None = None
    permission_app: str | None = None
    personal_data = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        attribute_to(request.user)

    def get_object(self):
        obj = super().get_object()
        self.viewed_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        if self.personal_data and response.status_code == 200:
            self.log_read(request, response)
        return super().finalize_response(request, response, *args, **kwargs)

    def log_read(self, request, response) -> None:
        if self.action == "list":
            data = response.data
            rows = data.get("results", ()) if isinstance(data, dict) else data
            model = self.get_queryset().model
            log_listing(request, model, len(rows), api=True)
        elif self.action == "retrieve" and getattr(self, "viewed_object", None) is not None:
            log_record(request, self.viewed_object, api=True)

    def permission_action(self) -> str:
        if self.action in self.read_actions or self.action is None:
            return self.view_action
        return self.change_action

    def permission_code(self, model=None) -> str:
        """'app.action' this request needs on the viewset's rows."""
        model = model or self.queryset.model
        app = self.permission_app
        if app is None:
            scope = getattr(model, "permission_scope", None)
            app = scope() if scope else model._meta.app_label
        return f"{app}.{self.permission_action()}"

    def get_queryset(self):
        queryset = super().get_queryset()
        return permissions.restrict(
            queryset,
            self.request.user,
            self.permission_code(queryset.model),
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
        fields = ["id", "code", "name", "description", "permissions", "requires_second_factor"]

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
