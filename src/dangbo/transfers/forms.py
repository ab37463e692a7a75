"""Forms of the transfer screens."""

from django import forms
from django.utils import timezone

from dangbo.core.forms import unscoped
from dangbo.members.choices import ETHNICITY_CHOICES, Gender
from dangbo.organizations.forms import UserFormMixin, date_field
from dangbo.organizations.models import Organization
from dangbo.transfers.rules import Kind


class CellPickerWidget(forms.TextInput):
    """Search any active cell in the system by unaccented name (the receiving side)."""

    template_name = "transfers/widgets/cell_picker.html"


class CellField(forms.ModelChoiceField):
    widget = CellPickerWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset", Organization.objects.filter(is_active=True, org_type__holds_members=True)
        )
        super().__init__(*args, **kwargs)
        unscoped(self, "the receiving cell may lie anywhere; cell names are not personal data")


class IssueForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Loại",
        choices=[c for c in Kind.CHOICES if c[0] != Kind.IN],
        initial=Kind.OFFICIAL,
    )
    to_org = CellField(label="Chi bộ nơi đến (trong hệ thống)", required=False)
    external_org = forms.CharField(
        label="Nơi đến ngoài hệ thống (khi chuyển ra ngoài)", max_length=255, required=False
    )
    on = date_field("Ngày giới thiệu / bắt đầu")
    ends_on = date_field("Sinh hoạt tạm thời đến ngày", required=False)
    for_study = forms.BooleanField(label="Sinh hoạt tạm thời để đi học", required=False)
    paper_number = forms.CharField(label="Số giấy giới thiệu", max_length=60)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ActForm(UserFormMixin, forms.Form):
    on = date_field("Ngày")
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class TransferInForm(UserFormMixin, forms.Form):
    to_org = forms.ModelChoiceField(
        label="Chi bộ tiếp nhận",
        queryset=Organization.objects.filter(is_active=True, org_type__holds_members=True),
    )
    external_org = forms.CharField(label="Nơi đi (ngoài hệ thống)", max_length=255)
    paper_number = forms.CharField(label="Số giấy giới thiệu", max_length=60)
    on = date_field("Ngày tiếp nhận")
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = date_field("Ngày sinh")
    ethnicity = forms.ChoiceField(label="Dân tộc", choices=ETHNICITY_CHOICES, initial="Kinh")
    id_number = forms.CharField(label="Số định danh cá nhân", max_length=12, required=False)
    admitted_on = date_field("Ngày vào Đảng")
    official_on = date_field("Ngày chính thức", required=False)
