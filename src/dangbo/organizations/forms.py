"""Forms for decisions on organisations. Choices are restricted to what the user may change."""

from django import forms
from django.utils import timezone

from dangbo.core.forms import DateInput, OrgPickerWidget, UserFormMixin, date_field  # noqa: F401
from dangbo.core.models import Role
from dangbo.organizations.models import Organization, OrgType
from dangbo.organizations.services import Decision, FirstOfficer


class RestrictedOrgField(forms.ModelChoiceField):
    """An active org chosen with the picker; the form restricts it to the user's reach."""

    widget = OrgPickerWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Organization.objects.filter(is_active=True))
        super().__init__(*args, **kwargs)


class DecisionForm(UserFormMixin, forms.Form):
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = forms.DateField(label="Ngày quyết định", widget=DateInput())
    signer = forms.CharField(label="Người ký", max_length=120)
    effective_date = forms.DateField(label="Ngày hiệu lực", widget=DateInput())
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["decision_date"].initial = today
        self.fields["effective_date"].initial = today

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            number=data["decision_number"],
            decided_on=data["decision_date"],
            signer=data["signer"],
            effective_date=data["effective_date"],
            note=data["note"],
        )


class FoundOrgForm(DecisionForm):
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    org_type = forms.ModelChoiceField(label="Loại tổ chức", queryset=OrgType.objects.all())
    code = forms.CharField(label="Mã tổ chức", max_length=40, required=False)
    field_order = ["name", "org_type", "code"]


class RenameOrgForm(DecisionForm):
    new_name = forms.CharField(label="Tên mới", max_length=255)
    field_order = ["new_name"]


class MoveOrgForm(DecisionForm):
    new_parent = RestrictedOrgField(label="Chuyển về trực thuộc")
    field_order = ["new_parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = Organization.objects.filter(
            is_active=True, org_type__holds_members=False
        )


class MergeOrgForm(DecisionForm):
    sources = forms.ModelMultipleChoiceField(
        label="Các chi bộ hợp nhất vào chi bộ này",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["sources"]

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        siblings = (
            Organization.objects.get_siblings(target) if target else Organization.objects.none()
        )
        self.fields["sources"].queryset = (
            Organization.objects.filter(is_active=True)
            .filter(pk__in=siblings.values("pk"), org_type__holds_members=True)
            .exclude(pk=getattr(target, "pk", None))
        )


class SplitOrgForm(DecisionForm):
    """Split a cell: the new cells' names and, for each of the cell's active members, the new
    cell they go to. The list of people (objects with `pk` and `full_name`) is the register's
    data: the members app's view passes it in (`people`); this form never queries members."""

    new_names = forms.CharField(
        label="Tên các chi bộ mới (mỗi dòng một tên)", widget=forms.Textarea(attrs={"rows": 3})
    )
    dissolve_source = forms.BooleanField(label="Giải thể chi bộ cũ", required=False)
    field_order = ["new_names", "dissolve_source"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        self.names = []
        for member in self.people:
            self.fields[f"part_{member.pk}"] = forms.IntegerField(
                label=member.full_name,
                min_value=0,
                initial=0,
                required=False,
                help_text="Số thứ tự chi bộ mới (0 = ở lại chi bộ cũ)",
            )

    def clean(self):
        data = super().clean()
        self.names = [n.strip() for n in (data.get("new_names") or "").splitlines() if n.strip()]
        for member in self.people:
            part = data.get(f"part_{member.pk}") or 0
            if part > len(self.names):
                self.add_error(f"part_{member.pk}", f"Chỉ có {len(self.names)} chi bộ mới.")
        return data

    def parts(self) -> list[tuple[str, list[int]]]:
        return [
            (
                name,
                [
                    m.pk
                    for m in self.people
                    if (self.cleaned_data.get(f"part_{m.pk}") or 0) == index
                ],
            )
            for index, name in enumerate(self.names, start=1)
        ]


class DissolveOrgForm(DecisionForm):
    pass


class FirstRunForm(FoundOrgForm):
    """First run: the root organisation and, optionally, its first officer."""

    username = forms.CharField(label="Tên đăng nhập", max_length=150, required=False)
    full_name = forms.CharField(label="Họ và tên", max_length=150, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    role = forms.ModelChoiceField(
        label="Vai trò trên tổ chức gốc", queryset=Role.objects.all(), required=False
    )
    password1 = forms.CharField(
        label="Mật khẩu", widget=forms.PasswordInput, strip=False, required=False
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu", widget=forms.PasswordInput, strip=False, required=False
    )
    OFFICER_FIELDS = ("username", "full_name", "email", "role", "password1", "password2")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Tên tổ chức gốc"
        self.fields["name"].help_text = "Ví dụ: Đảng bộ tỉnh …, Đảng bộ Khối các cơ quan tỉnh …"
        self.fields["org_type"].queryset = OrgType.objects.filter(holds_members=False)
        self.fields["org_type"].initial = (
            OrgType.objects.filter(code="province").values_list("pk", flat=True).first()
        )
        self.fields["effective_date"].label = "Ngày thành lập (ngày hiệu lực)"
        self.fields[
            "username"
        ].help_text = (
            "Tùy chọn: tài khoản cán bộ đầu tiên, đặt tại tổ chức gốc. Để trống nếu chưa tạo."
        )
        self.fields["role"].initial = (
            Role.objects.filter(code="province_admin").values_list("pk", flat=True).first()
        )

    def clean(self):
        data = super().clean()
        if not data.get("username"):
            return data
        for name in ("full_name", "role", "password1"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, "Cần nhập khi tạo tài khoản cán bộ.")
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "Hai mật khẩu không khớp.")
        return data

    def officer(self) -> FirstOfficer | None:
        data = self.cleaned_data
        if not data.get("username"):
            return None
        return FirstOfficer(
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["password1"],
            role=data["role"],
        )
