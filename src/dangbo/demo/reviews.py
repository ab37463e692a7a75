"""Deterministic review history for demo data: five closed years and one open year.

Shares follow the seeds (DOMAIN.md): 2022 has 91.95% of grassroots orgs HTTNV or better and
>15% of members HTXSNV; the five closed years average 14.4% HTXSNV and 81.3% HTTNV. Counts
come from the shares by largest remainder, so the figures are exact when the sizes allow it.
Excellent grades are spread over the committees directly under the root (the confirming units),
each within its quota (20%, or 25% for units judged outstanding).
"""

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.members.rules import months_between
from dangbo.organizations.models import Organization
from dangbo.reviews import rules, services
from dangbo.reviews.models import (
    Confirmation,
    CriteriaSet,
    MemberReview,
    OrgReview,
    ReviewStep,
    ReviewYear,
)

E, G, C, K = rules.EXCELLENT, rules.GOOD, rules.COMPLETED, rules.NOT_COMPLETED

# year: (members: excellent, good, completed %), (grassroots orgs: excellent, good, completed %)
SEED_SHARES = {
    2021: ((13.2, 82.1, 4.2), (19.0, 71.5, 8.5)),
    2022: ((15.3, 80.0, 4.2), (21.0, 70.95, 7.05)),
    2023: ((14.1, 81.6, 3.9), (20.0, 72.5, 6.5)),
    2024: ((14.6, 81.5, 3.5), (20.5, 72.5, 6.0)),
    2025: ((14.8, 81.3, 3.6), (21.0, 72.4, 5.8)),
}
OPEN_YEAR = 2026


def allocate(n: int, percents) -> dict[str, int]:
    """Counts per grade for n subjects from (excellent, good, completed) percents; the rest is
    Not completed. Largest remainder, so counts sum to n and each share is as close as can be."""
    shares = [Decimal(str(p)) for p in percents]
    shares.append(Decimal(100) - sum(shares))
    exact = [Decimal(n) * s / 100 for s in shares]
    counts = [int(x) for x in exact]
    order = sorted(range(4), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return dict(zip((E, G, C, K), counts, strict=True))


def _spread_excellent(units: dict, wanted: int, outstanding: set, rng) -> dict:
    """Give `wanted` Excellent grades to the good-or-better members of the units, round robin,
    never beyond a unit's quota. Returns unit → number of Excellent."""
    given = defaultdict(int)
    keys = sorted(units)
    rng.shuffle(keys)
    progress = True
    while wanted and progress:
        progress = False
        for key in keys:
            if not wanted:
                break
            pool = units[key]
            x = given[key] + 1
            percent = 25 if key in outstanding else 20
            if x <= len(pool) and x * 100 <= (len(pool) - x) * percent:
                given[key] = x
                wanted -= 1
                progress = True
    return given


def _score_for(grade: str, rng) -> tuple[Decimal, bool, Decimal]:
    low, high = {E: (90, 99), G: (70, 89), C: (50, 69), K: (30, 49)}[grade]
    total = Decimal(rng.randint(low * 2, high * 2)) / 2
    exceed = Decimal(rng.randint(30, 60)) if grade == E else Decimal(rng.randint(0, 25))
    return total, grade in (E, G), exceed


def _split(total: Decimal, criteria) -> dict:
    """Criteria points in proportion to their maxima, adding up exactly to total."""
    full = sum(c.max_points for c in criteria)
    scores, left = {}, total
    for criterion in criteria[:-1]:
        value = (total * criterion.max_points / full).quantize(Decimal("0.1"))
        scores[criterion.code] = value
        left -= value
    scores[criteria[-1].code] = left
    return {k: str(v) for k, v in scores.items()}


def _member_grades(present, reference, shares, unit_width, rng):
    """The grade of each member classified in the year (admitted 6 months before the
    reference date), Excellent spread over the confirming units within their quotas: grade by
    member id, the good-or-better members by unit, the units judged outstanding."""
    classified = [m for m in present if months_between(m[3], reference) >= 6]
    counts = allocate(len(classified), shares)
    pool = list(classified)
    rng.shuffle(pool)
    grade_of = {}
    for grade in (K, C):
        for m in pool[: counts[grade]]:
            grade_of[m[0]] = grade
        pool = pool[counts[grade] :]
    units = defaultdict(list)
    for m in pool:
        units[m[2][:unit_width]].append(m)
    outstanding = {key for key in units if rng.random() < 0.35}
    excellent = _spread_excellent(units, counts[E], outstanding, rng)
    for key, unit in units.items():
        rng.shuffle(unit)
        for index, m in enumerate(unit):
            grade_of[m[0]] = E if index < excellent.get(key, 0) else G
    return grade_of, units, outstanding


def _member_review(review_year, m, grade, criteria, rng, now) -> MemberReview:
    """A final member review (scored and confirmed through every step), or an exempt one."""
    review = MemberReview(
        review_year=review_year,
        member_id=m[0],
        organization_id=m[1],
        exemption="" if grade else rules.RECENTLY_ADMITTED,
    )
    if grade:
        total, done, exceed = _score_for(grade, rng)
        review.scores = _split(total, criteria)
        general, task = rules.split_total(
            {k: Decimal(v) for k, v in review.scores.items()},
            [(c.code, c.group, c.max_points) for c in criteria],
        )
        review.general_score, review.task_score, review.total_score = general, task, total
        review.all_tasks_done, review.exceed_percent = done, exceed
        review.proposed_grade = review.cell_grade = grade
        review.committee_grade = review.final_grade = grade
        review.self_grade = grade
        review.scored_at = review.cell_at = review.committee_at = review.final_at = now
    return review


def _confirmations(review_year, units, grade_of, outstanding, orgs, user) -> None:
    for key, unit in units.items():
        good = sum(1 for m in unit if grade_of[m[0]] == G)
        best = sum(1 for m in unit if grade_of[m[0]] == E)
        percent = 25 if key in outstanding else 20
        org = next((o for o in orgs if o.path == key), None)
        if org is not None:
            Confirmation.objects.create(
                review_year=review_year,
                organization=org,
                outstanding_unit=key in outstanding,
                excellent_count=best,
                good_count=good,
                quota_percent=percent,
                quota_limit=rules.excellent_limit(good, percent),
                confirmed_by=user,
            )


@transaction.atomic
def seed_history(root: Organization, seed: int = 1, years=SEED_SHARES, user=None) -> list:
    """Write closed review years for `root` (one per entry of `years`) and open OPEN_YEAR."""
    rng = random.Random(seed)
    orgs = list(
        Organization.objects.filter(path__startswith=root.path, is_active=True)
        .select_related("org_type")
        .order_by("path")
    )
    unit_width = len(root.path) + (0 if root.org_type.holds_members else Organization.steplen)
    member_set = CriteriaSet.in_force(CriteriaSet.Subject.MEMBER, date(min(years), 12, 1))
    org_set = CriteriaSet.in_force(CriteriaSet.Subject.ORG, date(min(years), 12, 1))
    member_criteria = list(member_set.criteria.all())
    org_criteria = list(org_set.criteria.all())
    members = list(
        Member.objects.filter(org_path__startswith=root.path, status__in=ACTIVE_STATUSES)
        .order_by("id")
        .values_list("id", "organization_id", "org_path", "admitted_on")
    )
    now = timezone.now()
    created = []
    for year, (member_shares, org_shares) in sorted(years.items()):
        reference = date(year, 12, 1)
        review_year = ReviewYear.objects.create(
            organization=root,
            year=year,
            reference_date=reference,
            state=ReviewYear.State.CLOSED,
            member_criteria=member_set,
            org_criteria=org_set,
            closed_at=now,
        )
        created.append(review_year)
        present = [m for m in members if m[3] <= reference]
        grade_of, units, outstanding = _member_grades(
            present, reference, member_shares, unit_width, rng
        )
        rows = [
            _member_review(review_year, m, grade_of.get(m[0], ""), member_criteria, rng, now)
            for m in present
        ]
        MemberReview.objects.bulk_create(rows, batch_size=2000)
        _org_reviews(review_year, orgs, org_shares, org_criteria, rng, now)
        services.tally_members(review_year)
        _confirmations(review_year, units, grade_of, outstanding, orgs, user)
        ReviewStep.objects.create(
            review_year=review_year,
            kind=ReviewStep.Kind.CLOSED,
            note="Dữ liệu mẫu",
            decided_at=now,
            decided_by=user,
        )
    open_year = services.open_year(organization=root, year=OPEN_YEAR, user=user)
    created.append(open_year)
    return created


def _org_reviews(review_year, orgs, shares, criteria, rng, now):
    grassroots = [o for o in orgs if o.org_type.is_grassroots]
    cells = [o for o in orgs if o.org_type.holds_members and not o.org_type.is_grassroots]
    grade_of = {}
    for group in (grassroots, cells):
        counts = allocate(len(group), shares)
        shuffled = list(group)
        rng.shuffle(shuffled)
        start = 0
        for grade in (E, G, C, K):
            for org in shuffled[start : start + counts[grade]]:
                grade_of[org.pk] = grade
            start += counts[grade]
    rows = []
    for org in orgs:
        review = OrgReview(
            review_year=review_year, organization=org, is_classified=services.classified_org(org)
        )
        grade = grade_of.get(org.pk)
        if grade:
            total, done, exceed = _score_for(grade, rng)
            review.scores = _split(total, criteria)
            review.total_score, review.all_tasks_done, review.exceed_percent = total, done, exceed
            review.proposed_grade = review.self_grade = grade
            review.committee_grade = review.final_grade = grade
            review.scored_at = review.committee_at = review.final_at = now
        rows.append(review)
    OrgReview.objects.bulk_create(rows, batch_size=2000)
