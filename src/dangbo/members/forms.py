from django import forms
from django.utils import timezone

from dangbo.core.exports import IdentityMask
from dangbo.core.text import mask_id_number
from dangbo.members.choices import Status
from dangbo.members.models import Member
from dangbo.members.services import IDENTITY_FIELDS
from dangbo.organizations.forms import DateInput, UserFormMixin
from dangbo.organizations.models import Organization

DATE_FIELDS = ("birth_date", "admitted_on", "ceremony_on", "official_on")
DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class MemberForm(UserFormMixin, forms.ModelForm):
    """Identity fields; the service does the checks (uniqueness, date order) and the history.

    Correcting a member whose ID number the user sees masked (no members.view_identity on the
    member's org): the field comes empty — the page never carries the number — and an empty
    field keeps the stored number; typing a full new number corrects it (the user holds
    members.change there). Such a user cannot clear the number."""

    organization = forms.ModelChoiceField(
        label="Chi bộ",
        queryset=Organization.objects.filter(is_active=True, org_type__holds_members=True),
    )  # restricted to where the user holds members.change (UserFormMixin)
    reason = forms.CharField(label="Lý do đính chính / căn cứ", max_length=255, required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = ["organization", *IDENTITY_FIELDS]
        widgets = {name: DateInput() for name in DATE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATE_FIELDS:
            self.fields[name].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.keeps_id_number = False
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["reason"].required = True
            self.fields["version"].initial = self.instance.version
            if not IdentityMask(self.user).shows(self.instance.org_path):
                self._hide_id_number()

    def _hide_id_number(self) -> None:
        self.keeps_id_number = True
        self.initial["id_number"] = ""
        field = self.fields["id_number"]
        field.required = False
        if self.instance.id_number:
            field.widget.attrs["placeholder"] = mask_id_number(self.instance.id_number)
        field.help_text = "Để trống để giữ số hiện tại; nhập đủ 12 chữ số nếu cần đính chính."

    def clean_id_number(self):
        number = (self.cleaned_data.get("id_number") or "").strip()
        if self.keeps_id_number and not number:
            return self.instance.id_number  # unchanged: the stored number stays
        return number or None

    def validate_unique(self):
        """Uniqueness is checked by the service, with its own Vietnamese message."""


class StatusChangeForm(UserFormMixin, forms.Form):
    new_status = forms.ChoiceField(
        label="Trạng thái mới", choices=[c for c in Status.choices if c[0] != Status.MERGED]
    )
    on = forms.DateField(label="Ngày hiệu lực", widget=DateInput())
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    reason = forms.CharField(label="Lý do", max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class LeaveForm(UserFormMixin, forms.Form):
    new_status = forms.ChoiceField(
        label="Hình thức",
        choices=[
            (s.value, s.label)
            for s in (Status.DELETED, Status.EXPELLED, Status.RESIGNED, Status.DECEASED)
        ],
    )
    on = forms.DateField(label="Ngày hiệu lực", widget=DateInput(), input_formats=DATE_INPUTS)
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    reason = forms.CharField(label="Lý do", max_length=500)
    serious = forms.BooleanField(
        label="Khai trừ vì vi phạm nghiêm trọng (không được kết nạp lại)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReadmitForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Chi bộ",
        queryset=Organization.objects.filter(is_active=True, org_type__holds_members=True),
    )  # restricted to where the user holds members.change (UserFormMixin)
    on = forms.DateField(
        label="Ngày quyết định kết nạp lại", widget=DateInput(), input_formats=DATE_INPUTS
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    reason = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
