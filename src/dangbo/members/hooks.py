"""What members gives the layers below it (see dangbo.core.hooks).

The org tree sits below the register and may not import it: its pages and its dissolution
check ask for member counts and lists by name instead (issue #26).

- ``members.active_counts(paths)`` and ``members.active_counts_by_child(parent_path,
  child_paths)`` → ``{path: active members in the subtree}``: from the per-ancestor summary
  while it is complete, else counted live (``members.summary``).
- ``members.summary_state()`` → the summary's freshness row, or None while it is not in use.
- ``members.cell_roll(org, limit)`` → the org's directly attached active members: counts and
  the first ``limit`` by name.
- ``members.active_in_subtree(path)`` → active members under ``path`` counted from the
  register (an org is not dissolved while any remain).
"""

from dangbo.core import hooks
from dangbo.core.collation import vi_name_order
from dangbo.members import summary
from dangbo.members.choices import ACTIVE_STATUSES, Status
from dangbo.members.models import Member


@hooks.provide("members.active_counts")
def active_counts(paths: list[str]) -> dict[str, int]:
    return summary.active_counts(paths)


@hooks.provide("members.active_counts_by_child")
def active_counts_by_child(parent_path: str, child_paths: list[str]) -> dict[str, int]:
    return summary.active_counts_by_child(parent_path, child_paths)


@hooks.provide("members.summary_state")
def summary_state():
    return summary.state()


@hooks.provide("members.cell_roll")
def cell_roll(org, limit: int = 0) -> dict:
    direct = Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES)
    return {
        "official": direct.filter(status=Status.OFFICIAL).count(),
        "active": direct.count(),
        "members": list(direct.order_by(*vi_name_order(), "id")[:limit]) if limit else [],
    }


@hooks.provide("members.active_in_subtree")
def active_in_subtree(path: str) -> int:
    return summary.live_counts([path], ACTIVE_STATUSES)[path]
