"""Pure rules about organisation types and sizes (DOMAIN.md "Users and the tree")."""

from dataclasses import dataclass

DEFAULT_MIN_OFFICIAL_MEMBERS = 3
DEFAULT_GRASSROOTS_COMMITTEE_THRESHOLD = 30
DEFAULT_CELL_COMMITTEE_THRESHOLD = 9
MAX_CELL_COMMITTEE_SIZE = 7


@dataclass(frozen=True)
class TypeCapabilities:
    holds_members: bool
    is_grassroots: bool = False


# Which org types may stand directly under which (Điều lệ Đảng, chương III; Quy định 24-QĐ/TW
# on the grassroots forms): child type → parent types. A root may be of any type (a bloc office
# runs its own tree). A type missing from the table (one a province adds) may stand anywhere.
# A province may override the table through the dated rule parameter PARENT_TYPES_KEY.
PARENT_TYPES_KEY = "organizations.parent_types"
DEFAULT_PARENT_TYPES: dict[str, tuple[str, ...]] = {
    "central": (),
    "province": ("central",),
    "superior": ("central", "province", "superior"),
    "grassroots_committee": ("central", "province", "superior"),
    "grassroots_cell": ("central", "province", "superior"),
    "sub_committee": ("grassroots_committee",),
    "cell": ("grassroots_committee", "sub_committee"),
}


def parent_type_allowed(parent_type: str, child_type: str, table=None) -> bool:
    """May an org of `child_type` stand directly under one of `parent_type`?"""
    allowed = (DEFAULT_PARENT_TYPES if table is None else table).get(child_type)
    return allowed is None or parent_type in allowed


def can_contain_org(parent: TypeCapabilities) -> bool:
    """A chi bộ holds members directly and so has no subordinate organisations."""
    return not parent.holds_members


def can_hold_members(org: TypeCapabilities) -> bool:
    """Members are attached only to a chi bộ (a cell or a chi bộ cơ sở)."""
    return org.holds_members


def grassroots_form(member_count: int, threshold: int = DEFAULT_GRASSROOTS_COMMITTEE_THRESHOLD):
    """A grassroots org below the threshold is a chi bộ cơ sở, at or above it a đảng bộ cơ sở."""
    return "chi_bo_co_so" if member_count < threshold else "dang_bo_co_so"


def below_minimum(official_count: int, minimum: int = DEFAULT_MIN_OFFICIAL_MEMBERS) -> bool:
    """Any org needs at least `minimum` official members; below it we warn."""
    return official_count < minimum


def cell_leadership(official_count: int, threshold: int = DEFAULT_CELL_COMMITTEE_THRESHOLD) -> str:
    """A cell with ≥ threshold official members elects a committee (≤7); else a secretary."""
    return "committee" if official_count >= threshold else "secretary"


def size_warnings(org: TypeCapabilities, official_count: int, total_count: int) -> list[str]:
    """Vietnamese warnings about an org's size, for screens and reports."""
    warnings = []
    if org.holds_members and below_minimum(official_count):
        warnings.append(
            f"Chỉ có {official_count} đảng viên chính thức (tối thiểu "
            f"{DEFAULT_MIN_OFFICIAL_MEMBERS})."
        )
    if org.holds_members and org.is_grassroots and grassroots_form(total_count) == "dang_bo_co_so":
        warnings.append(
            f"Chi bộ cơ sở có {total_count} đảng viên (từ "
            f"{DEFAULT_GRASSROOTS_COMMITTEE_THRESHOLD} trở lên nên lập đảng bộ cơ sở)."
        )
    return warnings


def covering(values: dict[str, int], prefix: str) -> dict[str, int]:
    """The entries that make up the figure of the org at `prefix` when each entry (keyed by org
    path) covers its org's whole subtree, as a target does: the org's own entry if it has one,
    else the topmost entries below it — never an entry and one of its descendants together."""
    chosen: dict[str, int] = {}
    top = None
    for path in sorted(p for p in values if p.startswith(prefix)):
        if top is not None and path.startswith(top):
            continue  # covered by an org above it
        chosen[path] = values[path]
        top = path
    return chosen
