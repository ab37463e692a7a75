"""Who reaches what: the union of org subtrees where a user holds a role granting a permission."""

from collections.abc import Iterable

from django.db.models import Q


def permission_matches(granted: Iterable[str], permission: str) -> bool:
    """True if `permission` ('app.action') is granted directly or via 'app.*', '*.action', '*'.

    Apps in settings.DANGBO_STRICT_APPS (inspection records) are not reached by '*.action':
    a role must name them ('inspections.view', 'inspections.*') or hold '*'.
    """
    app, _, action = permission.partition(".")
    granted = set(granted)
    accepted = {"*", permission, f"{app}.*"}
    if app not in strict_apps():
        accepted.add(f"*.{action}")
    return bool(granted & accepted)


def strict_apps() -> frozenset[str]:
    from django.conf import settings

    return frozenset(getattr(settings, "DANGBO_STRICT_APPS", ()))


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies under another one: the union of subtrees stays the same."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def reachable_paths(user, permission: str) -> list[str] | None:
    """Org paths whose subtrees the user reaches for `permission`; None means everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    # getattr/setattr, not __dict__: request.user is a lazy proxy (SimpleLazyObject).
    cache = getattr(user, "_dangbo_reach", None)
    if cache is None:
        cache = {}
        user._dangbo_reach = cache
    if permission not in cache:
        cache[permission] = minimal_prefixes(
            path
            for path, role_permissions in _assignments(user)
            if permission_matches(role_permissions, permission)
        )
    return cache[permission]


def _assignments(user) -> list[tuple[str, list[str]]]:
    if getattr(user, "_dangbo_assignments", None) is None:
        from dangbo.core.models import RoleAssignment

        user._dangbo_assignments = list(
            RoleAssignment.objects.filter(user=user, is_active=True).values_list(
                "organization__path", "role__permissions"
            )
        )
    return user._dangbo_assignments


def has_permission(user, permission: str, path: str | None = None) -> bool:
    """Does the user hold `permission` anywhere (path None) or on the node at `path`?"""
    paths = reachable_paths(user, permission)
    if paths is None:
        return True
    if path is None:
        return bool(paths)
    return any(path.startswith(prefix) for prefix in paths)


def permission_code(model, permission: str) -> str:
    """'app.action' as given, or `permission` as an action on the model's own app."""
    if "." in permission:
        return permission
    return f"{model.permission_scope()}.{permission}"


def restrict(queryset, user, permission: str, path_fields=None):
    """The one restriction of rows to a user's reach.

    Keeps the rows one of whose org paths (`path_fields`: a lookup or a tuple of them, by
    default the model's `restrict_path_field`) lies under a node where the user holds
    `permission` ('app.action', e.g. "admissions.change" on Organization: the orgs where the
    user may change admission files).
    """
    if "." not in permission:
        raise ValueError(f"restrict() needs 'app.action', not {permission!r}")
    fields = path_fields or queryset.model.restrict_path_field
    if isinstance(fields, str):
        fields = (fields,)
    paths = reachable_paths(user, permission)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    condition = Q()
    for path in paths:
        for field in fields:
            condition |= Q(**{f"{field}__startswith": path})
    return queryset.filter(condition)


def top_orgs(user, permission: str):
    """The topmost orgs of the user's reach for `permission` (the roots of the tree when it
    reaches everything): where a screen without a chosen org starts."""
    from django.apps import apps

    orgs = apps.get_model("organizations", "Organization").objects.all()
    paths = reachable_paths(user, permission)
    return orgs.filter(depth=1) if paths is None else orgs.filter(path__in=paths)


def restrict_queryset(queryset, user, permission: str, path_field: str):
    """Kept for callers not yet moved to `restrict`."""
    return restrict(queryset, user, permission, path_field)


def can(user, permission: str, obj=None) -> bool:
    """Does the user hold `permission` on `obj` (on one of its org paths), or anywhere?"""
    if obj is None:
        return has_permission(user, permission)
    return any(has_permission(user, permission, path) for path in obj.restrict_paths())


def covers(granted: Iterable[str], codes: Iterable[str]) -> bool:
    """True if every code (possibly a wildcard such as 'members.*') is within `granted`."""
    granted = list(granted)
    return all(permission_matches(granted, code) for code in codes)


def granted_codes(user, path: str) -> list[str] | None:
    """Permission codes the user holds on the node at `path`; None for a superuser."""
    if user.is_superuser:
        return None
    codes: list[str] = []
    for node_path, role_permissions in _assignments(user):
        if path.startswith(node_path):
            codes.extend(role_permissions)
    return codes
