"""Form building blocks shared by every app, and the forms of the administration screens."""

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangbo.core import permissions
from dangbo.core.errors import DomainError
from dangbo.core.models import Role
from dangbo.core.text import control_character

OUT_OF_REACH = "Không tồn tại hoặc ngoài phạm vi."
UNSCOPED = object()

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DateInput(forms.DateInput):
    """A dd/mm/yyyy text box (the browser's own picker shows ISO or English in places)."""

    input_type = "text"

    def __init__(self, **kwargs):
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **kwargs.pop("attrs", {})}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


def date_field(label, required=True, today=False, **kwargs) -> forms.DateField:
    """A date typed dd/mm/yyyy (ISO accepted too); `today` pre-fills today's date."""
    field = forms.DateField(
        label=label,
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        required=required,
        **kwargs,
    )
    if today:
        field.initial = timezone.localdate
    return field


def errors_text(form) -> str:
    """Every error of a form on one line, each after its field's label («Ngày quyết định: Nhập
    một ngày hợp lệ.»), for screens that answer a POST with a message."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None else None
        parts.extend(f"{label}: {error}" if label else error for error in errors)
    return " ".join(parts)


def valid_data(form) -> dict:
    """The cleaned data of a valid form; otherwise a DomainError naming each refused field by
    its label (nothing has been changed), for views that report a DomainError as a message."""
    if form.is_valid():
        return form.cleaned_data
    field = next((name for name in form.errors if name in form.fields), None)
    raise DomainError(errors_text(form), field)


def is_scoped(model) -> bool:
    """Rows of this model sit in the org tree (`restrict()` applies to them)."""
    return hasattr(model, "restrict_path_field")


def scoped(field, permission: str):
    """Restrict this form field's choices for `permission` instead of the form's
    ("members.view" for an introducer chosen on an admissions form). Serializers name their
    fields in `RestrictedSerializerMixin.field_permissions` (DRF rebuilds declared fields
    from their arguments, dropping any mark)."""
    _refuse_serializer_field(field)
    field.restrict_permission = permission
    return field


def unscoped(field, reason: str):
    """Leave this form field's choices unrestricted (`reason` says why: the receiving cell of
    a transfer lies anywhere). Its queryset must still say which rows are valid."""
    _refuse_serializer_field(field)
    field.restrict_permission = UNSCOPED
    field.unscoped_reason = reason
    return field


def _refuse_serializer_field(field) -> None:
    if not isinstance(field, forms.Field):
        raise TypeError("serializer fields: use RestrictedSerializerMixin.field_permissions")


def restrict_form_fields(form, user, permission: str | None) -> None:
    """Narrow every choice field pointing at rows of the org tree (orgs, members, any
    restricted model) to those under the nodes where `user` holds `permission` (or the
    field's own, see `scoped`). A posted id outside the reach is then the same form error as
    an id that does not exist, and its name is never shown. Without a permission nothing is
    selectable. Idempotent: querysets set later in `__init__` are restricted on first use."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            continue
        if not is_scoped(field.queryset.model):
            continue
        if field.queryset is getattr(field, "_restricted_queryset", None):
            continue
        code = getattr(field, "restrict_permission", permission)
        if code is UNSCOPED:
            restricted = with_labels(field, field.queryset)
            field.queryset = restricted
            field._restricted_queryset = restricted
            continue
        if code is None:
            restricted = field.queryset.none()
        else:
            restricted = permissions.restrict(
                field.queryset, user, permissions.permission_code(field.queryset.model, code)
            )
        restricted = with_labels(field, restricted)
        field.queryset = restricted
        field._restricted_queryset = restricted
        field.error_messages["invalid_choice"] = OUT_OF_REACH
        field.error_messages["invalid_pk_value"] = OUT_OF_REACH


def with_labels(field, queryset):
    """Rows that have a `label` (orgs: «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp») are offered by
    it, fetched with the rows (`with_labels()`), so same-named choices can be told apart."""
    if (
        not hasattr(queryset, "with_labels")
        or queryset.query.is_sliced
        or queryset.query.combinator
    ):
        return queryset  # a sliced or combined queryset cannot be annotated: names alone
    if type(field).label_from_instance is forms.ModelChoiceField.label_from_instance:
        field.label_from_instance = _label_from_instance  # a field's own labels stay
    return queryset.with_labels()


def _label_from_instance(obj) -> str:
    return getattr(obj, "label", None) or str(obj)


def chosen_within(widget, value):
    """The row `value` names among the widget's choices (its field's restricted queryset),
    or None: a picker never shows the name of an object outside the user's reach."""
    queryset = getattr(getattr(widget, "choices", None), "queryset", None)
    if not value or queryset is None:
        return None
    try:
        return queryset.filter(pk=value).first()
    except (TypeError, ValueError, ValidationError):
        return None


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
        context["widget"]["chosen"] = chosen_within(self, value)
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
    """A form acting for a user: every choice field on rows of the org tree is restricted to
    the user's reach for the form's `permission` ('app.action', given by the view or set on
    the class), see `restrict_form_fields`."""

    permission: str | None = None

    def __init__(self, *args, user=None, permission=None, **kwargs):
        self.user = user
        if permission is not None:
            self.permission = permission
        super().__init__(*args, **kwargs)

    def restrict_fields(self) -> None:
        restrict_form_fields(self, self.user, self.permission)

    def full_clean(self):
        self.restrict_fields()
        super().full_clean()

    def __getitem__(self, name):
        self.restrict_fields()
        return super().__getitem__(name)


class OrgChoiceField(forms.ModelChoiceField):
    """An org chosen with the picker among the nodes the administrator manages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset",
            apps.get_model("organizations", "Organization").objects.filter(is_active=True),
        )
        kwargs.setdefault("widget", OrgPickerWidget(pick_params={"scope": "admin"}))
        super().__init__(*args, **kwargs)
        scoped(self, "core.admin")


class AccountForm(UserFormMixin, forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", required=False)
    organization = OrgChoiceField(label="Đơn vị quản lý tài khoản")
    password1 = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
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
    requires_second_factor = forms.BooleanField(
        label="Bắt buộc xác thực hai lớp",
        required=False,
        initial=True,
        help_text=Role._meta.get_field("requires_second_factor").help_text,
    )


class SecondFactorCodeForm(CleanTextMixin, forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=32,
        help_text="Mã 6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã khôi phục.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolCodeForm(SecondFactorCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Mã 6 chữ số trong ứng dụng"
        self.fields[
            "code"
        ].help_text = "Sau khi quét mã QR, nhập mã ứng dụng đang hiện để xác nhận."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ResetSecondFactorForm(UserFormMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do đặt lại",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: mất điện thoại, đổi máy mà không chuyển được ứng dụng. Lý do được ghi "
        "vào nhật ký hệ thống.",
    )


class ConfirmForm(UserFormMixin, forms.Form):
    """A POST with nothing to fill in (deactivate, revoke)."""


class ParameterForm(UserFormMixin, forms.Form):
    """A new dated value of a rule parameter (core.parameters.add_parameter)."""

    permission = "core.admin"

    key = forms.ChoiceField(label="Tham số")
    value = forms.CharField(
        label="Giá trị mới (JSON)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Cùng dạng với giá trị đang áp dụng: số (5), chữ ("abc"), danh sách ([1, 2]) '
        'hay bảng ({"a": 1}).',
    )
    valid_from = date_field("Hiệu lực từ ngày")
    organization = OrgChoiceField(
        label="Áp dụng cho tổ chức (và cấp dưới)",
        required=False,
        help_text="Để trống: cả hệ thống (chỉ quản trị cấp cao nhất).",
    )
    source = forms.CharField(label="Căn cứ (số, ngày văn bản)", max_length=255)

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, key) for key in keys]
