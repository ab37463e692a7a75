"""Read-side questions: a committee on a date, who holds what where, the congress schedule of a
subtree, a committee's cadre list, the planning overview. Callers pass restricted querysets or
orgs the user reaches; every question is a handful of queries whatever the subtree size."""

from dataclasses import dataclass, field
from datetime import date

from dangbo.committees import rules
from dangbo.committees.models import (
    POST_ORDER,
    AgencyPosition,
    ManagementScope,
    PlanningCandidate,
    PostPeriod,
    Term,
    valid_on,
)
from dangbo.committees.services import planning_params
from dangbo.core import hooks
from dangbo.core.models import RuleParameter


@dataclass
class Seat:
    """One person in a committee on a date, with all the posts they hold in it."""

    member: object
    posts: list = field(default_factory=list)  # PostPeriod rows, most senior first

    @property
    def rank(self) -> int:
        return min(POST_ORDER[p.post] for p in self.posts)

    @property
    def labels(self) -> str:
        return ", ".join(p.get_post_display() for p in self.posts)


def committee_on(organization, on: date) -> list[Seat]:
    """The org's committee and inspection committee as they stood on `on` (one query)."""
    periods = (
        PostPeriod.objects.filter(valid_on(on), organization=organization)
        .select_related("member")
        .order_by("member__name_search", "id")
    )
    seats: dict[int, Seat] = {}
    for period in periods:
        seats.setdefault(period.member_id, Seat(period.member)).posts.append(period)
    for seat in seats.values():
        seat.posts.sort(key=lambda p: POST_ORDER[p.post])
    return sorted(seats.values(), key=lambda s: (s.rank, s.member.name_search))


# What the holder lists and exports show of a member (a full member row is ~40 columns).
HOLDER_FIELDS = (
    "valid_from",
    "valid_to",
    "member",
    "member__full_name",
    "member__birth_date",
    "member__gender",
    "member__name_search",
)


def who_holds(queryset, root_path: str, on: date, post: str = ""):
    """Party post periods in force on `on` under `root_path` (restricted queryset given)."""
    rows = queryset.filter(valid_on(on), organization__path__startswith=root_path)
    if post:
        rows = rows.filter(post=post)
    return (
        rows.select_related("member", "organization")
        .only(*HOLDER_FIELDS, "post", "organization", "organization__name", "organization__path")
        .order_by("organization__path", "post", "member__name_search")
    )


PARTY_EXPORT = (
    "organization__name",
    "post",
    "member__full_name",
    "member__birth_date",
    "valid_from",
)
AGENCY_EXPORT = (
    "category",
    "title",
    "agency",
    "member__full_name",
    "member__organization__name",
    "valid_from",
)


def agency_holders(queryset, root_path: str, on: date, category: str = ""):
    rows = queryset.filter(valid_on(on), member__org_path__startswith=root_path)
    if category:
        rows = rows.filter(category=category)
    return (
        rows.select_related("member", "member__organization")
        .only(
            *HOLDER_FIELDS,
            "category",
            "title",
            "agency",
            "member__org_path",
            "member__organization",
            "member__organization__name",
        )
        .order_by("category", "member__org_path", "member__name_search")
    )


@dataclass(frozen=True)
class OrgRow:
    pk: int
    name: str
    org_type: str


@dataclass
class ScheduleRow:
    organization: object
    term_name: str | None
    ends_on: date | None
    status: str

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]


def schedule(orgs, today: date, only: str = "") -> list[ScheduleRow]:
    """Congress schedule: every org with its current term's end and whether it is due/late.

    `orgs` is a restricted Organization queryset. Two queries (the orgs, then their terms
    started by `today`, the latest kept per org), whatever the subtree size.
    """
    orgs = orgs.filter(is_active=True)
    latest: dict[int, tuple[str, date]] = {}
    for org_id, name, ends_on in (
        Term.objects.filter(organization__in=orgs.values("pk"), starts_on__lte=today)
        .order_by("organization_id", "starts_on")
        .values_list("organization_id", "name", "ends_on")
    ):
        latest[org_id] = (name, ends_on)
    months = RuleParameter.value_on(
        "committees.congress_warning_months",
        today,
        default=rules.DEFAULTS["committees.congress_warning_months"],
    )
    result = []
    for pk, org_name, org_type in orgs.order_by("path").values_list("pk", "name", "org_type__name"):
        name, ends_on = latest.get(pk, (None, None))
        status = rules.congress_status(ends_on, today, int(months))
        if only and status != only:
            continue
        result.append(ScheduleRow(OrgRow(pk, org_name, org_type), name, ends_on, status))
    return result


def cadres_of(committee, on: date):
    """The cadres a committee manages on `on`, following its management scope: party post
    periods and agency positions held under its subtree. Returns (scopes, [(scope, rows)])."""
    scopes = list(
        ManagementScope.objects.filter(valid_on(on), organization=committee).select_related(
            "org_type"
        )
    )
    result = []
    for scope in scopes:
        if scope.party_post:
            rows = PostPeriod.objects.filter(
                valid_on(on),
                post=scope.party_post,
                organization__path__startswith=committee.path,
            ).exclude(organization=committee)
            if scope.org_type_id:
                rows = rows.filter(organization__org_type_id=scope.org_type_id)
            rows = rows.select_related("member", "organization").order_by("organization__path")
        else:
            rows = AgencyPosition.objects.filter(
                valid_on(on),
                category=scope.agency_category,
                member__org_path__startswith=committee.path,
            )
            if scope.title_contains:
                rows = rows.filter(title__icontains=scope.title_contains)
            rows = rows.select_related("member", "member__organization").order_by(
                "member__name_search"
            )
        result.append((scope, list(rows)))
    return result


def current_posts_of(member, on: date):
    """A member's party posts and agency positions (all of them, for the timeline)."""
    party = list(
        PostPeriod.objects.filter(member=member)
        .select_related("organization")
        .order_by("-valid_from", "id")
    )
    agency = list(AgencyPosition.objects.filter(member=member).order_by("-valid_from", "id"))
    return party, agency


@dataclass
class PlannedRow:
    post: object
    candidates: list
    warning: str | None


def planning_overview(term, posts, on: date):
    """Planned posts of a term with their active candidates, each with warnings, and the
    composition of all active candidates against the targets."""
    params = planning_params(on, term.organization.path)
    posts = list(posts)
    candidates = list(
        PlanningCandidate.objects.filter(planned_post__in=posts, removed_on__isnull=True)
        .select_related("member", "member__organization")
        .prefetch_related("member__disciplines")
        .order_by("planned_post_id", "member__name_search")
    )
    # The last annual grades, when the reviews app answers (member id → grade code).
    grades = hooks.call("reviews.member_grades", [c.member_id for c in candidates], on.year - 1)
    by_post: dict[int, list] = {}
    profiles: dict[int, rules.Profile] = {}
    for candidate in candidates:
        member = candidate.member
        disciplined = any(
            d.annulled_on is None and d.decided_on >= candidate.added_on
            for d in member.disciplines.all()
        )
        profile = rules.Profile(
            gender=member.gender,
            birth_date=member.birth_date,
            ethnicity=member.ethnicity,
            theory_level=member.theory_level,
            active=member.status in ("probationary", "official"),
            disciplined=disciplined,
            grade=grades.get(member.pk),
        )
        profiles[member.pk] = profile
        candidate.warnings = rules.candidate_warnings(profile, term.starts_on, params)
        candidate.age_at_start = rules.age_on(member.birth_date, term.starts_on)
        by_post.setdefault(candidate.planned_post_id, []).append(candidate)
    rows = [
        PlannedRow(
            post,
            by_post.get(post.pk, []),
            rules.post_count_warning(len(by_post.get(post.pk, [])), params),
        )
        for post in posts
    ]
    composition = rules.composition(list(profiles.values()), term.starts_on, params)
    return rows, composition, params
