"""Finding the organisations a sheet names: by system id, code, name, label or path."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from dangbo.core.permissions import reachable_paths
from dangbo.core.text import normalize
from dangbo.imports import rules
from dangbo.imports.rules import CellError
from dangbo.organizations.models import Organization


@dataclass
class OrgRef:
    id: int
    name: str
    path: str
    holds_members: bool
    is_active: bool
    founded_on: date
    type_code: str = ""
    code: str = ""
    parent_id: int | None = None


class OrgIndex:
    """Orgs a user may act on under the job's root, found by #id, code, name (no diacritics),
    or a name with enough of its path to be unique.

    A name shared by several orgs (six «Chi bộ Văn phòng» under different committees) is
    ambiguous on its own; the cell then names it with its parents, as the exports write it:
    «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp» (child first, parents after «—»), or as a path
    «Đảng bộ Sở Tư pháp > Chi bộ Văn phòng» (parents first, «>» or « / » between), or by
    code or #id.
    """

    def __init__(self, refs: list[OrgRef], outer: dict[str, OrgRef] | None = None):
        self.by_id: dict[int, OrgRef] = {}
        self.by_path: dict[str, OrgRef] = dict(outer or {})  # + the root's ancestors
        self.by_code: dict[str, list[OrgRef]] = {}
        self.by_name: dict[str, list[OrgRef]] = {}
        for ref in refs:
            self.add(ref)

    def add(self, ref: OrgRef) -> None:
        self.by_id[ref.id] = ref
        if ref.path:
            self.by_path[ref.path] = ref
        if ref.code:
            self.by_code.setdefault(normalize(ref.code), []).append(ref)
        self.by_name.setdefault(normalize(ref.name), []).append(ref)

    def parent_of(self, ref: OrgRef) -> OrgRef | None:
        """The parent of an org in the index (or above the root); rows planned in this file
        name theirs by `parent_id`."""
        if ref.parent_id is not None:
            return self.by_id.get(ref.parent_id)
        if len(ref.path) > Organization.steplen:
            return self.by_path.get(ref.path[: -Organization.steplen])
        return None

    @classmethod
    def for_user(cls, user, root: Organization, permission: str, **filters) -> "OrgIndex":
        qs = Organization.objects.filter(path__startswith=root.path, **filters)
        paths = reachable_paths(user, permission)
        if paths is not None:
            condition = Q(pk__in=[])
            for path in paths:
                condition |= Q(path__startswith=path)
            qs = qs.filter(condition)
        refs = [
            OrgRef(
                id=row["pk"],
                name=row["name"],
                path=row["path"],
                holds_members=row["org_type__holds_members"],
                is_active=row["is_active"],
                founded_on=row["founded_on"],
                type_code=row["org_type__code"],
                code=row["code"],
            )
            for row in qs.values(
                "pk",
                "name",
                "path",
                "org_type__holds_members",
                "org_type__code",
                "is_active",
                "founded_on",
                "code",
            )
        ]
        # The root's ancestors: a path written from the top of the tree still matches (they
        # only name a row's parents, never a row's target).
        above = [root.path[:end] for end in range(4, len(root.path) + 1, 4)]
        outer = {
            row["path"]: OrgRef(
                id=0,
                name=row["name"],
                path=row["path"],
                holds_members=False,
                is_active=True,
                founded_on=date.min,
                code=row["code"],
            )
            for row in Organization.objects.filter(path__in=above).values("name", "path", "code")
        }
        return cls(refs, outer)

    def resolve(self, text: str, noun: str = "tổ chức") -> OrgRef:
        """The one org a cell names, or CellError (unknown / ambiguous)."""
        if text.startswith("#"):
            head = text[1:].split(maxsplit=1)[0] if text[1:].strip() else ""
            pk = rules.ascii_int(head, 18)
            if pk in self.by_id:
                return self.by_id[pk]
            raise CellError(f"Không tìm thấy {noun} «{text[:60]}» trong phạm vi được giao.")
        key = rules.key_of(text)
        ambiguous = None
        for candidates in (self.by_code.get(key), self.by_name.get(key)):
            if not candidates:
                continue
            if len(candidates) > 1:
                ambiguous = candidates
                break
            return candidates[0]
        chain = rules.org_chain(text)
        if len(chain) > 1:
            found = [ref for ref in self.by_name.get(chain[0], []) if self._under(ref, chain[1:])]
            if len(found) == 1:
                return found[0]
            if found:
                ambiguous = found
        if ambiguous:
            shown = "; ".join(self.label(ref) for ref in ambiguous[:3])
            raise CellError(
                f"Có {len(ambiguous)} {noun} tên «{text[:60]}» ({shown}…); hãy ghi kèm cấp "
                "trên như «Chi bộ … — Đảng bộ …», hoặc mã tổ chức, hoặc #mã hệ thống."
            )
        raise CellError(f"Không tìm thấy {noun} «{text[:60]}» trong phạm vi được giao.")

    def _under(self, ref: OrgRef, parents: list[str]) -> bool:
        """`parents` (keys, nearest first) name the org's parent, grandparent…"""
        node = ref
        for key in parents:
            node = self.parent_of(node)
            if node is None or key not in (normalize(node.name), normalize(node.code)):
                return False
        return True

    def label(self, ref: OrgRef) -> str:
        parent = self.parent_of(ref)
        return f"{ref.name} — {parent.name}" if parent else ref.name
