"""Audit as infrastructure: what is logged, who may read which entries, and helpers for apps.

Changes are recorded by django-auditlog for every registered model (who, when, old → new, IP).
Views of personal records and exports are recorded as ACCESS entries; an export entry carries
`additional_data["export"]`.
"""

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from dangbo.core import clientaddr
from dangbo.core.models import DayOverride, Role, RoleAssignment, RuleParameter, UserProfile
from dangbo.core.permissions import reachable_paths, restrict_queryset

AUDIT_PERMISSION = "core.audit"

# model label → path of the org-path field that places its rows in the tree (for auditors
# whose reach is a subtree). Models with a `restrict_path_field` are scoped without an entry.
_SCOPES: dict[str, str] = {}


def register_scope(model, path_field: str) -> None:
    """Declare where a model's rows sit in the org tree, so subtree auditors see their entries."""
    _SCOPES[model._meta.label_lower] = path_field


def scoped_models():
    """(model, path_field) for every audited model that has a place in the tree."""
    for model in auditlog.get_models():
        path_field = _SCOPES.get(model._meta.label_lower) or getattr(
            model, "restrict_path_field", None
        )
        if path_field:
            yield model, path_field


def visible_entries(user, queryset=None):
    """Audit entries the user may read: all for unrestricted auditors; otherwise entries on
    objects inside their subtrees and entries made by accounts their subtrees manage."""
    queryset = LogEntry.objects.all() if queryset is None else queryset
    paths = reachable_paths(user, AUDIT_PERMISSION)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for model, path_field in scoped_models():
        reachable = restrict_queryset(
            model._default_manager.order_by(), user, AUDIT_PERMISSION, path_field
        )
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=reachable.values("pk"),
        )
    actors = restrict_queryset(
        UserProfile.objects.order_by(), user, AUDIT_PERMISSION, "organization__path"
    )
    condition |= Q(actor_id__in=actors.values("user_id"))
    return queryset.filter(condition)


def timeline(obj, related=()):
    """Changes to `obj` and to the rows in the `related` querysets, newest first."""
    condition = Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    for queryset in related:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(queryset.model),
            object_id__in=queryset.order_by().values("pk"),
        )
    return (
        LogEntry.objects.filter(condition)
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor", "content_type")
    )


def access_entries(obj):
    """Who looked at `obj` (its ACCESS entries), newest first."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=LogEntry.Action.ACCESS,
    ).select_related("actor")


def client_ip(request) -> str | None:
    return clientaddr.client_address(request)


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with the address read through the trusted proxies only
    (auditlog's own takes the left-most X-Forwarded-For entry, which any client can write)."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return clientaddr.client_address(request)

    @staticmethod
    def _get_remote_port(request) -> int | None:
        return clientaddr.client_port(request)


def _what(what) -> tuple[str, ContentType]:
    """A label and content type for `what`: a model class, a queryset or a plain label."""
    model = getattr(what, "model", None) or (what if isinstance(what, type) else None)
    if model is not None:
        return str(model._meta.verbose_name_plural), ContentType.objects.get_for_model(model)
    return str(what), ContentType.objects.get_for_model(LogEntry)


def _access(request, content_type, object_repr: str, data: dict, object_pk="") -> LogEntry:
    user = getattr(request, "user", None)
    return LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(object_pk),
        object_id=object_pk if isinstance(object_pk, int) else None,
        object_repr=object_repr[:2000],
        action=LogEntry.Action.ACCESS,
        actor=user if user is not None and user.is_authenticated else None,
        remote_addr=client_ip(request),
        additional_data={"path": request.get_full_path(), **data},
    )


def log_export(request, what, rows: int, **details) -> LogEntry:
    """Record an export: `what` is a model class, a queryset or a label; `rows` how many rows.

    Called by every response of `dangbo.core.exports` (XLSX, DOCX, CSV, kept files) and by
    views or tasks that hand data out of the system some other way.
    """
    label, content_type = _what(what)
    return _access(
        request, content_type, f"Xuất dữ liệu: {label}", {"export": label, "rows": rows, **details}
    )


def log_listing(request, what, rows: int, **details) -> LogEntry:
    """Record that a list of personal records was viewed: one entry per page shown (screen or
    API), with the filter in `details` (or in the recorded path), not one per row."""
    label, content_type = _what(what)
    return _access(
        request, content_type, f"Xem danh sách: {label}", {"list": label, "rows": rows, **details}
    )


def log_record(request, instance, **details) -> LogEntry:
    """Record that one record was viewed (screen or API): an ACCESS entry on the object, seen
    in its "who looked" list (`access_entries`)."""
    return _access(
        request,
        ContentType.objects.get_for_model(instance),
        str(instance),
        details,
        object_pk=instance.pk,
    )


def attribute_to(user) -> None:
    """Attribute the changes of the current request to `user` (API token authentication
    happens after the audit middleware ran, so the middleware saw an anonymous user)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if user is not None and user.is_authenticated:
        context["actor"] = user


def register_models() -> None:
    auditlog.register(Role)
    auditlog.register(RoleAssignment)
    auditlog.register(RuleParameter)
    auditlog.register(DayOverride)
    auditlog.register(UserProfile)
    user_model = get_user_model()
    auditlog.register(user_model, exclude_fields=["password", "last_login"])
    register_scope(user_model, "profile__organization__path")
    register_scope(RoleAssignment, "organization__path")
    # API tokens are not registered: their key is their primary key, a secret.


register_models()
