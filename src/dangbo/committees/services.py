"""Use cases of committees and cadres: one transaction each, validate → write → event.

Bad input raises DomainError (Vietnamese message, field); nothing is changed then.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dangbo.committees import rules
from dangbo.committees.models import (
    BODY_POST,
    CHANGE_ENDS,
    CHANGE_STARTS,
    AgencyPosition,
    AppointmentComment,
    Body,
    Candidate,
    ChangeKind,
    CommitteeChange,
    Congress,
    Election,
    EndKind,
    ManagementScope,
    PartyPost,
    PlannedPost,
    PlanningCandidate,
    PostPeriod,
    ResidenceComment,
    StartKind,
    Term,
    valid_on,
)
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import vi_percent
from dangbo.members.choices import ACTIVE_STATUSES

# Posts that only a member of the committee can hold (they end with the committee seat).
COMMITTEE_DEPENDENT = {
    PartyPost.SECRETARY,
    PartyPost.DEPUTY_SECRETARY,
    PartyPost.STANDING_MEMBER,
}


def parameters(keys, on: date, org_path: str = "") -> dict:
    """Dated rule values in force on `on` for the org, defaults filled in."""
    values = RuleParameter.values_on(keys, on, org_path)
    return {key: values.get(key, rules.DEFAULTS[key]) for key in keys}


def planning_params(on: date, org_path: str = "") -> rules.PlanningParams:
    keys = [key for key in rules.DEFAULTS if key.startswith("cadres.")]
    return rules.PlanningParams.from_values(parameters(keys, on, org_path))


def _require_in_subtree(member, organization, field="member"):
    if not member.org_path.startswith(organization.path):
        raise DomainError(
            f"Đồng chí {member.full_name} không sinh hoạt trong {organization.name}.", field
        )


def _require_active(member, field="member"):
    if member.status not in ACTIVE_STATUSES:
        raise DomainError(f"Đồng chí {member.full_name} không còn sinh hoạt đảng.", field)


def term_on(organization, on: date) -> Term | None:
    """The term of the org in force on a date (the latest that started on or before it)."""
    return organization.terms.filter(starts_on__lte=on).order_by("-starts_on").first()


# --- Terms and congresses ---------------------------------------------------------------


@transaction.atomic
def record_congress(
    *,
    organization,
    term_name: str,
    held_on: date,
    delegates_summoned: int,
    delegates_present: int,
    number: int | None = None,
    ends_on: date | None = None,
    note: str = "",
    user=None,
) -> Congress:
    """A congress opens a new term; the committee of the previous term ends on that day."""
    if delegates_summoned <= 0:
        raise DomainError("Số đại biểu được triệu tập phải lớn hơn 0.", "delegates_summoned")
    if delegates_present > delegates_summoned:
        raise DomainError(
            "Số đại biểu có mặt không thể lớn hơn số được triệu tập.", "delegates_present"
        )
    if organization.terms.filter(starts_on__gte=held_on).exists():
        raise DomainError(
            "Đã có nhiệm kỳ bắt đầu từ ngày này trở về sau; ghi đại hội theo thứ tự thời gian.",
            "held_on",
        )
    if organization.dissolved_on and held_on >= organization.dissolved_on:
        raise DomainError("Tổ chức đã giải thể trước ngày đại hội.", "held_on")
    if ends_on is None:
        years = parameters(["committees.term_years"], held_on, organization.path)
        ends_on = rules.term_end(held_on, int(years["committees.term_years"]))
    if ends_on <= held_on:
        raise DomainError("Ngày kết thúc nhiệm kỳ phải sau ngày đại hội.", "ends_on")
    problem = rules.term_name_problem(term_name, held_on, ends_on)
    if problem:
        raise DomainError(problem, "term_name")
    term = Term.objects.create(
        organization=organization, name=term_name.strip(), starts_on=held_on, ends_on=ends_on
    )
    congress = Congress.objects.create(
        organization=organization,
        term=term,
        number=number,
        held_on=held_on,
        delegates_summoned=delegates_summoned,
        delegates_present=delegates_present,
        note=note,
        recorded_by=user if user and user.is_authenticated else None,
    )
    PostPeriod.objects.filter(
        valid_on(held_on), organization=organization, valid_from__lt=held_on
    ).update(valid_to=held_on, end_kind=EndKind.TERM_ENDED)
    return congress


@dataclass
class Vote:
    member: object
    votes: int


def _check_election(congress: Congress, body: str, held_on: date, seats: int, voters: int):
    """The election itself: its body, date and counts."""
    if body not in Body.values:
        raise DomainError("Loại bầu cử không hợp lệ.", "body")
    if congress.elections.filter(body=body).exists():
        raise DomainError("Đại hội đã có kết quả bầu cử này.", "body")
    if held_on < congress.held_on or held_on >= congress.term.ends_on:
        raise DomainError("Ngày bầu phải trong nhiệm kỳ, từ ngày đại hội.", "held_on")
    if seats <= 0:
        raise DomainError("Số lượng cần bầu phải lớn hơn 0.", "seats")
    if voters <= 0:
        raise DomainError("Số phiếu hợp lệ phải lớn hơn 0.", "voters")
    if body in (Body.COMMITTEE, Body.INSPECTION) and voters > congress.delegates_present:
        raise DomainError("Số phiếu hợp lệ không thể lớn hơn số đại biểu có mặt.", "voters")
    if body in (Body.SECRETARY,) and seats != 1:
        raise DomainError("Mỗi cấp ủy bầu một bí thư.", "seats")


def _check_candidates(congress: Congress, body: str, held_on: date, voters: int, results):
    """Every candidate once, with votes in range, active, in the org's subtree — and, where the
    body is elected by the committee, a member of the committee just elected."""
    org = congress.organization
    if not results:
        raise DomainError("Chưa có người ứng cử nào.", "results")
    seen = set()
    for vote in results:
        if vote.member.pk in seen:
            raise DomainError(f"Đồng chí {vote.member.full_name} ghi hai lần.", "results")
        seen.add(vote.member.pk)
        if vote.votes < 0 or vote.votes > voters:
            raise DomainError(
                f"Số phiếu của đồng chí {vote.member.full_name} phải từ 0 đến {voters}.",
                "results",
            )
        _require_active(vote.member, "results")
        _require_in_subtree(vote.member, org, "results")
    # A party committee (đảng bộ) elects its secretary among the committee it has just
    # elected; only a cell may elect its secretary at the congress without a committee.
    needs_committee = body == Body.STANDING or (
        body in (Body.SECRETARY, Body.DEPUTY_SECRETARY)
        and (
            not org.org_type.holds_members
            or congress.elections.filter(body=Body.COMMITTEE).exists()
        )
    )
    if needs_committee:
        committee = set(
            PostPeriod.objects.filter(
                valid_on(held_on), organization=org, post=PartyPost.COMMITTEE_MEMBER
            ).values_list("member_id", flat=True)
        )
        for vote in results:
            if vote.member.pk not in committee:
                raise DomainError(
                    f"Đồng chí {vote.member.full_name} chưa là cấp ủy viên khóa này; "
                    "bí thư, phó bí thư và ban thường vụ được bầu trong số cấp ủy viên: "
                    "ghi kết quả bầu cấp ủy trước.",
                    "results",
                )


@transaction.atomic
def record_election(
    congress: Congress,
    *,
    body: str,
    held_on: date,
    seats: int,
    voters: int,
    results: list[Vote],
    user=None,
) -> Election:
    """Record one election with every candidate's votes; the elected take up their post."""
    org = congress.organization
    _check_election(congress, body, held_on, seats, voters)
    _check_candidates(congress, body, held_on, voters, results)
    threshold_text = parameters(["committees.election_threshold"], held_on, org.path)[
        "committees.election_threshold"
    ]
    threshold = rules.parse_fraction(threshold_text)
    elected = rules.elect([(v.member.pk, v.votes) for v in results], voters, seats, threshold)
    election = Election.objects.create(
        congress=congress,
        organization=org,
        body=body,
        held_on=held_on,
        seats=seats,
        voters=voters,
        threshold=str(threshold_text),
    )
    Candidate.objects.bulk_create(
        Candidate(election=election, member=v.member, votes=v.votes, elected=v.member.pk in elected)
        for v in results
    )
    post = BODY_POST[body]
    PostPeriod.objects.bulk_create(
        PostPeriod(
            organization=org,
            member=v.member,
            post=post,
            term=congress.term,
            valid_from=held_on,
            start_kind=StartKind.ELECTED,
            election=election,
        )
        for v in results
        if v.member.pk in elected
    )
    return election


def _check_additional_election(organization, on: date, votes, voters) -> None:
    if not voters or votes is None:
        raise DomainError("Bầu bổ sung cần số phiếu bầu và số phiếu hợp lệ.", "votes")
    if votes > voters:
        raise DomainError("Số phiếu bầu không thể lớn hơn số phiếu hợp lệ.", "votes")
    threshold = rules.parse_fraction(
        parameters(["committees.election_threshold"], on, organization.path)[
            "committees.election_threshold"
        ]
    )
    if not rules.passes(votes, voters, threshold):
        raise DomainError(
            f"Không trúng cử: {vi_percent(rules.percent(votes, voters), None)} số phiếu hợp lệ, "
            f"phải quá {threshold}.",
            "votes",
        )


def _open_post(organization, kind, member, post, on, term, decision_number, votes, voters):
    """A post taken mid-term: by additional election (votes over the threshold) or by a
    superior's appointment (its decision number)."""
    _require_active(member)
    _require_in_subtree(member, organization)
    if term is None:
        raise DomainError("Tổ chức chưa có nhiệm kỳ vào ngày này; ghi đại hội trước.", "on")
    if on >= term.ends_on:
        raise DomainError("Ngày hiệu lực sau khi nhiệm kỳ đã kết thúc.", "on")
    if PostPeriod.objects.filter(
        organization=organization, member=member, post=post, valid_to__isnull=True
    ).exists():
        raise DomainError(f"Đồng chí {member.full_name} đang giữ chức vụ này.", "member")
    if (
        post in COMMITTEE_DEPENDENT
        and not PostPeriod.objects.filter(
            valid_on(on),
            organization=organization,
            member=member,
            post=PartyPost.COMMITTEE_MEMBER,
        ).exists()
    ):
        raise DomainError(
            f"Đồng chí {member.full_name} chưa là cấp ủy viên vào ngày này.", "member"
        )
    if kind == ChangeKind.ADDITIONAL_ELECTION:
        _check_additional_election(organization, on, votes, voters)
    elif not decision_number:
        raise DomainError("Chỉ định cần số quyết định của cấp trên.", "decision_number")
    PostPeriod.objects.create(
        organization=organization,
        member=member,
        post=post,
        term=term,
        valid_from=on,
        start_kind=CHANGE_STARTS[kind],
        decision_number=decision_number,
    )


def _close_post(organization, kind, member, post, on) -> None:
    """A post left mid-term; leaving the committee ends the posts that depend on it."""
    current = (
        PostPeriod.objects.filter(
            organization=organization, member=member, post=post, valid_to__isnull=True
        )
        .order_by("-valid_from")
        .first()
    )
    if current is None:
        raise DomainError(f"Đồng chí {member.full_name} không giữ chức vụ này.", "member")
    if on <= current.valid_from:
        raise DomainError(
            f"Ngày thôi phải sau ngày nhận chức vụ ({current.valid_from:%d/%m/%Y}).", "on"
        )
    posts = {post}
    if post == PartyPost.COMMITTEE_MEMBER:
        posts |= COMMITTEE_DEPENDENT
    PostPeriod.objects.filter(
        organization=organization,
        member=member,
        post__in=posts,
        valid_to__isnull=True,
        valid_from__lt=on,
    ).update(valid_to=on, end_kind=CHANGE_ENDS[kind])


@transaction.atomic
def record_change(
    *,
    organization,
    kind: str,
    member,
    post: str,
    on: date,
    decision_number: str = "",
    votes: int | None = None,
    voters: int | None = None,
    reason: str = "",
    user=None,
) -> CommitteeChange:
    """A mid-term change: a post opened (additional election, appointment) or closed
    (resignation, dismissal, move, retirement, death)."""
    if kind not in ChangeKind.values:
        raise DomainError("Loại thay đổi không hợp lệ.", "kind")
    if post not in PartyPost.values:
        raise DomainError("Chức vụ không hợp lệ.", "post")
    term = term_on(organization, on)
    if kind in CHANGE_STARTS:
        _open_post(organization, kind, member, post, on, term, decision_number, votes, voters)
    else:
        _close_post(organization, kind, member, post, on)
    return CommitteeChange.objects.create(
        organization=organization,
        term=term,
        kind=kind,
        date=on,
        member=member,
        post=post,
        decision_number=decision_number,
        votes=votes,
        voters=voters,
        reason=reason,
        recorded_by=user if user and user.is_authenticated else None,
    )


# --- Agency posts ------------------------------------------------------------------------


@transaction.atomic
def record_agency_position(
    *,
    member,
    category: str,
    title: str,
    agency: str,
    valid_from: date,
    valid_to: date | None = None,
    decision_number: str = "",
) -> AgencyPosition:
    if not title.strip():
        raise DomainError("Chưa ghi chức vụ.", "title")
    if valid_to is not None and valid_to <= valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "valid_to")
    if valid_from < member.birth_date:
        raise DomainError("Ngày bắt đầu trước ngày sinh.", "valid_from")
    return AgencyPosition.objects.create(
        member=member,
        category=category,
        title=title.strip(),
        agency=agency.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
    )


@transaction.atomic
def end_agency_position(position: AgencyPosition, valid_to: date) -> AgencyPosition:
    if position.valid_to is not None:
        raise DomainError("Chức vụ này đã kết thúc.", "valid_to")
    if valid_to <= position.valid_from:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu.", "valid_to")
    position.valid_to = valid_to
    position.save(update_fields=["valid_to", "updated_at"])
    return position


# --- Management scope ------------------------------------------------------------------------


@transaction.atomic
def add_scope(
    *,
    organization,
    valid_from: date,
    party_post: str = "",
    org_type=None,
    agency_category: str = "",
    title_contains: str = "",
    note: str = "",
) -> ManagementScope:
    if bool(party_post) == bool(agency_category):
        raise DomainError(
            "Chọn một chức vụ Đảng hoặc một khối chính quyền, đoàn thể (không cả hai).",
            "party_post",
        )
    return ManagementScope.objects.create(
        organization=organization,
        valid_from=valid_from,
        party_post=party_post,
        org_type=org_type,
        agency_category=agency_category,
        title_contains=title_contains.strip(),
        note=note,
    )


# --- Cadre planning ----------------------------------------------------------------------


@transaction.atomic
def add_planned_post(*, term: Term, title: str, order: int = 0) -> PlannedPost:
    title = title.strip()
    if not title:
        raise DomainError("Chưa ghi chức danh.", "title")
    if term.planned_posts.filter(title=title).exists():
        raise DomainError("Chức danh này đã có trong quy hoạch nhiệm kỳ.", "title")
    return PlannedPost.objects.create(
        organization=term.organization, term=term, title=title, order=order
    )


def profile_of(member, since: date | None = None, grade: str | None = None) -> rules.Profile:
    """The planning profile of a member (discipline counted from `since`)."""
    disciplines = member.disciplines.filter(annulled_on__isnull=True)
    if since is not None:
        disciplines = disciplines.filter(decided_on__gte=since)
    return rules.Profile(
        gender=member.gender,
        birth_date=member.birth_date,
        ethnicity=member.ethnicity,
        theory_level=member.theory_level,
        active=member.status in ACTIVE_STATUSES,
        disciplined=disciplines.exists(),
        grade=grade,
    )


@transaction.atomic
def add_candidate(
    *, planned_post: PlannedPost, member, added_on: date, reason: str = ""
) -> PlanningCandidate:
    """Plan a member for a post: conditions of the term's rules must be met."""
    term = planned_post.term
    org = planned_post.organization
    _require_active(member)
    _require_in_subtree(member, org)
    params = planning_params(added_on, org.path)
    active = PlanningCandidate.objects.filter(removed_on__isnull=True)
    if active.filter(planned_post=planned_post, member=member).exists():
        raise DomainError(f"Đồng chí {member.full_name} đã có trong quy hoạch chức danh này.")
    count = active.filter(planned_post=planned_post).count()
    high = params.candidates_per_post.get("max")
    if high is not None and count >= high:
        raise DomainError(
            f"Chức danh «{planned_post.title}» đã đủ {high} người quy hoạch.", "member"
        )
    posts = active.filter(planned_post__term=term, member=member).count()
    if not rules.posts_per_person_ok(posts + 1, params):
        raise DomainError(
            f"Một người quy hoạch không quá {params.max_posts_per_person} chức danh.", "member"
        )
    profile = profile_of(member)
    if not rules.age_ok(profile, term.starts_on, params):
        raise DomainError(
            f"Không đủ tuổi quy hoạch: {rules.age_on(member.birth_date, term.starts_on)} tuổi "
            f"khi bắt đầu nhiệm kỳ, phải còn ít nhất {params.min_service_years} năm công tác.",
            "member",
        )
    if not rules.theory_ok(profile.theory_level, params.min_theory_level):
        raise DomainError("Chưa đạt trình độ lý luận chính trị yêu cầu để quy hoạch.", "member")
    return PlanningCandidate.objects.create(
        planned_post=planned_post,
        organization=org,
        member=member,
        added_on=added_on,
        added_reason=reason,
    )


@transaction.atomic
def remove_candidate(candidate: PlanningCandidate, *, removed_on: date, reason: str):
    """The annual review takes a candidate out of the planning, with the reason."""
    if candidate.removed_on is not None:
        raise DomainError("Cán bộ này đã được đưa ra khỏi quy hoạch.")
    if not reason.strip():
        raise DomainError("Ghi lý do đưa ra khỏi quy hoạch.", "reason")
    if removed_on < candidate.added_on:
        raise DomainError("Ngày đưa ra trước ngày đưa vào quy hoạch.", "removed_on")
    candidate.removed_on = removed_on
    candidate.removed_reason = reason.strip()
    candidate.save(update_fields=["removed_on", "removed_reason", "updated_at"])
    return candidate


# --- Comments ------------------------------------------------------------------------------


def _due(requested_on: date, due_on: date | None, org_path: str) -> date:
    if due_on is not None:
        if due_on < requested_on:
            raise DomainError("Hạn trả lời trước ngày đề nghị.", "due_on")
        return due_on
    days = parameters(["committees.comment_days"], requested_on, org_path)
    return rules.comment_due(requested_on, int(days["committees.comment_days"]))


@transaction.atomic
def request_appointment_comment(
    *,
    organization,
    member,
    kind: str,
    post: str,
    requesting_agency: str,
    requested_on: date,
    due_on: date | None = None,
    user=None,
) -> AppointmentComment:
    _require_active(member)
    _require_in_subtree(member, organization)
    return AppointmentComment.objects.create(
        organization=organization,
        member=member,
        kind=kind,
        post=post.strip(),
        requesting_agency=requesting_agency.strip(),
        requested_on=requested_on,
        due_on=_due(requested_on, due_on, organization.path),
        recorded_by=user if user and user.is_authenticated else None,
    )


@transaction.atomic
def respond_appointment_comment(
    comment: AppointmentComment, *, responded_on: date, opinion: str, content: str
):
    if comment.responded_on is not None:
        raise DomainError("Đã có nhận xét cho đề nghị này.")
    if responded_on < comment.requested_on:
        raise DomainError("Ngày nhận xét trước ngày nhận đề nghị.", "responded_on")
    if not content.strip():
        raise DomainError("Chưa ghi nội dung nhận xét.", "content")
    comment.responded_on, comment.opinion, comment.content = responded_on, opinion, content
    comment.save(update_fields=["responded_on", "opinion", "content", "updated_at"])
    return comment


@transaction.atomic
def request_residence_comment(
    *, member, residence_org, year: int, requested_on: date, due_on: date | None = None, user=None
) -> ResidenceComment:
    _require_active(member)
    if not residence_org.org_type.holds_members:
        raise DomainError("Nơi cư trú phải là một chi bộ.", "residence_org")
    if member.organization_id == residence_org.pk:
        raise DomainError("Chi bộ nơi cư trú trùng với chi bộ đang sinh hoạt.", "residence_org")
    if ResidenceComment.objects.filter(member=member, year=year).exists():
        raise DomainError(f"Đã gửi đề nghị nhận xét năm {year} cho đồng chí này.", "year")
    return ResidenceComment.objects.create(
        member=member,
        residence_org=residence_org,
        year=year,
        requested_on=requested_on,
        due_on=_due(requested_on, due_on, residence_org.path),
        recorded_by=user if user and user.is_authenticated else None,
    )


@transaction.atomic
def respond_residence_comment(
    comment: ResidenceComment, *, responded_on: date, assessment: str, content: str
):
    if comment.responded_on is not None:
        raise DomainError("Chi bộ nơi cư trú đã nhận xét.")
    if responded_on < comment.requested_on:
        raise DomainError("Ngày nhận xét trước ngày gửi đề nghị.", "responded_on")
    if not content.strip():
        raise DomainError("Chưa ghi nội dung nhận xét.", "content")
    comment.responded_on, comment.assessment, comment.content = responded_on, assessment, content
    comment.save(update_fields=["responded_on", "assessment", "content", "updated_at"])
    return comment
