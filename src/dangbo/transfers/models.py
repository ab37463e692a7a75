"""Transfers of party activity (chuyển sinh hoạt đảng): one record both sides act on."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.transfers.rules import Kind, State


class TransferQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(state__in=State.OPEN)


class Transfer(RestrictedModelMixin, TimeStampedModel):
    """An official, temporary, outgoing or incoming transfer of a member's party activity.

    An official transfer inside the system moves the member's placement only when the
    receiving org takes them in, so the member belongs to exactly one org at any instant.
    """

    kind = models.CharField("loại", max_length=20, choices=Kind.CHOICES)
    state = models.CharField("tình trạng", max_length=20, choices=State.CHOICES)
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name="đảng viên",
    )
    from_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name="nơi đi",
    )
    to_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name="nơi đến",
    )
    external_org = models.CharField(
        "tổ chức ngoài hệ thống", max_length=255, blank=True, help_text="Nơi đi/đến ngoài hệ thống."
    )
    paper_number = models.CharField("số giấy giới thiệu", max_length=60)
    issued_on = models.DateField("ngày giới thiệu")
    present_by = models.DateField("hạn xuất trình", null=True, blank=True)
    complete_by = models.DateField("hạn hoàn tất", null=True, blank=True)
    rejoin_by = models.DateField("hạn sinh hoạt trở lại", null=True, blank=True)
    presented_on = models.DateField("ngày xuất trình", null=True, blank=True)
    completed_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    starts_on = models.DateField("sinh hoạt tạm thời từ", null=True, blank=True)
    ends_on = models.DateField("sinh hoạt tạm thời đến", null=True, blank=True)
    for_study = models.BooleanField("đi học", default=False)
    reason = models.CharField("lý do", max_length=500, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TransferQuerySet.as_manager()
    # Both sides reach a transfer: the sending org's subtree and the receiving org's.
    restrict_path_field = ("from_org__path", "to_org__path")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        indexes = [models.Index(fields=["state", "present_by"], name="transfer_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_kind_display()} ({self.issued_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("transfers:detail", args=[self.pk])

    @property
    def source_name(self) -> str:
        return self.from_org.name if self.from_org_id else self.external_org

    @property
    def destination_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.external_org


class TransferEvent(TimeStampedModel):
    """A dated act on a transfer by one side (issued, presented, received, cancelled, ended)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="events")
    state = models.CharField("tình trạng", max_length=20, choices=State.CHOICES)
    date = models.DateField("ngày")
    note = models.CharField("ghi chú", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["transfer_id", "date", "id"]
        verbose_name = "diễn biến chuyển sinh hoạt"
        verbose_name_plural = "diễn biến chuyển sinh hoạt"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_state_display()}"
