"""Committees, terms of office and congresses; party posts and agency posts; management scope;
cadre planning; comments for appointments and from the residence (DOMAIN.md "Committees,
terms and cadres").

Valid time as in the registry: a party post is a period (`valid_from`, `valid_to` exclusive);
"the committee as it stood on D" is the set of post periods of an org that contain D. Mid-term
changes are explicit dated events (`CommitteeChange`) that open or close those periods.

Cadre planning is confidential: its models answer to `committees.view_planning` /
`committees.change_planning`, which '*.view' does not reach.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class PartyPost(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_MEMBER = "standing_member", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm Ủy ban kiểm tra"
    INSPECTION_VICE_CHAIR = "inspection_vice_chair", "Phó Chủ nhiệm Ủy ban kiểm tra"
    INSPECTION_MEMBER = "inspection_member", "Ủy viên Ủy ban kiểm tra"


# Display order of posts inside a committee list.
POST_ORDER = {value: n for n, value in enumerate(PartyPost.values)}


class Body(models.TextChoices):
    """What an election fills; each body gives its elected people one party post."""

    COMMITTEE = "committee", "Ban Chấp hành (cấp ủy)"
    STANDING = "standing", "Ban Thường vụ"
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    INSPECTION = "inspection", "Ủy ban kiểm tra"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm Ủy ban kiểm tra"


BODY_POST = {
    Body.COMMITTEE: PartyPost.COMMITTEE_MEMBER,
    Body.STANDING: PartyPost.STANDING_MEMBER,
    Body.SECRETARY: PartyPost.SECRETARY,
    Body.DEPUTY_SECRETARY: PartyPost.DEPUTY_SECRETARY,
    Body.INSPECTION: PartyPost.INSPECTION_MEMBER,
    Body.INSPECTION_CHAIR: PartyPost.INSPECTION_CHAIR,
}


class StartKind(models.TextChoices):
    ELECTED = "elected", "Bầu tại đại hội"
    ADDITIONAL_ELECTION = "additional_election", "Bầu bổ sung"
    APPOINTED = "appointed", "Cấp trên chỉ định"


class EndKind(models.TextChoices):
    TERM_ENDED = "term_ended", "Hết nhiệm kỳ"
    RESIGNED = "resigned", "Xin thôi"
    DISMISSED = "dismissed", "Cách chức, bãi nhiệm"
    MOVED = "moved", "Chuyển công tác"
    RETIRED = "retired", "Nghỉ hưu"
    DECEASED = "deceased", "Từ trần"


class ChangeKind(models.TextChoices):
    ADDITIONAL_ELECTION = "additional_election", "Bầu bổ sung"
    APPOINTMENT = "appointment", "Cấp trên chỉ định"
    RESIGNATION = "resignation", "Xin thôi"
    DISMISSAL = "dismissal", "Cách chức, bãi nhiệm"
    MOVE = "move", "Chuyển công tác"
    RETIREMENT = "retirement", "Nghỉ hưu"
    DEATH = "death", "Từ trần"


CHANGE_STARTS = {
    ChangeKind.ADDITIONAL_ELECTION: StartKind.ADDITIONAL_ELECTION,
    ChangeKind.APPOINTMENT: StartKind.APPOINTED,
}
CHANGE_ENDS = {
    ChangeKind.RESIGNATION: EndKind.RESIGNED,
    ChangeKind.DISMISSAL: EndKind.DISMISSED,
    ChangeKind.MOVE: EndKind.MOVED,
    ChangeKind.RETIREMENT: EndKind.RETIRED,
    ChangeKind.DEATH: EndKind.DECEASED,
}


class AgencyCategory(models.TextChoices):
    GOVERNMENT = "government", "Chính quyền (UBND, sở, ngành)"
    ELECTED_BODY = "elected_body", "Hội đồng nhân dân, Quốc hội"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang"
    OTHER = "other", "Khác"


class Restricted(RestrictedModelMixin):
    restrict_path_field = "organization__path"


class Term(Restricted, TimeStampedModel):
    """A term of office (nhiệm kỳ) of one org's committee, opened by a congress."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="terms",
        verbose_name="tổ chức đảng",
    )
    name = models.CharField("nhiệm kỳ", max_length=60)
    starts_on = models.DateField("bắt đầu")
    ends_on = models.DateField("kết thúc (dự kiến)")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-starts_on", "id"]
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        constraints = [
            models.UniqueConstraint(fields=["organization", "starts_on"], name="uniq_term_start")
        ]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.name}"


class Congress(Restricted, TimeStampedModel):
    """A congress (đại hội) of an org: it opens a term and elects the bodies."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="congresses",
        verbose_name="tổ chức đảng",
    )
    term = models.OneToOneField(
        Term, on_delete=models.PROTECT, related_name="congress", verbose_name="nhiệm kỳ"
    )
    number = models.PositiveSmallIntegerField("lần thứ", null=True, blank=True)
    held_on = models.DateField("ngày khai mạc")
    delegates_summoned = models.PositiveIntegerField("số đại biểu được triệu tập")
    delegates_present = models.PositiveIntegerField("số đại biểu có mặt")
    note = models.TextField("ghi chú", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = "đại hội"
        verbose_name_plural = "đại hội"

    def __str__(self) -> str:
        number = f" lần thứ {self.number}" if self.number else ""
        return f"Đại hội{number} ({self.term.name}) — {self.organization.name}"

    def get_absolute_url(self) -> str:
        return reverse("committees:congress", args=[self.pk])


class Election(Restricted, TimeStampedModel):
    """One vote at a congress (or the committee's first session) for one body."""

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="elections", verbose_name="đại hội"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    body = models.CharField("bầu", max_length=20, choices=Body.choices)
    held_on = models.DateField("ngày bầu")
    seats = models.PositiveSmallIntegerField("số lượng cần bầu")
    voters = models.PositiveIntegerField("số phiếu hợp lệ")
    threshold = models.CharField("tỷ lệ phải vượt", max_length=10, default="1/2")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["congress_id", "held_on", "id"]
        verbose_name = "cuộc bầu cử"
        verbose_name_plural = "cuộc bầu cử"
        constraints = [
            models.UniqueConstraint(fields=["congress", "body"], name="uniq_election_body")
        ]

    def __str__(self) -> str:
        return f"Bầu {self.get_body_display()} ({self.held_on:%d/%m/%Y})"


class Candidate(models.Model):
    """A candidate in an election, the votes they received and whether they were elected."""

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="candidates", verbose_name="cuộc bầu"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    votes = models.PositiveIntegerField("số phiếu bầu")
    elected = models.BooleanField("trúng cử", default=False)

    restrict_path_field = "election__organization__path"

    class Meta:
        ordering = ["election_id", "-votes", "id"]
        verbose_name = "người ứng cử"
        verbose_name_plural = "người ứng cử"
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="uniq_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.member.full_name}: {self.votes} phiếu"

    @property
    def percent(self) -> float:
        voters = self.election.voters
        return round(100 * self.votes / voters, 2) if voters else 0.0


class PostPeriod(Restricted, TimeStampedModel):
    """A party post held by a member in an org's committee, as a dated period."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="post_periods",
        verbose_name="tổ chức đảng",
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="party_posts",
        verbose_name="đảng viên",
    )
    post = models.CharField("chức vụ", max_length=30, choices=PartyPost.choices)
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="post_periods"
    )
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    start_kind = models.CharField("hình thức", max_length=30, choices=StartKind.choices)
    end_kind = models.CharField("lý do thôi", max_length=20, choices=EndKind.choices, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    election = models.ForeignKey(
        Election, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "valid_from", "id"]
        verbose_name = "chức vụ Đảng"
        verbose_name_plural = "chức vụ Đảng"
        indexes = [models.Index(fields=["organization", "valid_from"], name="post_org_from")]

    def __str__(self) -> str:
        return f"{self.get_post_display()} — {self.member.full_name}"


def valid_on(on) -> Q:
    """Q for periods containing the date `on` (valid_to exclusive, open periods included)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


class CommitteeChange(Restricted, TimeStampedModel):
    """A mid-term change of a committee: additional election, appointment by the superior,
    resignation, dismissal, move…: dated, with its decision."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="committee_changes",
        verbose_name="tổ chức đảng",
    )
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField("loại thay đổi", max_length=30, choices=ChangeKind.choices)
    date = models.DateField("ngày hiệu lực")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="đảng viên"
    )
    post = models.CharField("chức vụ", max_length=30, choices=PartyPost.choices)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    votes = models.PositiveIntegerField("số phiếu bầu", null=True, blank=True)
    voters = models.PositiveIntegerField("số phiếu hợp lệ", null=True, blank=True)
    reason = models.CharField("lý do, ghi chú", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "thay đổi cấp ủy giữa nhiệm kỳ"
        verbose_name_plural = "thay đổi cấp ủy giữa nhiệm kỳ"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member.full_name} ({self.date:%d/%m/%Y})"


class AgencyPosition(RestrictedModelMixin, TimeStampedModel):
    """A government/agency/mass-organisation post held by a member, dated and categorised."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="agency_positions",
        verbose_name="đảng viên",
    )
    category = models.CharField("khối", max_length=20, choices=AgencyCategory.choices)
    title = models.CharField("chức vụ", max_length=160)
    agency = models.CharField("cơ quan, đơn vị", max_length=255)
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)

    restrict_path_field = "member__org_path"
    permission_app = "committees"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "chức vụ chính quyền, đoàn thể"
        verbose_name_plural = "chức vụ chính quyền, đoàn thể"

    def __str__(self) -> str:
        return f"{self.title}, {self.agency}"


class ManagementScope(Restricted, TimeStampedModel):
    """One rule of a committee's management scope (cán bộ diện quản lý): a party post in the
    orgs of a type under it, or agency posts of a category (optionally whose title contains
    a text) held by members under it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="management_scopes",
        verbose_name="cấp ủy quản lý",
    )
    party_post = models.CharField(
        "chức vụ Đảng", max_length=30, choices=PartyPost.choices, blank=True
    )
    org_type = models.ForeignKey(
        "organizations.OrgType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ở loại tổ chức",
    )
    agency_category = models.CharField(
        "khối chính quyền, đoàn thể", max_length=20, choices=AgencyCategory.choices, blank=True
    )
    title_contains = models.CharField("chức vụ có chứa", max_length=120, blank=True)
    valid_from = models.DateField("áp dụng từ")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    note = models.CharField("căn cứ", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "valid_from", "id"]
        verbose_name = "diện cán bộ quản lý"
        verbose_name_plural = "diện cán bộ quản lý"

    def __str__(self) -> str:
        if self.party_post:
            where = f" ({self.org_type.name})" if self.org_type_id else ""
            return f"{self.get_party_post_display()}{where}"
        title = f" — {self.title_contains}" if self.title_contains else ""
        return f"{self.get_agency_category_display()}{title}"


class PlannedPost(Restricted, TimeStampedModel):
    """A post a committee plans cadres for, for a coming term (quy hoạch)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="planned_posts",
        verbose_name="cấp ủy lập quy hoạch",
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="planned_posts", verbose_name="nhiệm kỳ"
    )
    title = models.CharField("chức danh quy hoạch", max_length=160)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    permission_app = "committees"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "term_id", "order", "id"]
        verbose_name = "chức danh quy hoạch"
        verbose_name_plural = "chức danh quy hoạch"
        constraints = [models.UniqueConstraint(fields=["term", "title"], name="uniq_planned_post")]

    def __str__(self) -> str:
        return f"{self.title} ({self.term.name})"

    def get_absolute_url(self) -> str:
        return reverse("committees:planning", args=[self.term_id])


class PlanningCandidate(Restricted, TimeStampedModel):
    """A member planned for a post; the annual review removes them with a reason (dated)."""

    planned_post = models.ForeignKey(
        PlannedPost, on_delete=models.PROTECT, related_name="candidates", verbose_name="chức danh"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="planning_entries",
        verbose_name="đảng viên",
    )
    added_on = models.DateField("ngày đưa vào quy hoạch")
    added_reason = models.CharField("căn cứ, lý do bổ sung", max_length=500, blank=True)
    removed_on = models.DateField("ngày đưa ra khỏi quy hoạch", null=True, blank=True)
    removed_reason = models.CharField("lý do đưa ra", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_post_id", "added_on", "id"]
        verbose_name = "cán bộ trong quy hoạch"
        verbose_name_plural = "cán bộ trong quy hoạch"

    def __str__(self) -> str:
        return f"{self.member.full_name} — {self.planned_post.title}"


class CommentKind(models.TextChoices):
    APPOINTMENT = "appointment", "Bổ nhiệm"
    REAPPOINTMENT = "reappointment", "Bổ nhiệm lại"
    NOMINATION = "nomination", "Giới thiệu ứng cử"
    PROMOTION = "promotion", "Đề bạt, nâng ngạch"


class Opinion(models.TextChoices):
    AGREE = "agree", "Đồng ý"
    RESERVED = "reserved", "Đồng ý có ý kiến"
    DISAGREE = "disagree", "Không đồng ý"


class AppointmentComment(Restricted, TimeStampedModel):
    """A committee's comment on a member proposed for appointment or re-appointment."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="appointment_comments",
        verbose_name="cấp ủy nhận xét",
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="appointment_comments",
        verbose_name="đảng viên",
    )
    kind = models.CharField("đề nghị", max_length=20, choices=CommentKind.choices)
    post = models.CharField("chức vụ dự kiến", max_length=160)
    requesting_agency = models.CharField("cơ quan đề nghị", max_length=255)
    requested_on = models.DateField("ngày nhận đề nghị")
    due_on = models.DateField("hạn trả lời")
    responded_on = models.DateField("ngày nhận xét", null=True, blank=True)
    opinion = models.CharField("ý kiến", max_length=20, choices=Opinion.choices, blank=True)
    content = models.TextField("nội dung nhận xét", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = "nhận xét phục vụ bổ nhiệm"
        verbose_name_plural = "nhận xét phục vụ bổ nhiệm"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.post}: {self.member.full_name}"


class ResidenceAssessment(models.TextChoices):
    EXEMPLARY = "exemplary", "Gương mẫu thực hiện tốt"
    GOOD = "good", "Thực hiện đầy đủ"
    WEAK = "weak", "Chưa thực hiện đầy đủ"


class ResidenceComment(RestrictedModelMixin, TimeStampedModel):
    """The yearly comment of the residence cell on a member working in an agency (the tie
    with the residence): requested by the member's own org, answered by the residence cell,
    used in the annual review."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="residence_comments",
        verbose_name="đảng viên",
    )
    residence_org = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chi bộ nơi cư trú",
    )
    year = models.PositiveSmallIntegerField("năm")
    requested_on = models.DateField("ngày gửi đề nghị")
    due_on = models.DateField("hạn trả lời")
    responded_on = models.DateField("ngày nhận xét", null=True, blank=True)
    assessment = models.CharField(
        "đánh giá", max_length=20, choices=ResidenceAssessment.choices, blank=True
    )
    content = models.TextField("nội dung nhận xét", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    # Both sides see the request: the member's own cell and the residence cell.
    restrict_path_field = ("member__org_path", "residence_org__path")
    permission_app = "committees"
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "due_on", "id"]
        verbose_name = "nhận xét của chi bộ nơi cư trú"
        verbose_name_plural = "nhận xét của chi bộ nơi cư trú"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="uniq_residence_comment")
        ]

    def __str__(self) -> str:
        return f"{self.member.full_name} — {self.year}"
