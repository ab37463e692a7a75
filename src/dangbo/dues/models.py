"""Party dues: dated rate tables, each member's income basis, the monthly ledger, remittances."""

from django.conf import settings
from django.db import models

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.core.text import vi_number, vi_percent


class IncomeType(models.TextChoices):
    SALARY = "salary", "Tiền lương đóng bảo hiểm xã hội"
    PENSION = "pension", "Lương hưu"
    STUDENT = "student", "Học sinh, sinh viên"
    OTHER = "other", "Thu nhập khác (theo lương tối thiểu vùng)"


class DuesRate(TimeStampedModel):
    """How one income type is priced from a date on (a regulation change adds a row)."""

    income_type = models.CharField("loại thu nhập", max_length=20, choices=IncomeType.choices)
    valid_from = models.DateField("hiệu lực từ")
    percent = models.DecimalField(
        "tỷ lệ trên thu nhập (%)", max_digits=6, decimal_places=3, null=True, blank=True
    )
    fixed_amount = models.PositiveIntegerField("mức cố định (đồng)", null=True, blank=True)
    wage_percent_min = models.DecimalField(
        "tỷ lệ tối thiểu trên lương tối thiểu vùng (%)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
    )
    wage_percent_max = models.DecimalField(
        "tỷ lệ tối đa trên lương tối thiểu vùng (%)",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
    )
    round_to = models.PositiveIntegerField("làm tròn đến (đồng)", default=1)
    source = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        ordering = ["income_type", "-valid_from"]
        verbose_name = "mức đóng đảng phí"
        verbose_name_plural = "mức đóng đảng phí"
        constraints = [
            models.UniqueConstraint(fields=["income_type", "valid_from"], name="uniq_dues_rate")
        ]

    def __str__(self) -> str:
        return f"{self.get_income_type_display()} từ {self.valid_from:%d/%m/%Y}"


class RegionalMinimumWage(TimeStampedModel):
    region = models.PositiveSmallIntegerField(
        "vùng", choices=[(i, f"Vùng {i}") for i in range(1, 5)]
    )
    valid_from = models.DateField("hiệu lực từ")
    amount = models.PositiveIntegerField("mức lương tối thiểu tháng (đồng)")

    class Meta:
        ordering = ["region", "-valid_from"]
        verbose_name = "lương tối thiểu vùng"
        verbose_name_plural = "lương tối thiểu vùng"
        constraints = [
            models.UniqueConstraint(fields=["region", "valid_from"], name="uniq_regional_wage")
        ]

    def __str__(self) -> str:
        return f"Vùng {self.region}: {vi_number(self.amount)} đ từ {self.valid_from:%d/%m/%Y}"


class RemittanceRule(TimeStampedModel):
    """The share an org of a type keeps of the dues that reach it; the rest goes up."""

    org_type = models.ForeignKey(
        "organizations.OrgType", on_delete=models.PROTECT, verbose_name="loại tổ chức"
    )
    valid_from = models.DateField("hiệu lực từ")
    retain_percent = models.DecimalField("tỷ lệ được giữ lại (%)", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["org_type__sort_order", "-valid_from"]
        verbose_name = "tỷ lệ trích giữ lại"
        verbose_name_plural = "tỷ lệ trích giữ lại"

    def __str__(self) -> str:
        return (
            f"{self.org_type}: giữ {vi_percent(self.retain_percent, None)} "
            f"từ {self.valid_from:%d/%m/%Y}"
        )


class IncomeBasis(RestrictedModelMixin, TimeStampedModel):
    """A member's income basis for dues from a date on (a new row when it changes)."""

    restrict_path_field = "member__org_path"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="income_bases",
        verbose_name="đảng viên",
    )
    valid_from = models.DateField("áp dụng từ tháng")
    income_type = models.CharField("loại thu nhập", max_length=20, choices=IncomeType.choices)
    amount = models.PositiveIntegerField("thu nhập làm căn cứ (đồng/tháng)", default=0)
    region = models.PositiveSmallIntegerField(
        "vùng lương tối thiểu",
        null=True,
        blank=True,
        choices=[(i, f"Vùng {i}") for i in range(1, 5)],
    )
    wage_percent = models.DecimalField(
        "tỷ lệ tự nguyện (%)", max_digits=6, decimal_places=3, null=True, blank=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "-valid_from"]
        verbose_name = "căn cứ đóng đảng phí"
        verbose_name_plural = "căn cứ đóng đảng phí"
        constraints = [
            models.UniqueConstraint(fields=["member", "valid_from"], name="uniq_income_basis")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_income_type_display()} từ {self.valid_from:%m/%Y}"


class LedgerEntry(RestrictedModelMixin, TimeStampedModel):
    """One member's dues for one month: due, paid, when and to whom."""

    restrict_path_field = "organization__path"

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="dues_entries",
        verbose_name="đảng viên",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="dues_entries",
        verbose_name="chi bộ thu",
    )
    month = models.DateField("tháng")
    due = models.PositiveIntegerField("phải đóng (đồng)")
    paid = models.PositiveIntegerField("đã đóng (đồng)", default=0)
    paid_on = models.DateField("ngày đóng", null=True, blank=True)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thu",
    )
    receipt_number = models.CharField("số biên lai", max_length=30, blank=True)
    remittance = models.ForeignKey(
        "Remittance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name="đã nộp lên cấp trên trong đợt",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "month", "member_id"]
        verbose_name = "sổ thu đảng phí"
        verbose_name_plural = "sổ thu đảng phí"
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="uniq_dues_member_month")
        ]
        indexes = [
            models.Index(fields=["organization", "month"], name="dues_org_month_idx"),
            models.Index(fields=["month", "organization"], name="dues_month_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%m/%Y}: {self.paid}/{self.due}"

    @property
    def outstanding(self) -> int:
        return max(self.due - self.paid, 0)


class Remittance(RestrictedModelMixin, TimeStampedModel):
    """What an org collected for a month, kept, and passed to the level above.

    A remitted month is closed. Money paid for it later (a late payment, a lower level's late
    remittance) goes up with the org's next remittance: `late` is that part, and the entries
    and lower remittances it carries point to it (`entries`, `carried`)."""

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="remittances",
        verbose_name="tổ chức",
    )
    month = models.DateField("tháng")
    collected = models.PositiveIntegerField("tổng thu (đồng)")
    kept = models.PositiveIntegerField("giữ lại (đồng)")
    remitted = models.PositiveIntegerField("nộp cấp trên (đồng)")
    remitted_on = models.DateField("ngày nộp")
    late = models.PositiveIntegerField(
        "trong đó truy nộp cho các tháng đã nộp (đồng)", default=0, db_default=0
    )
    forwarded_in = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried",
        verbose_name="cấp trên đã nộp tiếp trong đợt",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "month"]
        verbose_name = "nộp đảng phí lên cấp trên"
        verbose_name_plural = "nộp đảng phí lên cấp trên"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month"], name="uniq_remittance_org_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.month:%m/%Y}: nộp {vi_number(self.remitted)} đ"
