"""Forms for inspection screens. Org and member choices are limited centrally (UserFormMixin)
to the subtrees where the user holds the view's permission (inspections.change; the statistics
form inspections.view); the services do the rule checks."""

from datetime import datetime

from django import forms
from django.utils import timezone

from dangbo.core.forms import unscoped
from dangbo.inspections.models import (
    Body,
    Complaint,
    Document,
    Kind,
    Mode,
    OrgDisciplineForm,
)
from dangbo.members.choices import ACTIVE_STATUSES, DisciplineForm
from dangbo.members.models import Member
from dangbo.organizations.forms import UserFormMixin, date_field
from dangbo.organizations.models import Organization


def active_orgs():
    return Organization.objects.select_related("org_type").filter(is_active=True)


def active_members():
    return Member.objects.select_related("organization").filter(status__in=ACTIVE_STATUSES)


class OrgPicker(forms.TextInput):
    template_name = "inspections/widgets/picker.html"
    kind = "org"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["kind"] = self.kind
        return context


class MemberPicker(OrgPicker):
    kind = "member"


class ProgrammeForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy/đảng bộ", queryset=active_orgs(), widget=OrgPicker
    )
    body = forms.ChoiceField(label="Cơ quan thực hiện", choices=Body.choices)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên chương trình", max_length=255)
    approved_on = date_field("Ngày ban hành", today=True)
    decision_number = forms.CharField(label="Số văn bản", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PlanForm(UserFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices)
    mode = forms.ChoiceField(label="Hình thức", choices=Mode.choices)
    target_org = forms.ModelChoiceField(
        label="Tổ chức đảng được kiểm tra, giám sát",
        queryset=active_orgs(),
        widget=OrgPicker,
        required=False,
    )
    target_member = forms.ModelChoiceField(
        label="hoặc đảng viên được kiểm tra, giám sát",
        queryset=active_members(),
        widget=MemberPicker,
        required=False,
    )
    content = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 3}))
    planned_quarter = forms.TypedChoiceField(
        label="Quý", choices=[(q, f"Quý {q}") for q in (1, 2, 3, 4)], coerce=int
    )
    planned_start = date_field("Bắt đầu dự kiến")
    planned_end = date_field("Kết thúc dự kiến")
    team = forms.CharField(
        label="Đoàn, tổ kiểm tra (dự kiến)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = forms.CharField(label="Bộ phận chủ trì", max_length=255, required=False)


class StartForm(UserFormMixin, forms.Form):
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = date_field("Ngày quyết định", today=True)
    started_on = date_field("Ngày bắt đầu", today=True)
    team = forms.CharField(label="Thành phần đoàn", widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(UserFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=Document.Type.choices)
    number = forms.CharField(label="Số, ký hiệu", max_length=60, required=False)
    dated = date_field("Ngày", today=True)
    title = forms.CharField(label="Trích yếu", max_length=255)
    reference = forms.CharField(label="Nơi lưu, đường dẫn", max_length=255, required=False)


YES_NO = [("", "— chọn —"), ("yes", "Có vi phạm"), ("no", "Không có vi phạm")]


class ConcludeForm(UserFormMixin, forms.Form):
    concluded_on = date_field("Ngày kết luận", today=True)
    violations_found = forms.ChoiceField(label="Vi phạm", choices=YES_NO)
    conclusion = forms.CharField(label="Kết luận", widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label="Kiến nghị", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    remedies = forms.CharField(
        label="Yêu cầu khắc phục",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng: nội dung | người/tổ chức chịu trách nhiệm | hạn (dd/mm/yyyy).",
    )

    def clean_remedies(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["remedies"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    f"Dòng {number}: cần đủ 3 phần: nội dung | người chịu trách nhiệm | hạn."
                )
            try:
                due = datetime.strptime(parts[2], "%d/%m/%Y").date()
            except ValueError as exc:
                raise forms.ValidationError(
                    f"Dòng {number}: hạn «{parts[2]}» không đúng dạng dd/mm/yyyy."
                ) from exc
            rows.append((parts[0], parts[1], due))
        return rows

    def clean_violations_found(self):
        return {"yes": True, "no": False}.get(self.cleaned_data["violations_found"])


class RemedyForm(UserFormMixin, forms.Form):
    description = forms.CharField(
        label="Nội dung khắc phục", widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Người, tổ chức chịu trách nhiệm", max_length=255)
    due_on = date_field("Hạn hoàn thành")


class FollowUpForm(UserFormMixin, forms.Form):
    dated = date_field("Ngày", today=True)
    note = forms.CharField(label="Nội dung theo dõi", widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmRemedyForm(UserFormMixin, forms.Form):
    done_on = date_field("Ngày xác nhận hoàn thành", today=True)
    note = forms.CharField(label="Căn cứ xác nhận", max_length=255)


class CaseForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Tổ chức đảng có dấu hiệu vi phạm",
        queryset=active_orgs(),
        widget=OrgPicker,
        required=False,
    )
    member = forms.ModelChoiceField(
        label="hoặc đảng viên có dấu hiệu vi phạm",
        queryset=active_members(),
        widget=MemberPicker,
        required=False,
    )
    opened_on = date_field("Ngày quyết định kiểm tra", today=True)
    decision_number = forms.CharField(label="Số quyết định kiểm tra", max_length=60)
    authority = forms.CharField(label="Cơ quan kiểm tra", max_length=255)
    signs = forms.CharField(label="Dấu hiệu vi phạm", widget=forms.Textarea(attrs={"rows": 3}))


class CloseCaseForm(UserFormMixin, forms.Form):
    closed_on = date_field("Ngày kết luận", today=True)
    violation = forms.BooleanField(label="Có vi phạm (chưa đến mức kỷ luật)", required=False)
    conclusion = forms.CharField(label="Kết luận", widget=forms.Textarea(attrs={"rows": 3}))


class DisciplineDecisionForm(UserFormMixin, forms.Form):
    form = forms.ChoiceField(label="Hình thức kỷ luật", choices=DisciplineForm.choices)
    decided_on = date_field("Ngày quyết định", today=True)
    decision_number = forms.CharField(label="Số quyết định", max_length=60)
    authority_org = unscoped(
        forms.ModelChoiceField(
            label="Tổ chức đảng quyết định kỷ luật",
            queryset=Organization.objects.none(),
            help_text="Chi bộ, đảng ủy hoặc cấp ủy cấp trên; thẩm quyền theo hình thức được"
            " kiểm tra theo quy định.",
        ),
        "the deciding committee may lie above the recording user's reach; the choices are the"
        " case's own org and the orgs above it, set in __init__",
    )
    authority = forms.CharField(
        label="Cơ quan ra quyết định (nếu khác tên tổ chức)", max_length=255, required=False
    )
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(
        label="Kết luận vụ việc", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        for_org = case is not None and case.member_id is None
        if for_org:
            self.fields["form"].choices = OrgDisciplineForm.choices
        if case is not None:
            # the case's org and the orgs above it (an org is disciplined from above)
            org = case.organization
            paths = [org.path[:end] for end in range(org.steplen, len(org.path) + 1, org.steplen)]
            if for_org:
                paths = paths[:-1]
            self.fields["authority_org"].queryset = Organization.objects.filter(
                path__in=paths
            ).order_by("-depth")


class AppealForm(UserFormMixin, forms.Form):
    lodged_on = date_field("Ngày nhận khiếu nại", today=True)
    grounds = forms.CharField(label="Nội dung khiếu nại", widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(UserFormMixin, forms.Form):
    decided_on = date_field("Ngày giải quyết", today=True)
    upheld = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("no", "Không chấp nhận, giữ nguyên kỷ luật"), ("yes", "Chấp nhận, hủy kỷ luật")],
        coerce=lambda v: v == "yes",
    )
    decided_by = forms.CharField(label="Cấp giải quyết", max_length=255)
    note = forms.CharField(label="Nội dung giải quyết", widget=forms.Textarea(attrs={"rows": 2}))


class StatisticsForm(UserFormMixin, forms.Form):
    permission = "inspections.view"
    org = forms.ModelChoiceField(
        label="Tổ chức (để trống: toàn bộ phạm vi)",
        queryset=active_orgs(),
        widget=OrgPicker,
        required=False,
    )
    year_from = forms.IntegerField(label="Từ năm", min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label="Đến năm", min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            self.add_error("year_to", "Năm kết thúc không được trước năm bắt đầu.")
        return data


class ComplaintForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy tiếp nhận", queryset=active_orgs(), widget=OrgPicker
    )
    complaint_type = forms.ChoiceField(label="Loại đơn", choices=Complaint.Type.choices)
    received_on = date_field("Ngày nhận", today=True)
    sender = forms.CharField(label="Người gửi", max_length=255)
    concerning = forms.CharField(label="Đối tượng bị khiếu nại, tố cáo", max_length=255)
    content = forms.CharField(label="Nội dung đơn", widget=forms.Textarea(attrs={"rows": 3}))


class AssignComplaintForm(UserFormMixin, forms.Form):
    assigned_to = forms.CharField(label="Giao cho", max_length=255)
    assigned_on = date_field("Ngày giao", today=True)


class AnswerComplaintForm(UserFormMixin, forms.Form):
    answered_on = date_field("Ngày trả lời", today=True)
    answer = forms.CharField(label="Kết quả giải quyết", widget=forms.Textarea(attrs={"rows": 3}))
