"""Forms of the committee screens. Orgs and members are chosen with pickers limited to where
the user holds the permission; the services check the rules."""

from django import forms
from django.utils import timezone

from dangbo.committees.models import (
    AgencyCategory,
    Body,
    ChangeKind,
    CommentKind,
    Opinion,
    PartyPost,
    ResidenceAssessment,
)
from dangbo.core.forms import scoped, unscoped
from dangbo.core.params import parse_id
from dangbo.core.text import normalize
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.forms import UserFormMixin, date_field
from dangbo.organizations.models import Organization, OrgType


def active_orgs(cells=False):
    qs = Organization.objects.select_related("org_type").filter(is_active=True)
    return qs.filter(org_type__holds_members=True) if cells else qs


def active_members():
    return Member.objects.select_related("organization").filter(status__in=ACTIVE_STATUSES)


class Picker(forms.TextInput):
    """An id field with a search box (HTMX) for orgs or members."""

    template_name = "committees/widgets/picker.html"

    def __init__(self, kind="org", params=None):
        super().__init__()
        self.kind = kind
        self.params = params or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context.update(kind=self.kind, params=self.params)
        return context


class CongressForm(UserFormMixin, forms.Form):
    term_name = forms.CharField(label="Nhiệm kỳ", max_length=60, help_text="Ví dụ: 2025–2030")
    number = forms.IntegerField(label="Đại hội lần thứ", min_value=1, required=False)
    held_on = date_field("Ngày đại hội")
    ends_on = date_field("Kết thúc nhiệm kỳ (để trống: theo quy định)", required=False)
    delegates_summoned = forms.IntegerField(label="Số đại biểu được triệu tập", min_value=1)
    delegates_present = forms.IntegerField(label="Số đại biểu có mặt", min_value=0)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea({"rows": 2}))


class ElectionForm(UserFormMixin, forms.Form):
    body = forms.ChoiceField(label="Bầu", choices=Body.choices)
    held_on = date_field("Ngày bầu")
    seats = forms.IntegerField(label="Số lượng cần bầu", min_value=1)
    voters = forms.IntegerField(label="Số phiếu hợp lệ", min_value=1)
    results = forms.CharField(
        label="Kết quả (mỗi dòng: họ và tên | số phiếu)",
        widget=forms.Textarea({"rows": 8}),
        help_text="Trùng tên: ghi #mã đảng viên thay cho họ tên, ví dụ «#123 | 45».",
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_results(self):
        """Lines 'name | votes' → [(member, votes)], names matched within the org."""
        parsed = []
        candidates = Member.objects.filter(
            org_path__startswith=self.organization.path, status__in=ACTIVE_STATUSES
        )
        for n, line in enumerate(self.cleaned_data["results"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, votes = line.rpartition("|")
            if not sep:
                raise forms.ValidationError(f"Dòng {n}: ghi «họ và tên | số phiếu».")
            try:
                votes = int(votes.strip())
            except ValueError as exc:
                raise forms.ValidationError(f"Dòng {n}: số phiếu không hợp lệ.") from exc
            name = name.strip()
            pk = _member_ref(name)
            if pk is not None:
                matches = list(candidates.filter(pk=pk))
            else:
                matches = list(candidates.filter(name_search=normalize(name)))
            if not matches:
                raise forms.ValidationError(
                    f"Dòng {n}: không tìm thấy đảng viên «{name}» trong {self.organization.name}."
                )
            if len(matches) > 1:
                ids = ", ".join(f"#{m.pk}" for m in matches)
                raise forms.ValidationError(
                    f"Dòng {n}: có {len(matches)} đảng viên tên «{name}» ({ids}); ghi mã."
                )
            parsed.append((matches[0], votes))
        if not parsed:
            raise forms.ValidationError("Chưa có người ứng cử nào.")
        return parsed


class ChangeForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại thay đổi", choices=ChangeKind.choices)
    member = scoped(
        forms.ModelChoiceField(
            label="Đảng viên", queryset=active_members(), widget=Picker("member")
        ),
        "committees.view",
    )
    post = forms.ChoiceField(label="Chức vụ", choices=PartyPost.choices)
    on = date_field("Ngày hiệu lực", today=True)
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    votes = forms.IntegerField(label="Số phiếu bầu (bầu bổ sung)", min_value=0, required=False)
    voters = forms.IntegerField(label="Số phiếu hợp lệ (bầu bổ sung)", min_value=1, required=False)
    reason = forms.CharField(label="Lý do, ghi chú", max_length=500, required=False)


class AgencyPositionForm(UserFormMixin, forms.Form):
    category = forms.ChoiceField(label="Khối", choices=AgencyCategory.choices)
    title = forms.CharField(label="Chức vụ", max_length=160)
    agency = forms.CharField(label="Cơ quan, đơn vị", max_length=255)
    valid_from = date_field("Từ ngày")
    valid_to = date_field("Đến trước ngày (để trống: đang giữ)", required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)


class EndForm(UserFormMixin, forms.Form):
    valid_to = date_field("Ngày thôi giữ chức vụ", today=True)


class ScopeForm(UserFormMixin, forms.Form):
    party_post = forms.ChoiceField(
        label="Chức vụ Đảng", choices=[("", "—"), *PartyPost.choices], required=False
    )
    org_type = forms.ModelChoiceField(
        label="Ở loại tổ chức", queryset=OrgType.objects.all(), required=False
    )
    agency_category = forms.ChoiceField(
        label="Hoặc khối chính quyền, đoàn thể",
        choices=[("", "—"), *AgencyCategory.choices],
        required=False,
    )
    title_contains = forms.CharField(label="Chức vụ có chứa", max_length=120, required=False)
    valid_from = date_field("Áp dụng từ", today=True)
    note = forms.CharField(label="Căn cứ", max_length=255, required=False)


class PlannedPostForm(UserFormMixin, forms.Form):
    title = forms.CharField(label="Chức danh quy hoạch", max_length=160)
    order = forms.IntegerField(label="Thứ tự", min_value=0, initial=0, required=False)


class CandidateForm(UserFormMixin, forms.Form):
    member = scoped(
        forms.ModelChoiceField(
            label="Đảng viên", queryset=active_members(), widget=Picker("member")
        ),
        "committees.view",
    )
    added_on = date_field("Ngày đưa vào quy hoạch", today=True)
    reason = forms.CharField(label="Căn cứ, lý do", max_length=500, required=False)


class RemoveForm(UserFormMixin, forms.Form):
    removed_on = date_field("Ngày đưa ra khỏi quy hoạch", today=True)
    reason = forms.CharField(label="Lý do đưa ra", max_length=500)


class AppointmentForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy nhận xét", queryset=active_orgs(), widget=Picker("org")
    )
    member = forms.ModelChoiceField(
        label="Đảng viên", queryset=active_members(), widget=Picker("member")
    )
    kind = forms.ChoiceField(label="Đề nghị", choices=CommentKind.choices)
    post = forms.CharField(label="Chức vụ dự kiến", max_length=160)
    requesting_agency = forms.CharField(label="Cơ quan đề nghị", max_length=255)
    requested_on = date_field("Ngày nhận đề nghị", today=True)
    due_on = date_field("Hạn trả lời (để trống: theo quy định)", required=False)


class AppointmentResponseForm(UserFormMixin, forms.Form):
    responded_on = date_field("Ngày nhận xét", today=True)
    opinion = forms.ChoiceField(label="Ý kiến", choices=Opinion.choices)
    content = forms.CharField(label="Nội dung nhận xét", widget=forms.Textarea({"rows": 5}))


class ResidenceForm(UserFormMixin, forms.Form):
    member = forms.ModelChoiceField(
        label="Đảng viên", queryset=active_members(), widget=Picker("member")
    )
    residence_org = unscoped(
        forms.ModelChoiceField(
            label="Chi bộ nơi cư trú",
            queryset=active_orgs(cells=True),
            widget=Picker("org", {"cells": "1", "scope": "all"}),
        ),
        "the residence cell may lie anywhere in the system (the tie crosses subtrees)",
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    requested_on = date_field("Ngày gửi đề nghị", today=True)
    due_on = date_field("Hạn trả lời (để trống: theo quy định)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ResidenceResponseForm(UserFormMixin, forms.Form):
    responded_on = date_field("Ngày nhận xét", today=True)
    assessment = forms.ChoiceField(label="Đánh giá", choices=ResidenceAssessment.choices)
    content = forms.CharField(label="Nội dung nhận xét", widget=forms.Textarea({"rows": 5}))


def _member_ref(name: str) -> int | None:
    """The id of a member written as «#123», else None (the text is a name)."""
    try:
        return parse_id(name[1:]) if name.startswith("#") else None
    except ValueError:
        return None
