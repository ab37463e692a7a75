"""Demo committees: two terms of congresses for every org (2020 and 2025), their elections with
vote counts, the committees they elected as dated post periods, a few mid-term changes, agency
posts of the secretaries, management scope, a planning list for the coming term and comments.
Deterministic for a seed.

The congresses, elections and posts are written in bulk (the same rows the services write:
the province dataset has ~4,000 orgs); changes, planning and comments go through the services
so they obey the rules.
"""

import bisect
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dangbo.committees import services
from dangbo.committees.models import (
    BODY_POST,
    AgencyPosition,
    Body,
    Candidate,
    Congress,
    Election,
    EndKind,
    PostPeriod,
    StartKind,
    Term,
)
from dangbo.core.errors import DomainError
from dangbo.members.models import Member
from dangbo.organizations.models import Organization, OrgType

LATE_SHARE = 0.08  # orgs that have not held their 2025 congress yet


def _day(rng: random.Random, year: int, first_month: int, last_month: int) -> date:
    return date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


def _committee_size(org, pool: int) -> int:
    if org.org_type.holds_members:
        return 3 if pool >= 9 else 0  # a cell with ≥9 members elects a committee
    if org.depth <= 1:
        return 15
    if not org.org_type.is_grassroots:
        return 11
    return 7 if pool >= 30 else 5


class Pools:
    """Active members sorted by org path: a subtree is one contiguous slice."""

    def __init__(self, root):
        rows = list(
            Member.objects.active()
            .filter(org_path__startswith=root.path)
            .order_by("org_path", "pk")
            .values_list("org_path", "pk")
        )
        self.paths = [path for path, _ in rows]
        self.ids = [pk for _, pk in rows]

    def of(self, path: str) -> list[int]:
        lo = bisect.bisect_left(self.paths, path)
        hi = bisect.bisect_left(self.paths, path + "\uffff")
        return self.ids[lo:hi]


def _elect(rng, congress, org, body, held_on, people, seats, voters, rows):
    """Rows of one election: candidates (one or two more than seats) and posts."""
    election = Election(
        congress=congress,
        organization=org,
        body=body,
        held_on=held_on,
        seats=seats,
        voters=voters,
        threshold="1/2",
    )
    rows["elections"].append(election)
    for n, member_id in enumerate(people):
        elected = n < seats
        votes = rng.randint(voters * 3 // 4, voters) if elected else rng.randint(0, voters // 2)
        rows["candidates"].append((election, member_id, votes, elected))
    return people[:seats]


def _plans(rng, orgs, pools) -> list:
    """(org, congress number, held on, term name, member pool) of every congress to write."""
    plans = []
    for org in orgs:
        pool = pools.of(org.path)
        if len(pool) < 3:
            continue
        starts = [_day(rng, 2020, 3, 10)]
        if rng.random() > LATE_SHARE:
            starts.append(_day(rng, 2025, 3, 10))
        for number, held_on in enumerate(starts, start=1):
            name = f"{held_on.year}–{held_on.year + 5}"
            plans.append((org, number, held_on, name, pool))
    return plans


def _congresses(rng, plans) -> list[Congress]:
    """The terms and their opening congresses, in bulk."""
    terms = Term.objects.bulk_create(
        Term(
            organization=org,
            name=name,
            starts_on=held_on,
            ends_on=held_on.replace(year=held_on.year + 5),
        )
        for org, _, held_on, name, _ in plans
    )
    return Congress.objects.bulk_create(
        Congress(
            organization=org,
            term=term,
            number=10 + number if org.depth <= 2 else number + 2,
            held_on=held_on,
            delegates_summoned=min(len(pool), 350),
            delegates_present=min(len(pool), 350) - rng.randint(0, 3),
        )
        for (org, number, held_on, _, pool), term in zip(plans, terms, strict=True)
    )


def _elect_bodies(rng, congress, org, held_on, pool, rows, posts) -> int:
    """The elections of one congress (committee, secretary, deputy, standing committee,
    inspection committee) into `rows`, their posts into `posts`; returns the secretary."""
    voters = congress.delegates_present
    size = _committee_size(org, len(pool))
    chosen = rng.sample(pool, min(len(pool), max(size, 2) + 2))

    def elect(body, people, seats, voters):
        elected = _elect(rng, congress, org, body, held_on, people, seats, voters, rows)
        posts.extend((congress, m, body, len(rows["elections"]) - 1) for m in elected)
        return elected

    if size:
        members = elect(Body.COMMITTEE, chosen, size, voters)
        committee_voters = size
    else:
        members, committee_voters = chosen, voters
    secretary = elect(Body.SECRETARY, members[:1], 1, committee_voters)
    elect(Body.DEPUTY_SECRETARY, members[1:2], 1, committee_voters)
    if size >= 9:
        elect(Body.STANDING, members[:5], 4, size)
    if not org.org_type.holds_members:
        elect(Body.INSPECTION, members[-3:], 3, size)
    return secretary[0]


def _write_posts(plans, posts, elections) -> None:
    """Post periods of the elected; those of the first term end when the second congress
    opens."""
    next_start = {}
    for org, number, held_on, _, _ in plans:
        if number == 2:
            next_start[org.pk] = held_on
    PostPeriod.objects.bulk_create(
        (
            PostPeriod(
                organization_id=congress.organization_id,
                member_id=member_id,
                post=BODY_POST[body],
                term=congress.term,
                valid_from=congress.held_on,
                valid_to=next_start.get(congress.organization_id)
                if congress.held_on.year == 2020
                else None,
                end_kind=EndKind.TERM_ENDED
                if congress.held_on.year == 2020 and congress.organization_id in next_start
                else "",
                start_kind=StartKind.ELECTED,
                election=elections[index],
            )
            for congress, member_id, body, index in posts
        ),
        batch_size=5000,
    )


@transaction.atomic
def seed_committees(root: Organization, seed: int, today: date | None = None) -> int:
    """Two terms for every org under `root`; returns the number of congresses written."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    pools = Pools(root)
    orgs = list(
        Organization.objects.filter(path__startswith=root.path, is_active=True)
        .select_related("org_type")
        .order_by("path")
    )
    plans = _plans(rng, orgs, pools)
    congresses = _congresses(rng, plans)
    rows = {"elections": [], "candidates": []}
    posts = []  # (congress, member_id, body, election index)
    secretaries = []
    for (org, _, held_on, _, pool), congress in zip(plans, congresses, strict=True):
        secretary = _elect_bodies(rng, congress, org, held_on, pool, rows, posts)
        secretaries.append((org, congress, secretary))
    elections = Election.objects.bulk_create(rows["elections"], batch_size=2000)
    Candidate.objects.bulk_create(
        (
            Candidate(election=election, member_id=member_id, votes=votes, elected=elected)
            for election, member_id, votes, elected in rows["candidates"]
        ),
        batch_size=5000,
    )
    _write_posts(plans, posts, elections)
    _agency_posts(rng, secretaries)
    _changes(rng, orgs[:40], today)
    _scope(root)
    _planning(rng, root, orgs, today)
    _comments(rng, root, today)
    return len(congresses)


def _agency_posts(rng, secretaries):
    """Heads of agencies are often the secretary of its party org."""
    rows = []
    for org, congress, member_id in secretaries:
        if org.org_type.holds_members or not org.org_type.is_grassroots or rng.random() < 0.4:
            continue
        agency = org.name.replace("Đảng bộ ", "").replace("Chi bộ ", "")
        rows.append(
            AgencyPosition(
                member_id=member_id,
                category="government",
                title=rng.choice(["Giám đốc", "Phó Giám đốc", "Chủ tịch", "Trưởng ban"]),
                agency=agency,
                valid_from=congress.held_on - timedelta(days=rng.randint(100, 1500)),
            )
        )
    AgencyPosition.objects.bulk_create(rows, batch_size=5000)


def _changes(rng, orgs, today):
    """A resignation followed by an additional election in some committees."""
    for org in orgs:
        if org.org_type.holds_members or rng.random() < 0.5:
            continue
        term = services.term_on(org, today)
        if term is None:
            continue
        seated = list(
            PostPeriod.objects.filter(
                organization=org, term=term, post="committee_member", valid_to__isnull=True
            )
            .exclude(
                member__in=PostPeriod.objects.filter(
                    organization=org, post__in=["secretary", "deputy_secretary"]
                ).values("member")
            )
            .select_related("member")
        )
        if not seated:
            continue
        on = term.starts_on + timedelta(days=rng.randint(200, 400))
        if on >= today:
            continue
        leaving = seated[0]
        try:
            services.record_change(
                organization=org,
                kind="move",
                member=leaving.member,
                post="committee_member",
                on=on,
                decision_number=f"{rng.randint(10, 300)}-QĐ/TU",
                reason="Được điều động công tác khác",
            )
            newcomer = (
                Member.objects.active()
                .filter(org_path__startswith=org.path)
                .exclude(party_posts__organization=org)
                .first()
            )
            if newcomer is not None:
                services.record_change(
                    organization=org,
                    kind="additional_election",
                    member=newcomer,
                    post="committee_member",
                    on=on + timedelta(days=30),
                    votes=rng.randint(40, 50),
                    voters=50,
                    reason="Hội nghị cấp ủy bầu bổ sung",
                )
        except DomainError:
            continue


def _scope(root):
    superior = OrgType.objects.filter(code="superior").first()
    grassroots = OrgType.objects.filter(code="grassroots_committee").first()
    for post in ("secretary", "deputy_secretary"):
        services.add_scope(
            organization=root,
            valid_from=date(2020, 1, 1),
            party_post=post,
            org_type=superior,
            note="Quy định phân cấp quản lý cán bộ của Tỉnh ủy",
        )
    services.add_scope(
        organization=root,
        valid_from=date(2020, 1, 1),
        agency_category="government",
        title_contains="Giám đốc",
        note="Quy định phân cấp quản lý cán bộ của Tỉnh ủy",
    )
    for committee in Organization.objects.filter(
        path__startswith=root.path, depth=root.depth + 1, org_type=superior
    ):
        services.add_scope(
            organization=committee,
            valid_from=date(2020, 1, 1),
            party_post="secretary",
            org_type=grassroots,
        )


def _planning(rng, root, orgs, today):
    """A planning list for the next term of the root and the first committees below it."""
    titles = ["Bí thư", "Phó Bí thư", "Ủy viên Ban Thường vụ"]
    owners = [o for o in orgs if o.depth <= root.depth + 1 and not o.org_type.holds_members][:4]
    for org in owners:
        term = Term.objects.filter(organization=org).order_by("-starts_on").first()
        if term is None:
            continue
        target = Term.objects.create(
            organization=org,
            name=f"{term.ends_on.year}–{term.ends_on.year + 5}",
            starts_on=term.ends_on,
            ends_on=term.ends_on.replace(year=term.ends_on.year + 5),
        )
        pool = list(
            Member.objects.active()
            .filter(
                org_path__startswith=org.path,
                theory_level__in=["intermediate", "advanced", "bachelor"],
                birth_date__gt=date(target.starts_on.year - 55, 1, 1),
            )
            .order_by("pk")[:60]
        )
        rng.shuffle(pool)
        for order, title in enumerate(titles):
            post = services.add_planned_post(term=target, title=title, order=order)
            for member in pool[order * 3 : order * 3 + rng.randint(1, 4)]:
                try:
                    services.add_candidate(
                        planned_post=post,
                        member=member,
                        added_on=min(today, date(2024, 6, 1)),
                        reason="Hội nghị cán bộ chủ chốt giới thiệu",
                    )
                except DomainError:
                    continue


def _comments(rng, root, today):
    members = list(
        Member.objects.active()
        .filter(org_path__startswith=root.path, occupation="civil_servant")
        .select_related("organization")
        .order_by("pk")[:12]
    )
    cells = list(
        Organization.objects.filter(
            path__startswith=root.path, org_type__holds_members=True, is_active=True
        ).order_by("path")[:40]
    )
    for n, member in enumerate(members):
        if n % 2 == 0:
            services.request_appointment_comment(
                organization=member.organization,
                member=member,
                kind=rng.choice(["appointment", "reappointment"]),
                post=rng.choice(["Trưởng phòng", "Phó Giám đốc", "Phó Trưởng phòng"]),
                requesting_agency="Sở Nội vụ",
                requested_on=today - timedelta(days=rng.randint(5, 40)),
            )
        residence = next((c for c in cells if c.pk != member.organization_id), None)
        if residence is None:
            continue
        comment = services.request_residence_comment(
            member=member,
            residence_org=residence,
            year=today.year,
            requested_on=today - timedelta(days=rng.randint(5, 40)),
        )
        if n % 3 == 0:
            services.respond_residence_comment(
                comment,
                responded_on=min(today, comment.due_on),
                assessment="good",
                content="Gương mẫu chấp hành chủ trương, chính sách tại nơi cư trú.",
            )
