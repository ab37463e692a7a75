"""Who may import or export what under which organisation."""

from dangbo.core.errors import DomainError
from dangbo.core.permissions import has_permission, reachable_paths
from dangbo.imports.models import Kind
from dangbo.organizations.models import Organization

# ---------------------------------------------------------------- permissions


# What writing each kind needs beside imports.change (default: "<kind>.change"). Final grades
# are a committee's decision: the code that confirms them on the review screens.
WRITE_PERMISSION = {
    Kind.REVIEWS: "reviews.confirm",
    Kind.ORG_REVIEWS: "reviews.confirm",
    Kind.USERS: "core.admin",
    Kind.HISTORY: "members.change",  # a member's past placements and statuses
}
VIEW_PERMISSION = {
    Kind.ORG_REVIEWS: "reviews.view",
    Kind.USERS: "core.admin",
    Kind.HISTORY: "members.view",
}


def check_can_import(user, root: Organization, kind: str) -> None:
    target = WRITE_PERMISSION.get(kind, f"{kind}.change")
    if not (
        has_permission(user, "imports.change", root.path)
        and has_permission(user, target, root.path)
    ):
        raise DomainError("Bạn không có quyền nhập dữ liệu cho tổ chức này.", "organization")


def import_roots(user):
    """The top orgs a user may import under: the nodes of their imports.change roles."""
    paths = reachable_paths(user, "imports.change")
    qs = Organization.objects.filter(is_active=True)
    if paths is None:
        return qs.filter(depth__lte=2)
    return qs.filter(path__in=paths)
