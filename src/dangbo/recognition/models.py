"""Party badges (proposed → approved or rejected, with decisions) and commendations."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class BadgeAward(RestrictedModelMixin, TimeStampedModel):
    """A badge for `milestone` years for a member, from proposal to the deciding level's answer."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Đã đề nghị"
        AWARDED = "awarded", "Đã quyết định tặng"
        REJECTED = "rejected", "Không chấp thuận"

    restrict_path_field = "member__org_path"

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="badges", verbose_name="đảng viên"
    )
    milestone = models.PositiveSmallIntegerField("huy hiệu (năm tuổi đảng)")
    award_date = models.DateField("đợt trao tặng")
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.CharField("căn cứ xét", max_length=255)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["award_date", "member_id"]
        verbose_name = "huy hiệu Đảng"
        verbose_name_plural = "huy hiệu Đảng"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "milestone"],
                condition=~Q(status="rejected"),
                name="one_live_badge_per_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"Huy hiệu {self.milestone} năm — {self.member}"


class SubjectMixin(models.Model):
    """A member or an organisation (exactly one)."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đảng viên",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tổ chức đảng",
    )

    # Rows about a member or an org: reached through the member's place or the org.
    restrict_path_field = ("member__org_path", "organization__path")

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.organization if self.organization_id else self.member

    @property
    def subject_name(self) -> str:
        return self.organization.name if self.organization_id else self.member.full_name


def _one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(member__isnull=False, organization__isnull=True)
        | Q(member__isnull=True, organization__isnull=False),
        name=name,
    )


class Commendation(SubjectMixin, RestrictedModelMixin, TimeStampedModel):
    """A commendation (giấy khen, bằng khen…) to a member or an organisation, with its decision."""

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name="đảng viên",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commendations",
        verbose_name="tổ chức đảng",
    )
    form = models.CharField("hình thức", max_length=120)
    year = models.PositiveSmallIntegerField("năm")
    issuer = models.CharField("cấp khen", max_length=255)
    decision_number = models.CharField("số quyết định", max_length=60)
    decided_on = models.DateField("ngày quyết định")
    reason = models.CharField("thành tích", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "member_id", "organization_id"]
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        constraints = [_one_subject("commendation_one_subject")]

    def __str__(self) -> str:
        return f"{self.form} {self.year} — {self.subject}"


class CommendationProposal(SubjectMixin, RestrictedModelMixin, TimeStampedModel):
    """A commendation proposed from a classification streak, waiting for an officer.

    Made when a review year's grades become final (hooks.classification_confirmed) or on
    request; confirming it records the Commendation with its decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Chờ xem xét"
        CONFIRMED = "confirmed", "Đã khen thưởng"
        DISMISSED = "dismissed", "Không đề nghị"

    year = models.PositiveSmallIntegerField("năm xếp loại")
    streak = models.PositiveSmallIntegerField("số năm liền")
    form = models.CharField("hình thức đề xuất", max_length=120)
    issuer = models.CharField("cấp khen đề xuất", max_length=255)
    reason = models.CharField("căn cứ", max_length=500)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    commendation = models.OneToOneField(
        Commendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name="khen thưởng",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-streak", "id"]
        verbose_name = "đề xuất khen thưởng theo kết quả xếp loại"
        verbose_name_plural = "đề xuất khen thưởng theo kết quả xếp loại"
        constraints = [
            _one_subject("proposal_one_subject"),
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(member__isnull=False),
                name="one_proposal_per_member_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=Q(organization__isnull=False),
                name="one_proposal_per_org_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} ({self.streak} năm liền, {self.year}) — {self.subject}"
