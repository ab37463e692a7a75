"""Training classes, enrolments, results and certificates with validity."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class CourseKind(models.TextChoices):
    CANDIDATE = "candidate", "Bồi dưỡng nhận thức về Đảng (cho quần chúng)"
    NEW_MEMBER = "new_member", "Lý luận chính trị cho đảng viên mới"
    THEORY_ELEMENTARY = "theory_elementary", "Sơ cấp lý luận chính trị"
    THEORY_INTERMEDIATE = "theory_intermediate", "Trung cấp lý luận chính trị"
    REFRESHER = "refresher", "Bồi dưỡng, cập nhật kiến thức"


class TrainingClass(RestrictedModelMixin, TimeStampedModel):
    """A class organised by an org (usually a committee's political centre)."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="training_classes",
        verbose_name="đơn vị tổ chức",
    )
    kind = models.CharField("loại lớp", max_length=30, choices=CourseKind.choices)
    name = models.CharField("tên lớp", max_length=255)
    starts_on = models.DateField("ngày khai giảng")
    ends_on = models.DateField("ngày bế giảng")
    location = models.CharField("địa điểm", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = "lớp học"
        verbose_name_plural = "lớp học"

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("training:detail", args=[self.pk])


class Enrolment(TimeStampedModel):
    """A learner in a class: a member, or a candidate (not yet a member) named with an ID."""

    class Result(models.TextChoices):
        PENDING = "pending", "Chưa có kết quả"
        PASSED = "passed", "Đạt"
        FAILED = "failed", "Không đạt"

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="enrolments", verbose_name="lớp"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name="đảng viên",
    )
    full_name = models.CharField("họ và tên", max_length=120)
    id_number = models.CharField("số định danh", max_length=12, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    result = models.CharField(
        "kết quả", max_length=10, choices=Result.choices, default=Result.PENDING
    )
    score = models.DecimalField("điểm", max_digits=4, decimal_places=2, null=True, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=40, blank=True)
    certificate_issued_on = models.DateField("ngày cấp", null=True, blank=True)
    certificate_valid_until = models.DateField("hiệu lực đến", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["training_class_id", "full_name", "id"]
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "member"],
                condition=models.Q(member__isnull=False),
                name="one_enrolment_per_member_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.training_class}"
