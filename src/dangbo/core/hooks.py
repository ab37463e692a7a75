"""Cross-app hook points.

Domain apps sit on one import-linter layer and may not import each other. When one app needs
another's answer (admissions asks training for a valid certificate, the portal shows a member's
party posts, a meeting resolution becomes a programme task), the answering app registers a
function here from its ``AppConfig.ready()`` and the asking app calls it by name.

Every hook is declared once in ``HOOKS`` below: its name, the app that provides it, what it
takes and returns, and the default the caller gets when nobody provides it (the app may be
switched off). Providing or calling an undeclared name is a programming error:
``provide`` raises at once; ``call`` raises under ``DANGBO_STRICT_HOOKS`` (tests) and
otherwise logs it and returns None. ``tests/core/test_hooks.py`` fails when a name called in
the source is undeclared or unprovided, or a declared hook is never called.

Events that several apps may react to are Django signals, declared at the end of this module.
"""

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.dispatch import Signal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hook:
    """A declared hook: ``provider`` is the app label that answers it; ``doc`` gives the
    arguments and the answer; ``default`` is what callers get without a provider."""

    name: str
    provider: str
    doc: str
    default: object = None


HOOKS: dict[str, Hook] = {
    hook.name: hook
    for hook in (
        Hook(
            "committees.member_positions",
            "committees",
            "(member, request) → HTML of the member's party posts and agency positions for the "
            "member's record, or '' when the user may not see committee data for the member.",
            "",
        ),
        Hook(
            "committees.member_comments",
            "committees",
            "(member, year) → [{source, date, assessment, content}]: the residence cell's and "
            "committees' answered comments on the member for a review year.",
            [],
        ),
        Hook(
            "committees.positions_of",
            "committees",
            "(member, on=None) → [str]: the member's party posts held on `on` (default today), "
            "e.g. 'Bí thư — Chi bộ Văn phòng (từ 01/05/2020)', for the member's own portal.",
            [],
        ),
        Hook(
            "committees.signer",
            "committees",
            "(org, on) → {name, deputy, has_committee, has_standing}: who signs the org's "
            "papers on `on` (its secretary, else a deputy) and whether it has a committee "
            "(a cell's chi ủy) and a standing committee; {} when nobody holds the posts.",
            {},
        ),
        Hook(
            "meetings.resolution_source",
            "meetings",
            "(meeting_task_id) → {label, url}: the meeting whose resolution created a task, or "
            "None.",
        ),
        Hook(
            "meetings.record_survey_visit",
            "meetings",
            "(*, organization, on, people, mode, online_link='') → the cell's meeting on `on` "
            "with the survey team added as invited superiors, or None without such a meeting.",
        ),
        Hook(
            "members.active_counts",
            "members",
            "(paths) → {path: active (probationary, official) members in the subtree at each "
            "path}, from the member summary while it is complete, else counted live. The org "
            "tree's top nodes and an org's page.",
            {},
        ),
        Hook(
            "members.active_counts_by_child",
            "members",
            "(parent_path, child_paths) → the same for the children of `parent_path`; counted "
            "live in one GROUP BY over its prefix range when the summary is incomplete.",
            {},
        ),
        Hook(
            "members.summary_state",
            "members",
            "() → the member summary's freshness (rebuilt_at, changed_at), or None while the "
            "counts are taken live from the register. The org tree's note on its counts.",
        ),
        Hook(
            "members.cell_roll",
            "members",
            "(org, limit=0) → {official, active, members}: the org's directly attached active "
            "members counted (official ones apart) and the first `limit` of them by name, for "
            "the org's page.",
            {"official": 0, "active": 0, "members": []},
        ),
        Hook(
            "members.active_in_subtree",
            "members",
            "(path) → active members under `path`, counted from the register; an org is not "
            "dissolved while any remain.",
            0,
        ),
        Hook(
            "portal.meeting_replies",
            "portal",
            "(meeting) → {member id: reply with status/reason}: the members' own answers, the "
            "starting values of the attendance form.",
            {},
        ),
        Hook(
            "programmes.tasks_for_resolution",
            "programmes",
            "(user, meeting_task_ids) → {meeting task id: Task} the user may see, created from "
            "cell-meeting resolution tasks.",
            {},
        ),
        Hook(
            "programmes.commitment_results",
            "programmes",
            "(member_ids, year) → {member id: (achieved, items)} of the members' evaluated "
            "responsibility commitments for the year.",
            {},
        ),
        Hook(
            "programmes.assign_task",
            "programmes",
            "(*, assigner_org, assignee_org, title, due_on, description='', source_ref='', "
            "source_document=None, user=None) → the task assigned down the tree.",
        ),
        Hook(
            "reviews.streaks",
            "reviews",
            "(*, path, up_to, min_years=2) → {members: [{id, name, years}], organizations: "
            "[...]}: rated Excellent in consecutive years up to `up_to` under `path`.",
        ),
        Hook(
            "reviews.member_grades",
            "reviews",
            "(member_ids, year) → {member id: final grade code} of the year's reviews.",
            {},
        ),
        Hook(
            "transfers.hosted_on",
            "transfers",
            "(day, *, host_path=None, home_path=None) → a lazy queryset (usable as a subquery) "
            "of (member id, host org id) rows: members an accepted temporary attendance places "
            "at a host on `day`, by host subtree or home subtree. Meeting rolls, dues ledgers.",
        ),
        Hook(
            "training.valid_certificate",
            "training",
            "(*, id_number='', full_name='', birth_date=None, on) → {number, issued_on, "
            "valid_until, class_name} of the candidate-course certificate valid on `on`, or "
            "None.",
        ),
    )
}

_providers: dict[str, Callable] = {}


class UndeclaredHook(LookupError):
    """A hook name missing from ``HOOKS``."""


def declared(name: str) -> Hook:
    try:
        return HOOKS[name]
    except KeyError:
        raise UndeclaredHook(f"hook {name!r} is not declared in dangbo.core.hooks.HOOKS") from None


def provide(name: str) -> Callable[[Callable], Callable]:
    """Decorator: register ``func`` as the provider of the declared hook ``name``."""
    declared(name)

    def register(func: Callable) -> Callable:
        _providers[name] = func
        return func

    return register


def provided(name: str) -> bool:
    declared(name)
    return name in _providers


def call(name: str, *args, **kwargs):
    """Call the provider of ``name``; the declared default when no app provides it."""
    try:
        hook = declared(name)
    except UndeclaredHook:
        if getattr(settings, "DANGBO_STRICT_HOOKS", False):
            raise
        logger.error("call of undeclared hook %r", name)
        return None
    func = _providers.get(name)
    if func is None:
        return copy.deepcopy(hook.default)
    return func(*args, **kwargs)


@dataclass(frozen=True)
class Widget:
    """One card on the home dashboard.

    ``render(request)`` returns the template context for ``template`` or ``None`` to hide the
    card (e.g. the user holds no permission it needs). It must restrict its own querysets.
    """

    key: str
    title: str
    template: str
    render: Callable
    order: int = 100
    permission: str | None = None
    extra: dict = field(default_factory=dict)


_widgets: dict[str, Widget] = {}


def register_widget(widget: Widget) -> None:
    _widgets[widget.key] = widget


def widgets() -> list[Widget]:
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


@dataclass(frozen=True)
class WorkItem:
    """One line of «Việc cần làm» (the home page): what to do, the page where the user does
    it (one they may open and act on: the source checks the view's permission), how many
    records wait behind it, and the date it is due."""

    label: str
    url: str
    count: int | None = None
    due: date | None = None
    tone: str = "secondary"  # danger: overdue; warning: due soon; info: to do


@dataclass(frozen=True)
class WorkSource:
    """A kind of work an app asks of its users, listed on the home page.

    ``items(user, today)`` returns the ``WorkItem``s of the user's reach for ``permission``
    (restricted with ``restrict()``) in a bounded number of queries (two at most: a count and
    the first few rows); it is not called when the user holds ``permission`` (a code, or a
    tuple of codes of which any will do) nowhere."""

    key: str
    title: str
    items: Callable
    permission: str | tuple[str, ...]
    order: int = 100


_work_sources: dict[str, WorkSource] = {}


WORK_SHOWN = 5  # items a work source shows before "all of them"


def first_rows(queryset) -> list:
    """A work source's first rows, one more than shown (to know whether there are more)."""
    return list(queryset[: WORK_SHOWN + 1])


def with_more(items: list, rows: list, queryset, *, label: str, url: str) -> list:
    """`items` (made from `rows[:WORK_SHOWN]`) and, when `rows` holds more, a link to all of
    them with their count (the source's second query)."""
    if len(rows) > WORK_SHOWN:
        items.append(WorkItem(label=label, url=url, count=queryset.count()))
    return items


def register_work(source: WorkSource) -> None:
    _work_sources[source.key] = source


def work_sources() -> list[WorkSource]:
    return sorted(_work_sources.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class SearchHit:
    """One result of the top bar's search: a link to the record and a line telling it apart."""

    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchSource:
    """A kind of record the top bar's search finds (``core.views_search``).

    ``search(request, text, limit)`` returns up to ``limit`` ``SearchHit``s of the user's reach
    for ``permission`` (restricted with ``restrict()``; a source of personal records logs the
    listing like the app's own lists do); it is not called when the user holds ``permission``
    nowhere."""

    key: str
    title: str
    search: Callable
    permission: str
    order: int = 100


_search_sources: dict[str, SearchSource] = {}


def register_search(source: SearchSource) -> None:
    _search_sources[source.key] = source


def search_sources() -> list[SearchSource]:
    return sorted(_search_sources.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class OrgFacts:
    """A part of an organisation's one-stop page (``organizations:detail``).

    ``facts(org, today)`` returns ``[(label, value, url or None)]`` about the org, in one
    query; it is called only when the user holds ``permission`` on the org."""

    key: str
    title: str
    facts: Callable
    permission: str
    order: int = 100


_org_facts: dict[str, OrgFacts] = {}


def register_org_facts(source: OrgFacts) -> None:
    _org_facts[source.key] = source


def org_facts() -> list[OrgFacts]:
    return sorted(_org_facts.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class MemberFacts:
    """A part of a member's one-stop record (``members:detail``).

    ``facts(member, today)`` returns ``[(label, value, url or None)]`` about the member, in one
    query; it is called only when the user holds ``permission`` on the member's org."""

    key: str
    title: str
    facts: Callable
    permission: str
    order: int = 100


_member_facts: dict[str, MemberFacts] = {}


def register_member_facts(source: MemberFacts) -> None:
    _member_facts[source.key] = source


def member_facts() -> list[MemberFacts]:
    return sorted(_member_facts.values(), key=lambda s: (s.order, s.key))


# Sent by meetings when a meeting's resolutions are recorded: kwargs ``meeting``,
# ``resolution`` (the meetings.Resolution row), ``user``. Programmes creates the tasks.
resolution_adopted = Signal()

# Sent by reviews when a committee confirms a review year's final grades: kwargs
# ``review_year``, ``user``. Recognition can propose commendations for streaks.
classification_confirmed = Signal()

# Sent by meetings when a task created by a meeting resolution is marked done: kwargs ``task``
# (the meetings.MeetingTask row), ``done_on``, ``user``. Programmes closes the task it created.
resolution_task_completed = Signal()

# Sent after many members' records changed at once (an import committed or rolled back, a
# seed): no kwargs. Reports queues a recount of its derived counts (reports.upkeep).
register_changed = Signal()
