"""The member portal: a member's own account, the corrections they ask for, their replies to
meeting invitations and the notifications sent to them.

A member account holds no org role. Everything a member sees is read through
`dangbo.portal.views.PortalMemberMixin`, which resolves request.user to one member; officers
reach these rows through `restrict()` with the members (or meetings) permissions.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class MemberAccount(RestrictedModelMixin, TimeStampedModel):
    """The link between a login and the member it belongs to (one each way)."""

    restrict_path_field = "member__org_path"
    permission_app = "members"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="member_account",
        verbose_name="tài khoản",
    )
    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="portal_account",
        verbose_name="đảng viên",
    )
    must_change_password = models.BooleanField("phải đổi mật khẩu khi đăng nhập", default=True)
    password_changed_at = models.DateTimeField("đổi mật khẩu lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member__name_search", "id"]
        verbose_name = "tài khoản đảng viên"
        verbose_name_plural = "tài khoản đảng viên"

    def __str__(self) -> str:
        return f"{self.user.username} — {self.member}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "Chờ xử lý"
    APPROVED = "approved", "Đã chấp thuận"
    REJECTED = "rejected", "Không chấp thuận"


class CorrectionRequest(RestrictedModelMixin, TimeStampedModel):
    """A member's request to correct their record. Nothing changes until an officer approves;
    approval applies the change through members.services.correct_identity (history kept)."""

    restrict_path_field = "member__org_path"
    permission_app = "members"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name="đảng viên",
    )
    changes = models.JSONField("đề nghị sửa", default=dict)
    old_values = models.JSONField("giá trị khi đề nghị", default=dict)
    explanation = models.TextField("lý do, căn cứ", blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    decision_reason = models.CharField("ý kiến xử lý", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "đề nghị đính chính"
        verbose_name_plural = "đề nghị đính chính"
        indexes = [models.Index(fields=["status", "member"], name="correction_status_idx")]

    def __str__(self) -> str:
        return f"Đề nghị đính chính của {self.member} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("portal:correction", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == CorrectionStatus.PENDING


class ReplyIntent(models.TextChoices):
    ATTEND = "present", "Sẽ dự"
    ONLINE = "online", "Sẽ dự trực tuyến"
    EXCUSED = "excused", "Xin vắng"


class MeetingReply(RestrictedModelMixin, TimeStampedModel):
    """A member's answer to a planned meeting: will attend (in person or online) or asks to be
    excused with a reason. The cell's attendance form starts from these answers."""

    restrict_path_field = "member__org_path"
    permission_app = "meetings"

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="member_replies",
        verbose_name="buổi sinh hoạt",
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="meeting_replies",
        verbose_name="đảng viên",
    )
    intent = models.CharField("đăng ký", max_length=10, choices=ReplyIntent.choices)
    reason = models.CharField("lý do xin vắng", max_length=255, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "member_id"]
        verbose_name = "đăng ký dự sinh hoạt"
        verbose_name_plural = "đăng ký dự sinh hoạt"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="uniq_meeting_reply")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.meeting_id}: {self.get_intent_display()}"


class NotificationKind(models.TextChoices):
    MEETING = "meeting", "Lịch sinh hoạt"
    DOCUMENT = "document", "Tài liệu"
    TASK = "task", "Nhiệm vụ"
    REVIEW = "review", "Đánh giá, xếp loại"
    CORRECTION = "correction", "Đề nghị đính chính"


class Notification(RestrictedModelMixin, TimeStampedModel):
    """A message to a member in the portal (and by e-mail when configured)."""

    restrict_path_field = "member__org_path"
    permission_app = "members"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="portal_notifications",
        verbose_name="đảng viên",
    )
    kind = models.CharField("loại", max_length=12, choices=NotificationKind.choices)
    key = models.CharField(max_length=80, help_text="what it is about; one notice per key")
    title = models.CharField("tiêu đề", max_length=255)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=255, blank=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="uniq_notification_key")
        ]
        indexes = [
            models.Index(
                fields=["member"], condition=models.Q(read_at=None), name="notification_unread_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title
