"""Framework models shared by every domain app: base classes, roles on subtrees, dated rules."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangbo.core import permissions
from dangbo.core.errors import StaleVersion


class TimeStampedModel(models.Model):
    """Transaction time of a row (when it was recorded); valid time lives in period tables."""

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True

    @property
    def version(self) -> str:
        """Optimistic-locking token: changes whenever the record is saved."""
        return self.updated_at.isoformat() if self.updated_at else ""

    def check_version(self, expected: str) -> None:
        """StaleVersion unless `expected` is this row's version (read under a row lock)."""
        if expected == self.version:
            return
        changed_at = timezone.localtime(self.updated_at)
        raise StaleVersion(
            "Hồ sơ này vừa được người khác cập nhật lúc "
            f"{changed_at:%H:%M:%S %d/%m/%Y}. Hãy tải lại để xem thông tin mới rồi "
            "sửa lại; chưa có gì bị thay đổi.",
            "version",
        )


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user's roles reach.

    A model names the field holding the org path of the node it belongs to
    (`restrict_path_field`, or a tuple when several sides reach a row); `restrict` keeps rows
    under the nodes where the user holds the permission.
    """

    def restrict(self, user, permission: str = "view"):
        """`permission` is 'app.action' ("admissions.change" on orgs or members), or an
        action on the model's own app ("change")."""
        return permissions.restrict(self, user, permissions.permission_code(self.model, permission))


class RestrictedModelMixin:
    """Declares how a model is scoped: the org-path field(s) and the permission namespace."""

    restrict_path_field: str | tuple[str, ...] = "org_path"
    permission_app: str | None = None

    @classmethod
    def permission_scope(cls) -> str:
        return cls.permission_app or cls._meta.app_label

    @classmethod
    def restrict_path_fields(cls) -> tuple[str, ...]:
        field = cls.restrict_path_field
        return (field,) if isinstance(field, str) else tuple(field)

    def restrict_paths(self) -> list[str]:
        """This row's org paths, following `restrict_path_field` across relations (a side
        left empty, such as the member of an org's record, is skipped)."""
        found = []
        for lookup in self.restrict_path_fields():
            value = self
            for part in lookup.split("__"):
                value = getattr(value, part, None) if value is not None else None
            if value:
                found.append(value)
        return found

    def restrict_path(self) -> str:
        """The first of this row's org paths."""
        paths = self.restrict_paths()
        return paths[0] if paths else ""


class Role(TimeStampedModel):
    """A named set of permissions (`app.action` codes, `*` for all, `app.*` for an app)."""

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên vai trò", max_length=120)
    description = models.TextField("mô tả", blank=True)
    permissions = models.JSONField("quyền", default=list, blank=True)
    requires_second_factor = models.BooleanField(
        "bắt buộc xác thực hai lớp",
        default=True,
        help_text="Người giữ vai trò này phải nhập mã từ ứng dụng xác thực khi đăng nhập, kể cả "
        "khi chỉ được giao ở một chi bộ. Vai trò giao ở cấp trên chi bộ, hoặc có quyền xem số "
        "định danh đầy đủ (members.view_identity) hay quản trị tài khoản (core.admin), luôn "
        "phải xác thực hai lớp.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"

    def __str__(self) -> str:
        return self.name

    def grants(self, permission: str) -> bool:
        return permissions.permission_matches(self.permissions, permission)


class RoleAssignment(TimeStampedModel):
    """A role held by a user on an org node; it applies to the node and its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name="người dùng",
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, verbose_name="vai trò")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name="tổ chức",
    )
    is_active = models.BooleanField("đang hiệu lực", default=True)

    class Meta:
        ordering = ["user_id", "organization_id", "role_id"]
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="uniq_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} @ {self.organization}"


class RuleParameter(TimeStampedModel):
    """A configurable rule value with the date it takes effect (optionally for one subtree).

    Records made under an older value keep being judged by it: look-ups pass the record's date.
    """

    key = models.CharField("khóa", max_length=100, db_index=True)
    value = models.JSONField("giá trị")
    valid_from = models.DateField("hiệu lực từ")
    org_path = models.CharField("áp dụng cho cây tổ chức", max_length=255, blank=True, default="")
    source = models.CharField("căn cứ (văn bản)", max_length=255, blank=True)

    class Meta:
        ordering = ["key", "-valid_from"]
        verbose_name = "tham số quy định"
        verbose_name_plural = "tham số quy định"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "valid_from", "org_path"], name="uniq_rule_parameter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} (từ {self.valid_from:%d/%m/%Y})"

    @classmethod
    def value_on(cls, key: str, on: date, org_path: str = "", default=None):
        """The value in force on `on` for the org at `org_path` (most specific subtree wins)."""
        return cls.values_on([key], on, org_path).get(key, default)

    @classmethod
    def values_on(cls, keys, on: date, org_path: str = "") -> dict:
        """Several parameters in one query: {key: value in force} for the keys that have one."""
        best: dict[str, RuleParameter] = {}
        for row in cls.objects.filter(key__in=list(keys), valid_from__lte=on):
            if not org_path.startswith(row.org_path):
                continue
            current = best.get(row.key)
            # the most specific subtree wins; among equals, the latest start
            if current is None or (len(row.org_path), row.valid_from) > (
                len(current.org_path),
                current.valid_from,
            ):
                best[row.key] = row
        return {key: row.value for key, row in best.items()}


class DayOverride(models.Model):
    """A day that breaks the usual calendar: a shifted day off, or a compensating working day."""

    day = models.DateField("ngày", unique=True)
    is_working_day = models.BooleanField("là ngày làm việc")
    note = models.CharField("ghi chú", max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "ngày nghỉ/làm bù"
        verbose_name_plural = "ngày nghỉ/làm bù"

    def __str__(self) -> str:
        kind = "làm việc" if self.is_working_day else "nghỉ"
        return f"{self.day:%d/%m/%Y} ({kind})"


class UserProfile(TimeStampedModel):
    """The org unit an account belongs to: administrators of that subtree manage the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="profile",
        verbose_name="người dùng",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị quản lý tài khoản",
    )

    restrict_path_field = "organization__path"

    class Meta:
        ordering = ["user_id"]
        verbose_name = "hồ sơ tài khoản"
        verbose_name_plural = "hồ sơ tài khoản"

    def __str__(self) -> str:
        return f"{self.user} ({self.organization})"
