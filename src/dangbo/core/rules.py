"""Pure rules of the platform (no database): who must sign in with a second factor."""

from collections.abc import Iterable
from dataclasses import dataclass

from dangbo.core.permissions import permission_matches

# Holding any of these anywhere makes the second factor compulsory, whatever the role says:
# full ID numbers of members, and the administration of accounts and roles.
SENSITIVE_PERMISSIONS = ("members.view_identity", "core.admin")


@dataclass(frozen=True)
class Grant:
    """One active role assignment, as the rule sees it."""

    role_requires: bool  # the role's own "requires a second factor" flag (core.Role)
    permissions: tuple[str, ...]
    on_one_cell: bool  # placed on a unit that holds members itself: its reach is one cell


def grant_requires_second_factor(grant: Grant) -> bool:
    """A grant needs a second factor when its role says so, when it reaches beyond one cell
    (placed on a committee: the whole subtree), or when it grants a sensitive permission."""
    return (
        grant.role_requires
        or not grant.on_one_cell
        or any(permission_matches(grant.permissions, code) for code in SENSITIVE_PERMISSIONS)
    )


def second_factor_required(grants: Iterable[Grant], *, is_superuser: bool, is_staff: bool) -> bool:
    """Must this account sign in with a second factor? Superusers and staff (the Django admin
    site) always; others when any of their active grants requires it. An account with no
    grant (a member of the portal) does not."""
    if is_superuser or is_staff:
        return True
    return any(grant_requires_second_factor(grant) for grant in grants)
