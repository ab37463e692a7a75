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


class Commendation(RestrictedModelMixin, TimeStampedModel):
    """A commendation (giấy khen, bằng khen…) to a member, with its decision."""

    restrict_path_field = "member__org_path"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="commendations",
        verbose_name="đảng viên",
    )
    form = models.CharField("hình thức", max_length=120)
    year = models.PositiveSmallIntegerField("năm")
    issuer = models.CharField("cấp khen", max_length=255)
    decision_number = models.CharField("số quyết định", max_length=60)
    decided_on = models.DateField("ngày quyết định")
    reason = models.CharField("thành tích", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "member_id"]
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"

    def __str__(self) -> str:
        return f"{self.form} {self.year} — {self.member}"
