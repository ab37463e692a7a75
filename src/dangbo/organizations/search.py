"""The top bar's search over the tree (core.hooks.register_search): organisations whose
unaccented name contains the text, under `organizations.view` in the user's reach, shown with
their parent's name (`Organization.label`)."""

from dangbo.core import hooks
from dangbo.core.text import normalize
from dangbo.organizations.models import Organization


def search_organizations(request, text: str, limit: int) -> list[hooks.SearchHit]:
    key = normalize(text)
    if not key:
        return []
    rows = list(
        Organization.objects.restrict(request.user, "organizations.view")
        .filter(name_search__contains=key)
        .select_related("org_type")
        .with_labels()
        .order_by("-is_active", "depth", "path")[:limit]
    )
    return [
        hooks.SearchHit(
            label=org.label,
            url=org.get_absolute_url(),
            detail=org.org_type.name + ("" if org.is_active else " · đã giải thể"),
        )
        for org in rows
    ]


hooks.register_search(
    hooks.SearchSource(
        key="organizations",
        title="Tổ chức đảng",
        search=search_organizations,
        permission="organizations.view",
        order=20,
    )
)
