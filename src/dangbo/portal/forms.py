"""Portal forms: large inputs for phones; officer forms for accounts and corrections."""

from django import forms
from django.db.models import Q

from dangbo.core.forms import CleanTextMixin, DateInput, UserFormMixin, date_field
from dangbo.core.permissions import top_orgs
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.portal.models import ReplyIntent
from dangbo.portal.services import CORRECTABLE_FIELDS
from dangbo.reviews import rules as review_rules
from dangbo.reviews.models import Grade


class PasswordForm(CleanTextMixin, forms.Form):
    old_password = forms.CharField(
        label="Mật khẩu được cấp (hiện tại)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="Mật khẩu mới",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Ít nhất 10 ký tự, không trùng thông tin cá nhân.",
    )
    new_password2 = forms.CharField(
        label="Nhập lại mật khẩu mới",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CorrectionForm(CleanTextMixin, forms.ModelForm):
    """The member's proposed values, starting from the current record."""

    explanation = forms.CharField(
        label="Lý do, căn cứ (giấy tờ kèm theo)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Member
        fields = CORRECTABLE_FIELDS
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ID number is not shown in full on a phone screen: empty means "unchanged".
        self.initial["id_number"] = ""
        self.fields["id_number"].required = False
        self.fields["id_number"].help_text = "Chỉ nhập khi cần sửa số định danh cá nhân."

    def _post_clean(self):
        # Validation of the new values is the officer's, at approval (members service):
        # don't let the ModelForm write to the instance or run unique checks here.
        pass

    def proposed(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in CORRECTABLE_FIELDS
            if name in self.changed_data and (name != "id_number" or self.cleaned_data.get(name))
        }


class ReplyForm(CleanTextMixin, forms.Form):
    intent = forms.ChoiceField(
        label="Đăng ký", choices=ReplyIntent.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Lý do xin vắng", max_length=255, required=False)

    def __init__(self, *args, online: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not online:
            self.fields["intent"].choices = [
                c for c in ReplyIntent.choices if c[0] != ReplyIntent.ONLINE
            ]


class TaskDoneForm(CleanTextMixin, forms.Form):
    done_on = date_field("Ngày hoàn thành")


class SelfAssessmentForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label="Bản tự kiểm điểm", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    grade = forms.ChoiceField(
        label="Tự xếp loại",
        choices=[(g, label) for g, label in Grade.choices if g in review_rules.GRADES],
    )


class DecisionForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("approve", "Chấp thuận, cập nhật hồ sơ"), ("reject", "Không chấp thuận")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Căn cứ / lý do", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class NewAccountForm(CleanTextMixin, forms.Form):
    email = forms.EmailField(label="Thư điện tử (để nhận thông báo)", required=False)


class BulkAccountsForm(UserFormMixin, forms.Form):
    """An org where the user holds members.change (restricted by UserFormMixin)."""

    permission = "members.change"
    organization = forms.ModelChoiceField(
        label="Tổ chức (cả cây trực thuộc)", queryset=Organization.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Committees (đảng bộ) in reach, and cells the user holds directly (a cell secretary):
        # not every cell of a province in one list.
        direct = top_orgs(self.user, "members.change").values("pk")
        self.fields["organization"].queryset = (
            Organization.objects.filter(is_active=True)
            .filter(Q(org_type__holds_members=False) | Q(pk__in=direct))
            .order_by("path")
        )
