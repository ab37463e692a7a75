import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from dangbo.portal.models import CorrectionRequest, MemberAccount


class AccountTable(tables.Table):
    member = tables.Column(verbose_name="Đảng viên", order_by=("member__name_search",))
    organization = tables.Column(
        verbose_name="Chi bộ", accessor="member__organization__name", orderable=False
    )
    username = tables.Column(verbose_name="Tên đăng nhập", accessor="user__username")
    must_change_password = tables.BooleanColumn(verbose_name="Chưa đổi mật khẩu")
    locked = tables.Column(verbose_name="Trạng thái", accessor="user__is_active", orderable=False)
    created_at = tables.DateColumn(verbose_name="Cấp ngày", format="d/m/Y")
    reset = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = MemberAccount
        fields = ("member", "organization", "username", "must_change_password", "created_at")
        attrs = {"class": "table table-sm table-hover"}

    def render_locked(self, value):
        return "Đang dùng" if value else "Đã khóa"

    def render_reset(self, record):
        if not record.member.is_active_member:
            return ""
        label = "Cấp lại mật khẩu" if record.user.is_active else "Mở lại, cấp mật khẩu mới"
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button class="btn btn-sm btn-outline-danger">{}</button>'
            "</form>",
            reverse("portal:account_reset", args=[record.pk]),
            self.context["csrf_token"] if self.context else "",
            label,
        )


class CorrectionTable(tables.Table):
    member = tables.Column(
        verbose_name="Đảng viên", linkify=lambda record: record.get_absolute_url()
    )
    organization = tables.Column(
        verbose_name="Chi bộ", accessor="member__organization__name", orderable=False
    )
    fields = tables.Column(verbose_name="Đề nghị sửa", accessor="changes", orderable=False)
    status = tables.Column(verbose_name="Tình trạng")
    created_at = tables.DateColumn(verbose_name="Gửi ngày", format="d/m/Y")

    class Meta:
        model = CorrectionRequest
        fields = ("member", "organization", "fields", "status", "created_at")
        attrs = {"class": "table table-sm table-hover"}

    def render_fields(self, value):
        from dangbo.members.models import Member

        labels = {f.name: str(f.verbose_name) for f in Member._meta.fields}
        return ", ".join(labels.get(name, name) for name in value)
