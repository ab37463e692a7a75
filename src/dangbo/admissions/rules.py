"""Pure rules of admission (DOMAIN.md "Admission"): stages, thresholds, ages, deadlines.

No database access. The numbers come in as an `AdmissionParams` built from dated
`core.RuleParameter` rows (see `services.params_on`), so a file is judged by the rules in
force on the date of each step.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dangbo.core.workdays import WorkCalendar
from dangbo.members.rules import add_months, months_between, validity_end


class Stage:
    """The stages of an admission file, in order; CLOSED/NOT_RECOGNISED end a file early."""

    IDENTIFIED = "identified"
    COURSE = "course"
    APPLICATION = "application"
    INTRODUCED = "introduced"
    VERIFIED = "verified"
    CELL_VOTED = "cell_voted"
    COMMITTEE_VOTED = "committee_voted"
    RECEIVED = "received"
    DECIDED = "decided"
    CEREMONY = "ceremony"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"
    CLOSED = "closed"

    CHOICES = [
        (IDENTIFIED, "Quần chúng ưu tú (đã xác định)"),
        (COURSE, "Đã học lớp bồi dưỡng nhận thức về Đảng"),
        (APPLICATION, "Đã có đơn và lý lịch"),
        (INTRODUCED, "Đã có người giới thiệu"),
        (VERIFIED, "Đã thẩm tra lý lịch"),
        (CELL_VOTED, "Chi bộ đã biểu quyết"),
        (COMMITTEE_VOTED, "Đảng ủy cơ sở đã biểu quyết"),
        (RECEIVED, "Cấp ủy có thẩm quyền đã nhận hồ sơ"),
        (DECIDED, "Đã có quyết định kết nạp"),
        (CEREMONY, "Đã tổ chức lễ kết nạp (dự bị)"),
        (RECOGNISED, "Đã công nhận chính thức"),
        (NOT_RECOGNISED, "Không công nhận chính thức"),
        (CLOSED, "Dừng xem xét"),
    ]
    LABELS = dict(CHOICES)
    ORDER = [code for code, _label in CHOICES]
    FINAL = frozenset({RECOGNISED, NOT_RECOGNISED, CLOSED})
    # Stages in which the person is already a member (the decision has been made).
    ADMITTED = frozenset({DECIDED, CEREMONY, RECOGNISED, NOT_RECOGNISED})


# The state machine: every allowed move in one table. CLOSED is reachable before the decision.
_BEFORE_DECISION = (
    Stage.IDENTIFIED,
    Stage.COURSE,
    Stage.APPLICATION,
    Stage.INTRODUCED,
    Stage.VERIFIED,
    Stage.CELL_VOTED,
    Stage.COMMITTEE_VOTED,
    Stage.RECEIVED,
)
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.IDENTIFIED: frozenset({Stage.COURSE, Stage.CLOSED}),
    Stage.COURSE: frozenset({Stage.APPLICATION, Stage.CLOSED}),
    Stage.APPLICATION: frozenset({Stage.INTRODUCED, Stage.CLOSED}),
    Stage.INTRODUCED: frozenset({Stage.VERIFIED, Stage.CLOSED}),
    Stage.VERIFIED: frozenset({Stage.CELL_VOTED, Stage.CLOSED}),
    # A grassroots cell (chi bộ cơ sở) has no separate grassroots committee vote.
    Stage.CELL_VOTED: frozenset({Stage.COMMITTEE_VOTED, Stage.RECEIVED, Stage.CLOSED}),
    Stage.COMMITTEE_VOTED: frozenset({Stage.RECEIVED, Stage.CLOSED}),
    Stage.RECEIVED: frozenset({Stage.DECIDED, Stage.CLOSED}),
    Stage.DECIDED: frozenset({Stage.CEREMONY}),
    Stage.CEREMONY: frozenset({Stage.RECOGNISED, Stage.NOT_RECOGNISED}),
}


def next_stages(current: str, grassroots_cell: bool) -> list[str]:
    """Stages that may follow `current`, in order (the committee vote only above a cell)."""
    allowed = TRANSITIONS.get(current, frozenset())
    if current == Stage.CELL_VOTED:
        allowed = allowed - {Stage.RECEIVED if not grassroots_cell else Stage.COMMITTEE_VOTED}
    return [s for s in Stage.ORDER if s in allowed]


# The steps a cell records itself (its secretary), from naming the candidate to the cell's vote:
# `admissions.cell_steps` (held by the cell secretary role, and by `admissions.*`). The
# committee's vote, receipt, decision, ceremony, recognition, closing and extension need
# `admissions.change`.
CELL_STEPS = "admissions.cell_steps"
CELL_STAGES = frozenset(
    {
        Stage.IDENTIFIED,
        Stage.COURSE,
        Stage.APPLICATION,
        Stage.INTRODUCED,
        Stage.VERIFIED,
        Stage.CELL_VOTED,
    }
)


def step_permission(stage: str) -> str:
    """The permission code that records `stage` on a file."""
    return CELL_STEPS if stage in CELL_STAGES else "admissions.change"


def withdrawal_problem(stage: str | None, *, is_first: bool) -> str | None:
    """Why the last step of a file cannot be withdrawn, or None."""
    if stage is None or is_first:
        return "Không hủy được bước mở hồ sơ; nếu ghi nhầm người, hãy dừng xem xét hồ sơ."
    if stage in Stage.ADMITTED:
        return (
            f"Bước «{Stage.LABELS[stage]}» đã ghi vào hồ sơ đảng viên; đính chính trên trang"
            " đảng viên (ngày vào Đảng, tư cách đảng viên) thay vì hủy bước."
        )
    return None


def transition_problem(current: str, new: str, grassroots_cell: bool) -> str | None:
    if new in next_stages(current, grassroots_cell):
        return None
    return (
        f"Không thể chuyển hồ sơ từ bước «{Stage.LABELS.get(current, current)}» "
        f"sang «{Stage.LABELS.get(new, new)}»."
    )


@dataclass(frozen=True)
class Ratio:
    """A vote threshold: votes_for/eligible ≥ num/den, or > num/den when strict."""

    num: int
    den: int
    strict: bool = False

    @classmethod
    def parse(cls, value) -> "Ratio":
        if isinstance(value, Ratio):
            return value
        return cls(int(value["num"]), int(value["den"]), bool(value.get("strict", False)))

    def met(self, votes_for: int, eligible: int) -> bool:
        if eligible <= 0:
            return False
        left, right = votes_for * self.den, self.num * eligible
        return left > right if self.strict else left >= right

    def label(self) -> str:
        return f"{'trên' if self.strict else 'ít nhất'} {self.num}/{self.den}"


@dataclass(frozen=True)
class AdmissionParams:
    """The numbers of the admission rules in force on a date (DOMAIN.md defaults)."""

    min_age_months: int = 18 * 12
    max_age_months: int = 60 * 12
    certificate_valid_months: int = 60
    introducer_min_months: int = 12
    cell_vote: Ratio = Ratio(2, 3)
    committee_vote: Ratio = Ratio(2, 3)
    deciding_vote: Ratio = Ratio(1, 2, strict=True)
    decision_working_days: int = 45
    decision_extension_working_days: int = 15
    ceremony_working_days: int = 30
    probation_months: int = 12
    recognition_working_days: int = 30


PARAM_KEYS = {
    "min_age_months": "member.admission_min_age_months",
    "max_age_months": "member.admission_max_age_months",
    "certificate_valid_months": "admission.certificate_valid_months",
    "introducer_min_months": "admission.introducer_min_months",
    "cell_vote": "admission.cell_vote_ratio",
    "committee_vote": "admission.committee_vote_ratio",
    "deciding_vote": "admission.deciding_vote_ratio",
    "decision_working_days": "admission.decision_working_days",
    "decision_extension_working_days": "admission.decision_extension_working_days",
    "ceremony_working_days": "admission.ceremony_working_days",
    "probation_months": "admission.probation_months",
    "recognition_working_days": "admission.recognition_working_days",
}


def age_in_months(birth_date: date, on: date) -> int:
    return months_between(birth_date, on)


def age_problem(birth_date: date, on: date, params: AdmissionParams) -> str | None:
    """Age at the cell's consideration must be within the bounds, counted in whole months."""
    months = age_in_months(birth_date, on)
    if months < params.min_age_months:
        return (
            f"Tuổi đời chưa đủ {params.min_age_months // 12} tuổi (tính theo tháng) "
            f"vào ngày {on:%d/%m/%Y}."
        )
    if months > params.max_age_months:
        return (
            f"Tuổi đời quá {params.max_age_months // 12} tuổi (tính theo tháng) vào ngày "
            f"{on:%d/%m/%Y}; cần ý kiến cho phép của cấp có thẩm quyền (ngoại lệ)."
        )
    return None


def certificate_expires(issued_on: date, params: AdmissionParams) -> date:
    """The last day the course certificate is valid (members.rules.validity_end)."""
    return validity_end(issued_on, params.certificate_valid_months)


def certificate_problem(issued_on: date, on: date, params: AdmissionParams) -> str | None:
    if issued_on > on:
        return "Ngày cấp giấy chứng nhận không được sau ngày ghi nhận."
    if on > certificate_expires(issued_on, params):
        return (
            f"Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng đã quá "
            f"{params.certificate_valid_months} tháng (hết hạn "
            f"{certificate_expires(issued_on, params):%d/%m/%Y})."
        )
    return None


@dataclass(frozen=True)
class Introducer:
    """What the rules need to know about an introducer on the day of introduction."""

    name: str
    is_official: bool
    worked_together_since: date


def introducer_problems(
    introducers: list[Introducer], youth_union_resolution: bool, on: date, params: AdmissionParams
) -> list[str]:
    """Two official introducers with ≥12 months together; a youth-union resolution replaces one."""
    problems = []
    needed = 1 if youth_union_resolution else 2
    if len(introducers) < needed:
        problems.append(
            "Cần hai đảng viên chính thức giới thiệu (nghị quyết giới thiệu của Đoàn thanh "
            "niên thay được một người)."
        )
    for person in introducers:
        if not person.is_official:
            problems.append(f"Người giới thiệu {person.name} chưa là đảng viên chính thức.")
        months = months_between(person.worked_together_since, on)
        if months < params.introducer_min_months:
            problems.append(
                f"Người giới thiệu {person.name} mới công tác cùng người vào Đảng {max(months, 0)} "
                f"tháng; cần ít nhất {params.introducer_min_months} tháng."
            )
    return problems


def vote_problem(body: str, votes_for: int, eligible: int, ratio: Ratio) -> str | None:
    """None when the vote passes; else a message naming the rule."""
    if eligible <= 0:
        return f"Số thành viên có quyền biểu quyết của {body} phải lớn hơn 0."
    if votes_for < 0 or votes_for > eligible:
        return f"Số tán thành của {body} phải từ 0 đến {eligible}."
    if not ratio.met(votes_for, eligible):
        return (
            f"{body.capitalize()}: {votes_for}/{eligible} tán thành, chưa đạt {ratio.label()} "
            "số thành viên."
        )
    return None


def decision_due(
    received_on: date, extended: bool, params: AdmissionParams, cal: WorkCalendar
) -> date:
    days = params.decision_working_days + (params.decision_extension_working_days * extended)
    return cal.add_working_days(received_on, days)


def ceremony_due(decided_on: date, params: AdmissionParams, cal: WorkCalendar) -> date:
    return cal.add_working_days(decided_on, params.ceremony_working_days)


def probation_end(ceremony_on: date, params: AdmissionParams) -> date:
    """Official status takes effect on this day (12 months after the ceremony)."""
    return add_months(ceremony_on, params.probation_months)


def recognition_due(ceremony_on: date, params: AdmissionParams, cal: WorkCalendar) -> date:
    return cal.add_working_days(probation_end(ceremony_on, params), params.recognition_working_days)


@dataclass(frozen=True)
class FileDates:
    stage: str
    certificate_on: date | None = None
    received_on: date | None = None
    extended: bool = False
    decided_on: date | None = None
    ceremony_on: date | None = None


def next_deadline(
    dates: FileDates, params: AdmissionParams, cal: WorkCalendar
) -> tuple[date, str] | None:
    """The file's next statutory deadline and what it is for (None when nothing is due)."""
    stage = dates.stage
    if stage in Stage.FINAL:
        return None
    if stage == Stage.CEREMONY and dates.ceremony_on:
        return recognition_due(dates.ceremony_on, params, cal), "Xét công nhận chính thức"
    if stage == Stage.DECIDED and dates.decided_on:
        return ceremony_due(dates.decided_on, params, cal), "Tổ chức lễ kết nạp"
    if stage == Stage.RECEIVED and dates.received_on:
        due = decision_due(dates.received_on, dates.extended, params, cal)
        return due, "Ra quyết định kết nạp"
    if dates.certificate_on:
        return certificate_expires(dates.certificate_on, params), "Giấy chứng nhận hết hạn"
    return None


@dataclass(frozen=True)
class TargetShare:
    """Admitted against a target, in percent rounded half up to a tenth (exact decimals).

    `share`: admitted / target (87.5 = "đạt 87,5% chỉ tiêu"); `excess`: how far beyond the
    target when above it (12.5 = "vượt 12,5% chỉ tiêu"), else None."""

    admitted: int
    target: int
    share: Decimal
    excess: Decimal | None

    @property
    def met(self) -> bool:
        return self.admitted >= self.target


def _percent_tenths(numerator: int, denominator: int) -> Decimal:
    """100·numerator/denominator rounded half up to 0.1, in integers (no float, no double
    rounding)."""
    tenths = (2000 * numerator + denominator) // (2 * denominator)
    return Decimal(tenths) / 10


def target_share(admitted: int, target: int | None) -> TargetShare | None:
    """Admitted against a year or a term (congress) target; None without a target (or a
    target of 0: no ratio to state)."""
    if admitted < 0:
        raise ValueError("admitted must not be negative")
    if not target or target < 0:
        return None
    share = _percent_tenths(admitted, target)
    excess = _percent_tenths(admitted - target, target) if admitted > target else None
    return TargetShare(admitted=admitted, target=target, share=share, excess=excess)


def term_period(starts_on: date, ends_on: date, as_of: date) -> tuple[date, date] | None:
    """The days of a term counted on `as_of`: from its start to its end or `as_of`, whichever
    comes first; None when the term has not started yet."""
    if as_of < starts_on:
        return None
    return starts_on, min(ends_on, as_of)


def target_percent(admitted: int, target: int | None) -> float | None:
    """Admitted as a percentage of the target (None when there is no target)."""
    if not target:
        return None
    return round(100 * admitted / target, 1)
