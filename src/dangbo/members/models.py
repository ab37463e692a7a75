"""The member registry: identity, current placement and status, and their dated history."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from dangbo.core.models import RestrictedModelMixin, RestrictedQuerySet, TimeStampedModel
from dangbo.members import namesearch
from dangbo.members.choices import (
    ETHNICITY_CHOICES,
    DisciplineForm,
    Education,
    Gender,
    Occupation,
    Qualification,
    Religion,
    Status,
    TheoryLevel,
)

id_number_validator = RegexValidator(r"^\d{12}$", "Số định danh cá nhân phải gồm đúng 12 chữ số.")


class MemberQuerySet(RestrictedQuerySet):
    _page_by_ids = False
    _name_key = None
    _name_memo = None  # shared by the clones of one search (`namesearch.Matches`)

    def active(self):
        return self.filter(status__in=(Status.PROBATIONARY, Status.OFFICIAL))

    def in_org_on(self, organization_id: int, day, also=()):
        """Members of the org on `day` in valid time — placed there and probationary or
        official that day (a member admitted or arrived later, or gone earlier, is not) —
        plus the member ids in `also` (ids or a subquery) if active that day (e.g. hosted
        there temporarily)."""
        placed = Placement.objects.filter(Period.valid_on(day), organization_id=organization_id)
        active = StatusPeriod.objects.filter(
            Period.valid_on(day), status__in=(Status.PROBATIONARY, Status.OFFICIAL)
        )
        return self.filter(
            Q(pk__in=placed.values("member_id")) | Q(pk__in=also),
            pk__in=active.values("member_id"),
        )

    def matching_name(self, text):
        """Members a word of whose name starts with `text` (unaccented): "van a" finds
        "Nguyễn Văn An". Pages and counts in name order read only the matches
        (`members.namesearch`)."""
        key = namesearch.search_key(text)
        if not key:
            return self
        clone = self.filter(namesearch.name_q(key))
        clone._name_key = key
        clone._name_memo = {}
        return clone

    def _matches(self):
        return namesearch.Matches(self._plain(), self._name_key, self._name_memo)

    def page_by_ids(self):
        """Slices of this queryset read the page's ids first (an index-only scan of
        `member_name_cover` for name-ordered lists), then only those rows: a filtered page of a
        big subtree reads 50 table rows instead of thousands."""
        clone = self._chain()
        clone._page_by_ids = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._page_by_ids = self._page_by_ids
        clone._name_key = self._name_key
        clone._name_memo = self._name_memo
        return clone

    def _plain(self):
        """This queryset without the name-search shortcuts (same rows)."""
        clone = self._chain()
        clone._page_by_ids = False
        clone._name_key = None
        return clone

    def _name_search_applies(self, ordered: bool = True) -> bool:
        return (
            self._name_key is not None
            and self._result_cache is None
            and not self.query.is_sliced
            and (not ordered or namesearch.is_name_ordered(self))
        )

    def name_count(self, cap: int) -> int:
        """The count of a name search, at most `cap` + 1 (cheap however common the name)."""
        if not self._name_search_applies(ordered=False):
            return self._plain()[: cap + 1].count()
        return self._matches().count(cap)

    def count(self):
        if self._name_search_applies(ordered=False):
            total = self._matches().count()
            if total is not None:
                return total
        return super().count()

    def __getitem__(self, key):
        if not (
            isinstance(key, slice)
            and (self._page_by_ids or self._name_key)
            and self._result_cache is None
            and self._iterable_class is models.query.ModelIterable
        ):
            return super().__getitem__(key)
        ids = None
        if self._name_search_applies() and key.step is None:
            start, stop = key.start or 0, key.stop
            if stop is not None:
                ids = self._matches().page_ids(start, stop)
        if ids is None:
            if not self._page_by_ids:
                return super().__getitem__(key)
            ids = list(self.values_list("pk", flat=True)[key])
        rows = self.model._default_manager.filter(pk__in=ids).order_by()  # by primary key
        rows.query.select_related = self.query.select_related
        rows._prefetch_related_lookups = self._prefetch_related_lookups
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids]


class MemberNameKey(models.Model):
    """A tail of a member's unaccented name from its second, third … word ("van an", "an"),
    written by database triggers from every writer (migration 0007), never by the
    application. Unmanaged: `move_database` and restores leave it to the target's triggers."""

    key = models.CharField(max_length=120, primary_key=True)  # not unique: Django needs a pk
    member_id = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "members_name_key"

    def __str__(self) -> str:
        return self.key


class Member(RestrictedModelMixin, TimeStampedModel):
    """A party member. Never deleted: leaving is a status event with its date and decision."""

    full_name = models.CharField("họ và tên", max_length=120)
    # Unaccented, lower-case. On PostgreSQL the column has the "C" collation (migration 0007,
    # not expressible per database in the field): name order is byte order, prefixes are index
    # ranges. An AlterField on it must keep `COLLATE "C"`.
    name_search = models.CharField(max_length=120, editable=False, db_index=True)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    place_of_origin = models.CharField("quê quán", max_length=255, blank=True)
    ethnicity = models.CharField(
        "dân tộc", max_length=40, choices=ETHNICITY_CHOICES, default="Kinh"
    )
    religion = models.CharField(
        "tôn giáo", max_length=20, choices=Religion.choices, default=Religion.NONE
    )
    id_number = models.CharField(
        "số định danh cá nhân",
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[id_number_validator],
        help_text="12 chữ số; từ 02/09/2025 cũng là số thẻ đảng viên.",
    )
    history_number = models.CharField("số lý lịch", max_length=30, blank=True)
    education = models.CharField(
        "giáo dục phổ thông", max_length=20, choices=Education.choices, blank=True
    )
    qualification = models.CharField(
        "chuyên môn nghiệp vụ", max_length=20, choices=Qualification.choices, blank=True
    )
    theory_level = models.CharField(
        "lý luận chính trị",
        max_length=20,
        choices=TheoryLevel.choices,
        default=TheoryLevel.NONE,
        blank=True,  # not declared (an import without the column): «Chưa khai», not «none»
    )
    occupation = models.CharField(
        "nghề nghiệp", max_length=20, choices=Occupation.choices, blank=True
    )
    workplace = models.CharField("nơi làm việc", max_length=255, blank=True)

    admitted_on = models.DateField("ngày vào Đảng (quyết định kết nạp)")
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)

    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.PROBATIONARY
    )
    status_since = models.DateField("trạng thái từ ngày")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="chi bộ",
    )
    # Copy of organization.path so subtree filters need no join (kept in step on moves). "C"
    # collation on PostgreSQL (migration 0007): an AlterField must keep it.
    org_path = models.CharField(max_length=255, editable=False)
    # Set when this record was a duplicate merged into another (status MERGED); never deleted.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        verbose_name="đã gộp vào",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name_search", "id"]
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(
                fields=["org_path"],
                name="member_org_path_cover",
                opclasses=["varchar_pattern_ops"],
                include=["status", "gender", "birth_date"],
            ),
            models.Index(fields=["org_path", "name_search"], name="member_path_name_idx"),
            # Name-ordered pages filtered by subtree, status, gender: index-only id look-ups.
            models.Index(
                fields=["name_search", "id"],
                name="member_name_cover",
                include=["org_path", "status", "gender"],
            ),
            models.Index(fields=["organization", "status"], name="member_org_status_idx"),
            # "Admitted this year" on dashboards: a date range, then the subtree.
            models.Index(fields=["admitted_on"], name="member_admitted_on_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    # Fields the per-ancestor summary (OrgMemberSummary) counts by.
    SUMMARY_FIELDS = ("org_path", "status", "gender")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._summary_key = instance._summary_key_now()
        return instance

    def _summary_key_now(self):
        loaded = self.__dict__
        if all(f in loaded for f in self.SUMMARY_FIELDS):
            return tuple(loaded[f] for f in self.SUMMARY_FIELDS)
        return None  # deferred fields: read from the database when saving

    def save(self, *args, **kwargs):
        """Save, and keep the per-ancestor summary exact whichever code saved the member."""
        from dangbo.members import summary

        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=kwargs.get("using")):
            old = None
            if not self._state.adding and self.pk is not None:
                old = getattr(self, "_summary_key", None)
                if old is None:
                    old = (
                        Member.objects.filter(pk=self.pk).values_list(*self.SUMMARY_FIELDS).first()
                    )
            super().save(*args, **kwargs)
            new = tuple(
                getattr(self, f)
                if old is None or update_fields is None or f in update_fields
                else old[i]
                for i, f in enumerate(self.SUMMARY_FIELDS)
            )
            if old != new:
                summary.record_change(old, new)
            self._summary_key = new

    @property
    def is_active_member(self) -> bool:
        return self.status in (Status.PROBATIONARY, Status.OFFICIAL)


class Period(models.Model):
    """Common shape of valid-time periods: [valid_from, valid_to), open-ended while current."""

    valid_from = models.DateField("từ ngày")
    valid_to = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def valid_on(cls, day):
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Placement(Period):
    """Which org a member belonged to, and when (exactly one open placement per member)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="placements")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="placements"
    )

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "quá trình sinh hoạt"
        verbose_name_plural = "quá trình sinh hoạt"
        # By org; and by date, for the members moved between two dates (a past date's report
        # read from the month end before it, reports.month_ends.changed_member_ids).
        indexes = [
            models.Index(fields=["organization", "valid_from"], name="placement_org_idx"),
            models.Index(fields=["valid_from"], name="placement_from_idx"),
            models.Index(fields=["valid_to"], name="placement_to_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True),
                name="one_open_placement_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.organization} từ {self.valid_from:%d/%m/%Y}"


class StatusPeriod(Period):
    """A member's status over time (dự bị, chính thức, or a leaving status)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_periods")
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    bars_readmission = models.BooleanField(
        "không được kết nạp lại",
        default=False,
        db_default=False,
        help_text="Khai trừ vì vi phạm nghiêm trọng (theo quy định hiện hành).",
    )

    class Meta:
        ordering = ["member_id", "valid_from", "id"]
        verbose_name = "giai đoạn trạng thái"
        verbose_name_plural = "giai đoạn trạng thái"
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(valid_to__isnull=True),
                name="one_open_status_per_member",
            )
        ]
        # Changes of status within a year (dashboards), and between two dates (month ends).
        indexes = [
            models.Index(fields=["valid_from"], name="statusperiod_from_idx"),
            models.Index(fields=["valid_to"], name="statusperiod_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()} từ {self.valid_from:%d/%m/%Y}"


class MembershipGap(Period):
    """A gap in membership (e.g. between leaving and re-admission): excluded from party age."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="gaps")

    class Meta:
        ordering = ["member_id", "valid_from"]
        verbose_name = "thời gian gián đoạn"
        verbose_name_plural = "thời gian gián đoạn"

    def __str__(self) -> str:
        return f"{self.member}: gián đoạn từ {self.valid_from:%d/%m/%Y}"


class MemberEvent(TimeStampedModel):
    """A domain event in a member's life, shown on the timeline."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "Đưa vào sổ đảng viên"
        ADMITTED = "admitted", "Kết nạp"
        OFFICIAL = "official", "Công nhận chính thức"
        TRANSFERRED = "transferred", "Chuyển sinh hoạt"
        STATUS = "status", "Thay đổi trạng thái"
        CORRECTED = "corrected", "Đính chính thông tin"
        REORGANISED = "reorganised", "Thay đổi do sắp xếp tổ chức"
        LEFT = "left", "Ra khỏi Đảng"
        READMITTED = "readmitted", "Kết nạp lại"
        MERGED = "merged", "Gộp hồ sơ trùng"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("sự kiện", max_length=20, choices=Kind.choices)
    date = models.DateField("ngày")
    summary = models.CharField("nội dung", max_length=500)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    reason = models.CharField("lý do", max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "-date", "-id"]
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.summary}"


class Discipline(TimeStampedModel):
    """A discipline decision on a member. Other apps read it through members.rules:
    classification caps (reviews), badge delays (recognition); inspections records it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="disciplines")
    form = models.CharField("hình thức kỷ luật", max_length=20, choices=DisciplineForm.choices)
    decided_on = models.DateField("ngày quyết định")
    decision_number = models.CharField("số quyết định", max_length=60)
    authority = models.CharField("cấp quyết định", max_length=255)
    authority_org = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức quyết định",
        help_text="Trống ở các quyết định ghi trước khi hệ thống kiểm tra thẩm quyền.",
    )
    reason = models.TextField("lý do")
    annulled_on = models.DateField(
        "ngày hủy bỏ (khi khiếu nại được chấp nhận)", null=True, blank=True
    )
    annulment_note = models.CharField("căn cứ hủy bỏ", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    restrict_path_field = "member__org_path"

    class Meta:
        ordering = ["member_id", "-decided_on", "-id"]
        verbose_name = "kỷ luật đảng viên"
        verbose_name_plural = "kỷ luật đảng viên"

    def __str__(self) -> str:
        return f"{self.member}: {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class OrgMemberSummary(models.Model):
    """Members of an org's whole subtree by status and gender: a read model for national
    dashboards (one row per org, status, gender). Kept exact by `Member.save` and the bulk
    services (`members.summary`); rebuilt from the register by `dangbo rebuild_member_summary`.
    Only read while `MemberSummaryState` says it is complete."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="member_summary",
        verbose_name="tổ chức",
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    members = models.IntegerField("số đảng viên", default=0)

    class Meta:
        ordering = ["organization_id", "status", "gender"]
        verbose_name = "tổng hợp đảng viên theo tổ chức"
        verbose_name_plural = "tổng hợp đảng viên theo tổ chức"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "status", "gender"], name="uniq_org_member_summary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.status} {self.gender}: {self.members}"

    @classmethod
    def fresh_state(cls):
        """The state row if the summary is complete (safe to read), else None."""
        return MemberSummaryState.objects.filter(pk=1).first()

    @classmethod
    def subtree_counts(cls, paths, statuses=None, gender=None) -> dict[str, int] | None:
        """Members under each org path (its whole subtree), optionally of some statuses and a
        gender, in one query; None while the summary is incomplete (count live instead)."""
        if cls.fresh_state() is None:
            return None
        rows = cls.objects.filter(organization__path__in=list(paths))
        if statuses:
            rows = rows.filter(status__in=list(statuses))
        if gender:
            rows = rows.filter(gender=gender)
        totals = dict(
            rows.values("organization__path")
            .annotate(total=models.Sum("members"))
            .order_by()
            .values_list("organization__path", "total")
        )
        return {path: totals.get(path, 0) for path in paths}


class MemberSummaryState(models.Model):
    """Freshness of OrgMemberSummary: present (pk=1) only while the summary is complete."""

    rebuilt_at = models.DateTimeField("dựng lại lúc")
    rebuilt_members = models.PositiveIntegerField("số đảng viên khi dựng lại")
    changed_at = models.DateTimeField("cập nhật gần nhất lúc")

    class Meta:
        ordering = ["pk"]
        verbose_name = "trạng thái bảng tổng hợp"
        verbose_name_plural = "trạng thái bảng tổng hợp"

    def __str__(self) -> str:
        return f"Tổng hợp dựng lại lúc {self.rebuilt_at:%H:%M %d/%m/%Y}"
