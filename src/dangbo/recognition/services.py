"""Badge use cases: who is eligible on an award day, propose, decide; commendations."""

from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils import timezone

from dangbo.core import hooks
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Discipline, Member, MembershipGap
from dangbo.members.rules import DISCIPLINE_BADGE_DELAY_MONTHS
from dangbo.organizations.models import Organization
from dangbo.recognition import rules
from dangbo.recognition.models import BadgeAward, Commendation, CommendationProposal


def params_on(day: date) -> rules.BadgeParams:
    """Badge parameters in force on `day` (configurable, dated)."""
    default = rules.BadgeParams()
    keys = {
        "badge.milestones": "milestones",
        "badge.early_months": "early_months",
        "badge.early_months_senior": "early_months_senior",
        "badge.senior_from": "senior_from",
    }
    values = RuleParameter.values_on(keys, day)
    overrides = {field: values[key] for key, field in keys.items() if key in values}
    if "milestones" in overrides:
        overrides["milestones"] = tuple(overrides["milestones"])
    return replace(default, **overrides)


def _by_member(rows):
    grouped: dict[int, list] = {}
    for member_id, *values in rows:
        grouped.setdefault(member_id, []).append(tuple(values))
    return grouped


def eligibility(members: list[Member], award_day: date, today: date, params=None):
    """(member, Eligibility) for those who can be given a badge on `award_day`: the highest
    milestone they reach by then above every badge they hold (`rules.badge_on`)."""
    params = params or params_on(award_day)
    ids = [m.pk for m in members]
    gaps = _by_member(
        MembershipGap.objects.filter(member_id__in=ids).values_list(
            "member_id", "valid_from", "valid_to"
        )
    )
    live = _by_member(
        BadgeAward.objects.filter(member_id__in=ids)
        .exclude(status=BadgeAward.Status.REJECTED)
        .values_list("member_id", "milestone")
    )
    disciplines = _by_member(
        Discipline.objects.filter(
            member_id__in=ids, annulled_on__isnull=True, decided_on__lte=award_day
        ).values_list("member_id", "decided_on", "form")
    )
    result = []
    for member in members:
        found = rules.badge_on(
            member.admitted_on,
            gaps.get(member.pk, []),
            [m for (m,) in live.get(member.pk, [])],
            [
                (d, DISCIPLINE_BADGE_DELAY_MONTHS.get(f, 0))
                for d, f in disciplines.get(member.pk, [])
            ],
            award_day,
            today,
            params,
        )
        if found:
            result.append((member, found))
    return result


def eligible_members(member_qs, award_day: date, today: date | None = None):
    """Eligible active members of a (restricted) queryset; a date pre-filter keeps it small."""
    today = today or timezone.localdate()
    params = params_on(award_day)
    candidates = list(
        member_qs.filter(
            status__in=ACTIVE_STATUSES,
            admitted_on__lte=rules.latest_admission_for(award_day, params),
        )
        .select_related("organization")
        .order_by("org_path", "name_search")
    )
    return eligibility(candidates, award_day, today, params)


@transaction.atomic
def propose(member_ids, award_day: date, *, allowed, user=None) -> list[BadgeAward]:
    """Propose badges for members (all eligible, all within reach) — all or nothing."""
    if award_day.timetuple()[1:3] not in rules.AWARD_DAYS:
        raise DomainError("Ngày trao tặng phải là 3/2, 19/5, 2/9 hoặc 7/11.", "award_date")
    ids = {int(i) for i in member_ids}
    if not ids:
        raise DomainError("Chọn ít nhất một đảng viên.", "members")
    members = list(allowed.filter(pk__in=ids))
    if len(members) != len(ids):
        raise DomainError("Có đảng viên không thuộc phạm vi được giao.", "members")
    found = dict((m.pk, e) for m, e in eligibility(members, award_day, timezone.localdate()))
    for member in members:
        if member.pk not in found:
            raise DomainError(
                f"{member.full_name} chưa đủ điều kiện tại đợt {award_day:%d/%m/%Y}.", "members"
            )
    return BadgeAward.objects.bulk_create(
        BadgeAward(
            member=m,
            milestone=found[m.pk].milestone,
            award_date=award_day,
            reason=found[m.pk].reason(),
            proposed_by=user,
        )
        for m in members
    )


@transaction.atomic
def decide(
    award_ids,
    *,
    approve: bool,
    decision_number: str,
    decided_on: date,
    allowed,
    user=None,
    note: str = "",
) -> int:
    """The deciding level approves (with its decision) or rejects proposed badges."""
    if approve and not decision_number.strip():
        raise DomainError("Cần nhập số quyết định tặng huy hiệu.", "decision_number")
    if decided_on > timezone.localdate():
        raise DomainError("Ngày quyết định không được sau ngày hôm nay.", "decided_on")
    ids = {int(i) for i in award_ids}
    awards = list(allowed.select_for_update().filter(pk__in=ids, status=BadgeAward.Status.PROPOSED))
    if not ids or len(awards) != len(ids):
        raise DomainError("Có đề nghị không hợp lệ hoặc đã được quyết định.", "awards")
    for award in awards:
        award.status = BadgeAward.Status.AWARDED if approve else BadgeAward.Status.REJECTED
        award.decision_number = decision_number.strip()
        award.decided_on = decided_on
        award.decided_by = user
        award.note = note
        award.save()
    return len(awards)


def _subject(subject) -> dict:
    """{"member": m} or {"organization": o} for a Member or an Organization."""
    if isinstance(subject, Organization):
        return {"organization": subject}
    if isinstance(subject, Member):
        return {"member": subject}
    raise DomainError("Khen thưởng phải cho một đảng viên hoặc một tổ chức đảng.", "subject")


@transaction.atomic
def record_commendation(
    subject,
    *,
    form: str,
    year: int,
    issuer: str,
    decision_number: str,
    decided_on: date,
    reason: str = "",
):
    """Record a commendation to a member or an organisation (`subject`) with its decision."""
    if decided_on > timezone.localdate():
        raise DomainError("Ngày quyết định không được sau ngày hôm nay.", "decided_on")
    if not (1930 <= year <= decided_on.year):
        raise DomainError("Năm khen thưởng không hợp lệ.", "year")
    if not form.strip():
        raise DomainError("Cần ghi hình thức khen thưởng.", "form")
    if not decision_number.strip():
        raise DomainError("Cần nhập số quyết định khen thưởng.", "decision_number")
    return Commendation.objects.create(
        **_subject(subject),
        form=form.strip(),
        year=year,
        issuer=issuer.strip(),
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        reason=reason.strip(),
    )


# --- commendations fed by classification streaks ----------------------------------------------


def streak_rules_on(day: date, org_path: str = "") -> tuple[rules.StreakRule, ...]:
    """The streak → commendation table in force on `day` (dated RuleParameter, or defaults)."""
    value = RuleParameter.value_on(rules.STREAK_RULES_KEY, day, org_path)
    if not value:
        return rules.DEFAULT_STREAK_RULES
    return tuple(rules.StreakRule.parse(item) for item in value)


@transaction.atomic
def propose_from_streaks(*, path: str, year: int) -> list[CommendationProposal]:
    """Ask reviews for the Excellent streaks under `path` ending in `year` and propose the
    commendation each earns (once per subject and year; idempotent). [] without reviews."""
    table = streak_rules_on(date(year, 12, 31), path)
    shortest = min((r.years for r in table), default=0)
    if shortest <= 0:
        return []
    streaks = hooks.call("reviews.streaks", path=path, up_to=year, min_years=shortest)
    if not streaks:
        return []
    subjects = [
        (rules.MEMBER, "member_id", streaks.get("members", [])),
        (rules.ORGANIZATION, "organization_id", streaks.get("organizations", [])),
    ]
    created = []
    for subject, field, rows in subjects:
        ids = [row["id"] for row in rows]
        existing = set(
            CommendationProposal.objects.filter(**{f"{field}__in": ids}, year=year).values_list(
                field, flat=True
            )
        )
        for row in rows:
            rule = rules.streak_rule(subject, row["years"], table)
            if rule is None or row["id"] in existing:
                continue
            created.append(
                CommendationProposal(
                    **{field: row["id"]},
                    year=year,
                    streak=row["years"],
                    form=rule.form,
                    issuer=rule.issuer,
                    reason=rules.streak_reason(subject, row["years"], year),
                )
            )
    return CommendationProposal.objects.bulk_create(created)


@transaction.atomic
def confirm_proposals(
    proposal_ids,
    *,
    decision_number: str,
    decided_on: date,
    allowed,
    user=None,
    issuer: str = "",
) -> int:
    """The officer records the commendation decision for proposals (all or none)."""
    ids = {int(i) for i in proposal_ids}
    proposals = list(
        allowed.select_for_update(of=("self",))
        .select_related("member", "organization")
        .filter(pk__in=ids, status=CommendationProposal.Status.PROPOSED)
    )
    if not ids or len(proposals) != len(ids):
        raise DomainError("Có đề xuất không hợp lệ hoặc đã được xem xét.", "proposals")
    for proposal in proposals:
        proposal.commendation = record_commendation(
            proposal.subject,
            form=proposal.form,
            year=proposal.year,
            issuer=issuer.strip() or proposal.issuer,
            decision_number=decision_number,
            decided_on=decided_on,
            reason=proposal.reason,
        )
        proposal.status = CommendationProposal.Status.CONFIRMED
        proposal.decided_by = user
        proposal.save()
    return len(proposals)


@transaction.atomic
def dismiss_proposals(proposal_ids, *, note: str, allowed, user=None) -> int:
    """Not proposed further, with the reason (kept, never deleted)."""
    if not note.strip():
        raise DomainError("Cần nêu lý do không đề nghị khen thưởng.", "note")
    ids = {int(i) for i in proposal_ids}
    proposals = list(
        allowed.select_for_update(of=("self",)).filter(
            pk__in=ids, status=CommendationProposal.Status.PROPOSED
        )
    )
    if not ids or len(proposals) != len(ids):
        raise DomainError("Có đề xuất không hợp lệ hoặc đã được xem xét.", "proposals")
    for proposal in proposals:
        proposal.status = CommendationProposal.Status.DISMISSED
        proposal.note = note.strip()
        proposal.decided_by = user
        proposal.save()
    return len(proposals)
