"""Form building blocks shared by every app, and the forms of the administration screens."""

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError

from dangbo.core.models import Role
from dangbo.core.text import control_character


class OrgPickerWidget(forms.TextInput):
    """An org id field with a search box (HTMX) that fills it: works for 250,000 orgs.

    `pick_params` go to the search (organizations:pick): `scope=admin` searches the nodes where
    the user administers accounts, cells included.
    """

    template_name = "organizations/widgets/org_picker.html"

    def __init__(self, attrs=None, pick_params=None):
        super().__init__(attrs)
        self.pick_params = pick_params or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["pick_params"] = self.pick_params
        if value:
            org = apps.get_model("organizations", "Organization").objects.filter(pk=value).first()
            context["widget"]["chosen"] = org
        return context


class NoControlCharacters:
    """Validator of a text field: no invisible control character (tab and line breaks only
    when the field is multi-line)."""

    def __init__(self, multiline: bool):
        self.multiline = multiline

    def __call__(self, value):
        message = control_character(value, self.multiline) if isinstance(value, str) else None
        if message:
            raise ValidationError(message, code="control_character")


class CleanTextMixin:
    """Every form of dangbo refuses control characters in its text fields (the one place for
    forms; `tests/core/test_clean_input.py` checks every form has it). Passwords are left as
    typed. Applied when validating, so fields added in a form's __init__ are covered too."""

    def full_clean(self):
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            if not any(isinstance(v, NoControlCharacters) for v in field.validators):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(NoControlCharacters(multiline))
        super().full_clean()


class UserFormMixin(CleanTextMixin):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class OrgChoiceField(forms.ModelChoiceField):
    """An org chosen with the picker among the nodes the administrator manages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset", apps.get_model("organizations", "Organization").objects.none()
        )
        kwargs.setdefault("widget", OrgPickerWidget(pick_params={"scope": "admin"}))
        super().__init__(*args, **kwargs)


class AccountForm(UserFormMixin, forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    organization = OrgChoiceField(label="Đơn vị quản lý tài khoản")
    password1 = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        from dangbo.core.accounts import manageable_orgs

        self.fields["organization"].queryset = manageable_orgs(self.user)
        if account is not None:
            del self.fields["username"], self.fields["password1"], self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Hai mật khẩu không khớp.")
        return data


class PasswordForm(UserFormMixin, forms.Form):
    password1 = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "Hai mật khẩu không khớp.")
        return data


class AssignmentForm(UserFormMixin, forms.Form):
    role = forms.ModelChoiceField(label="Vai trò", queryset=Role.objects.all())
    organization = OrgChoiceField(label="Trên tổ chức (áp dụng cho tổ chức và toàn bộ cấp dưới)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from dangbo.core.accounts import manageable_orgs

        self.fields["organization"].queryset = manageable_orgs(self.user)


class RoleForm(UserFormMixin, forms.Form):
    code = forms.CharField(label="Mã vai trò", max_length=50)
    name = forms.CharField(label="Tên vai trò", max_length=120)
    description = forms.CharField(
        label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    permissions = forms.CharField(
        label="Các quyền (mỗi dòng một mã)",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Dạng ứng_dụng.thao_tác: members.view, members.change, members.*, *.view, "
        "* (toàn quyền); core.admin quản trị tài khoản, core.audit xem nhật ký.",
    )


class ConfirmForm(UserFormMixin, forms.Form):
    """A POST with nothing to fill in (deactivate, revoke)."""
