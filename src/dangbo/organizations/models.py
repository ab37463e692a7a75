"""The tree of party organisations, their types, dated history and restructuring decisions."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.urls import reverse
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel


class OrgType(models.Model):
    """A kind of organisation. Capabilities are data, never a hard-coded depth."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=120)
    holds_members = models.BooleanField(
        "sinh hoạt đảng viên trực tiếp (chi bộ)",
        help_text="Chi bộ giữ đảng viên; đảng bộ giữ tổ chức trực thuộc.",
    )
    is_grassroots = models.BooleanField("là tổ chức cơ sở đảng", default=False)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "loại tổ chức"
        verbose_name_plural = "loại tổ chức"

    def __str__(self) -> str:
        return self.name


LABEL_SEPARATOR = " — "


def label_of(name: str, parent_name: str | None) -> str:
    """How an org is shown where its name alone may be shared: «Chi bộ Văn phòng — Đảng bộ Sở
    Tư pháp» (the imports read it back)."""
    return f"{name}{LABEL_SEPARATOR}{parent_name}" if parent_name else name


class OrganizationQuerySet(MP_NodeQuerySet, RestrictedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_labels(self):
        """Each row's parent name in the same query (a look-up of the unique path index per
        row), for `Organization.label` in pickers and choice lists without N+1."""
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
        parents = Organization.objects.order_by().filter(path=parent_path).values("name")[:1]
        return self.annotate(parent_name=Subquery(parents))


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user, permission: str = "view"):
        return self.get_queryset().restrict(user, permission)


class Organization(RestrictedModelMixin, MP_Node, TimeStampedModel):
    """A party organisation (đảng bộ or chi bộ) placed in the tree by its materialized path."""

    steplen = 4
    restrict_path_field = "path"

    name = models.CharField("tên tổ chức", max_length=255)
    name_search = models.CharField(max_length=255, editable=False, db_index=True)
    code = models.CharField("mã tổ chức", max_length=40, blank=True, db_index=True)
    org_type = models.ForeignKey(OrgType, on_delete=models.PROTECT, verbose_name="loại tổ chức")
    founded_on = models.DateField("ngày thành lập")
    dissolved_on = models.DateField("ngày giải thể/kết thúc", null=True, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["path"]
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.pk])

    @property
    def label(self) -> str:
        """Name and parent's name, enough to tell same-named orgs apart (`with_labels()`
        fetches the parent names with the rows; otherwise one query here)."""
        if not hasattr(self, "parent_name"):
            parent = (
                Organization.objects.filter(path=self.path[: -self.steplen]).values("name").first()
                if self.depth > 1
                else None
            )
            self.parent_name = parent["name"] if parent else None
        return label_of(self.name, self.parent_name)

    def save(self, *args, **kwargs):
        from dangbo.core.text import normalize

        self.name_search = normalize(self.name)
        super().save(*args, **kwargs)


class OrgPeriod(models.Model):
    """Valid time of an org's name, parent and path: the tree as it stood on any date."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="periods", verbose_name="tổ chức"
    )
    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    name = models.CharField("tên", max_length=255)
    path = models.CharField("đường dẫn cây", max_length=255, db_index=True)
    parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org_type = models.ForeignKey(OrgType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organization_id", "valid_from"]
        verbose_name = "giai đoạn tổ chức"
        verbose_name_plural = "giai đoạn tổ chức"
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="orgperiod_valid_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–)"


class OrgEvent(TimeStampedModel):
    """A dated decision about an org: founded, renamed, moved, merged, split, dissolved."""

    class Kind(models.TextChoices):
        FOUNDED = "founded", "Thành lập"
        RENAMED = "renamed", "Đổi tên"
        MOVED = "moved", "Chuyển trực thuộc"
        MERGED = "merged", "Hợp nhất/sáp nhập"
        SPLIT = "split", "Chia tách"
        DISSOLVED = "dissolved", "Giải thể"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="events", verbose_name="tổ chức"
    )
    kind = models.CharField("loại sự kiện", max_length=20, choices=Kind.choices)
    effective_date = models.DateField("ngày hiệu lực")
    decision_number = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    signer = models.CharField("người ký", max_length=120)
    note = models.TextField("ghi chú", blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = "quyết định về tổ chức"
        verbose_name_plural = "quyết định về tổ chức"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization} ({self.effective_date:%d/%m/%Y})"


class OutgoingDocument(RestrictedModelMixin, TimeStampedModel):
    """A document issued by an org, as entered in its register of outgoing documents (sổ văn
    bản đi): numbered per issuing org and year, with its symbol ("QĐ/ĐU"), signer, date and
    the bytes handed out with their SHA-256, so that every issued paper is kept and found
    again from the member's or the org's page. Issued through
    `organizations.documents.issue`; never changed or deleted."""

    class Kind(models.TextChoices):
        ADMISSION_DECISION = "admission_decision", "Quyết định kết nạp đảng viên"
        TRANSFER_LETTER = "transfer_letter", "Giấy giới thiệu sinh hoạt đảng"
        RECOGNITION_DECISION = "recognition_decision", "Quyết định công nhận đảng viên chính thức"
        DISCIPLINE_DECISION = "discipline_decision", "Quyết định thi hành kỷ luật"
        FOUNDING_DECISION = "founding_decision", "Quyết định thành lập tổ chức đảng"
        MERGER_DECISION = "merger_decision", "Quyết định hợp nhất tổ chức đảng"
        MEETING_MINUTES = "meeting_minutes", "Biên bản sinh hoạt chi bộ"
        MEETING_RESOLUTION = "meeting_resolution", "Nghị quyết chi bộ"

    restrict_path_field = "organization__path"

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
        verbose_name="tổ chức ban hành",
    )
    year = models.PositiveSmallIntegerField("năm")
    number = models.PositiveIntegerField("số")
    symbol = models.CharField("ký hiệu", max_length=40)
    kind = models.CharField("loại văn bản", max_length=30, choices=Kind.choices)
    subject_member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_documents",
        verbose_name="đảng viên",
    )
    subject_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tổ chức liên quan",
    )
    subject = models.CharField("trích yếu", max_length=255)
    source = models.CharField(
        "hồ sơ gốc", max_length=80, blank=True, help_text="app.Model:pk of the record it issues"
    )
    signer = models.CharField("người ký", max_length=120, blank=True)
    signed_as = models.CharField("thẩm quyền ký", max_length=120, blank=True)
    issued_on = models.DateField("ngày ban hành")
    file_name = models.CharField("tên tệp", max_length=160)
    content = models.BinaryField("nội dung", editable=False)
    checksum = models.CharField("SHA-256", max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người lập",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = "văn bản đi"
        verbose_name_plural = "sổ văn bản đi"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="uniq_outgoing_number"
            ),
            models.UniqueConstraint(
                fields=["kind", "source"],
                condition=~models.Q(source=""),
                name="uniq_outgoing_source",
            ),
        ]

    def __str__(self) -> str:
        return f"Số {self.number}-{self.symbol} ngày {self.issued_on:%d/%m/%Y}: {self.subject}"

    @property
    def reference(self) -> str:
        """ "12-QĐ/ĐU" as cited."""
        return f"{self.number}-{self.symbol}"

    @property
    def is_workbook(self) -> bool:
        return self.file_name.endswith(".xlsx")

    def get_absolute_url(self) -> str:
        return reverse("organizations:document_file", args=[self.pk])
