"""Forms of the admission screens: open a file, one form per step, extension, targets."""

from django import forms
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone

from dangbo.admissions.models import AdmissionFile, AdmissionTermTarget
from dangbo.admissions.rules import Stage
from dangbo.core.forms import unscoped
from dangbo.members.models import Member
from dangbo.organizations.forms import RestrictedOrgField, UserFormMixin, date_field
from dangbo.organizations.models import Organization, label_of


class OpenFileForm(UserFormMixin, forms.ModelForm):
    organization = forms.ModelChoiceField(
        label="Chi bộ",
        queryset=Organization.objects.filter(is_active=True, org_type__holds_members=True),
    )
    identified_on = date_field("Ngày xác định là quần chúng ưu tú")
    birth_date = date_field("Ngày sinh")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    class Meta:
        model = AdmissionFile
        fields = [
            "organization",
            "full_name",
            "gender",
            "birth_date",
            "place_of_origin",
            "ethnicity",
            "religion",
            "id_number",
            "occupation",
            "workplace",
            "identified_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identified_on"].initial = timezone.localdate()

    def validate_unique(self):
        """Checked by the service."""


class StepForm(UserFormMixin, forms.Form):
    """Common fields of a step: its date, the paper, a note and a documented exception."""

    date_label = "Ngày"
    needs_decision = False
    needs_note = False
    date = date_field("Ngày")
    decision_number = forms.CharField(label="Số văn bản/quyết định", max_length=60, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)
    exception = forms.CharField(
        label="Căn cứ ngoại lệ (nếu được cấp có thẩm quyền cho phép)",
        max_length=500,
        required=False,
    )

    def __init__(self, *args, file=None, **kwargs):
        self.file = file
        super().__init__(*args, **kwargs)
        self.fields["date"].label = self.date_label
        self.fields["date"].initial = timezone.localdate()
        self.fields["decision_number"].required = self.needs_decision
        self.fields["note"].required = self.needs_note
        # Keep the common fields at the end.
        for name in ("decision_number", "note", "exception"):
            self.fields[name] = self.fields.pop(name)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["on"] = data.pop("date")
        return data


class CourseForm(StepForm):
    date_label = (
        "Ngày ghi nhận (là ngày cấp giấy chứng nhận nếu giấy chứng nhận không có trong sổ đào tạo)"
    )
    certificate_number = forms.CharField(
        label="Số giấy chứng nhận",
        max_length=60,
        required=False,
        help_text="Để trống nếu giấy chứng nhận đã có trong sổ đào tạo (tra theo số định danh "
        "hoặc họ tên và ngày sinh).",
    )


class ApplicationForm(StepForm):
    date_label = "Ngày nộp đơn và lý lịch"
    history_number = forms.CharField(label="Số lý lịch", max_length=30, required=False)


class IntroducersForm(StepForm):
    date_label = "Ngày giới thiệu"
    introducer_1 = forms.ModelChoiceField(
        label="Người giới thiệu thứ nhất", queryset=Member.objects.none(), required=False
    )
    since_1 = date_field("Công tác cùng người vào Đảng từ ngày", required=False)
    introducer_2 = forms.ModelChoiceField(
        label="Người giới thiệu thứ hai", queryset=Member.objects.none(), required=False
    )
    since_2 = date_field("Công tác cùng người vào Đảng từ ngày ", required=False)
    youth_union_resolution = forms.CharField(
        label="Nghị quyết giới thiệu của Đoàn thanh niên (số, ngày) — thay một người",
        max_length=120,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.file.organization
        scope = org if org.org_type.is_grassroots else Organization.objects.get_parent(org)
        members = Member.objects.active().filter(org_path__startswith=scope.path)
        for name in ("introducer_1", "introducer_2"):
            self.fields[name].queryset = members
            # the file's grassroots org may lie above the cell where the user acts
            unscoped(self.fields[name], "introducers come from the file's grassroots org")

    def service_data(self) -> dict:
        data = super().service_data()
        data["introducers"] = [
            (data.pop("introducer_1"), data.pop("since_1")),
            (data.pop("introducer_2"), data.pop("since_2")),
        ]
        return data


class VerificationForm(StepForm):
    date_label = "Ngày kết luận thẩm tra lý lịch"
    result = forms.CharField(label="Kết luận thẩm tra", max_length=255)


class VoteForm(StepForm):
    votes_for = forms.IntegerField(label="Số tán thành", min_value=0)
    eligible = forms.IntegerField(label="Số thành viên có quyền biểu quyết", min_value=1)


class CellVoteForm(VoteForm):
    date_label = "Ngày chi bộ họp xét"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible"].label = "Số đảng viên chính thức của chi bộ"
        self.fields["eligible"].initial = Member.objects.filter(
            organization=self.file.organization, status="official"
        ).count()


class CommitteeVoteForm(VoteForm):
    date_label = "Ngày đảng ủy cơ sở họp xét"


class ReceivedForm(StepForm):
    date_label = "Ngày cấp ủy có thẩm quyền nhận đủ hồ sơ"
    authority = forms.CharField(label="Cấp ủy có thẩm quyền", max_length=255, required=False)


class DecisionForm(VoteForm):
    date_label = "Ngày quyết định kết nạp"
    needs_decision = True


class CeremonyForm(StepForm):
    date_label = "Ngày tổ chức lễ kết nạp"


class RecognitionForm(StepForm):
    date_label = "Ngày chi bộ xét công nhận chính thức"
    needs_decision = True


class NotRecognisedForm(StepForm):
    date_label = "Ngày quyết định không công nhận"
    needs_decision = True
    needs_note = True


class CloseForm(StepForm):
    date_label = "Ngày dừng xem xét"
    needs_note = True


STEP_FORMS = {
    Stage.COURSE: CourseForm,
    Stage.APPLICATION: ApplicationForm,
    Stage.INTRODUCED: IntroducersForm,
    Stage.VERIFIED: VerificationForm,
    Stage.CELL_VOTED: CellVoteForm,
    Stage.COMMITTEE_VOTED: CommitteeVoteForm,
    Stage.RECEIVED: ReceivedForm,
    Stage.DECIDED: DecisionForm,
    Stage.CEREMONY: CeremonyForm,
    Stage.RECOGNISED: RecognitionForm,
    Stage.NOT_RECOGNISED: NotRecognisedForm,
    Stage.CLOSED: CloseForm,
}


class ExtendForm(UserFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do gia hạn", max_length=255)


class WithdrawStepForm(UserFormMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do hủy (ghi nhầm điều gì)",
        max_length=500,
        help_text="Bước bị hủy vẫn được giữ trong hồ sơ, kèm lý do, người và thời điểm hủy.",
    )


class TargetForm(UserFormMixin, forms.Form):
    organization = RestrictedOrgField(label="Tổ chức (đảng bộ)")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    target = forms.IntegerField(label="Chỉ tiêu kết nạp", min_value=0)
    note = forms.CharField(label="Căn cứ", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


def _terms_with_org_labels():
    """committees.Term rows (through the target's relation: apps do not import each other)
    with their org's parent name, so same-named orgs are told apart without N+1."""
    path = OuterRef("organization__path")
    parent = Organization.objects.order_by().filter(
        path=Substr(path, 1, Length(path) - Organization.steplen)
    )
    return (
        AdmissionTermTarget._meta.get_field("term")
        .related_model.objects.select_related("organization")
        .annotate(org_parent_name=Subquery(parent.values("name")[:1]))
        .order_by("organization__path", "-starts_on")
    )


class TermChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, term) -> str:
        org = label_of(term.organization.name, getattr(term, "org_parent_name", None))
        return f"{term} ({term.starts_on:%d/%m/%Y} – {term.ends_on:%d/%m/%Y}) — {org}"


class TermTargetForm(UserFormMixin, forms.Form):
    """The congress's admission target for a term of office (chỉ tiêu Đại hội)."""

    organization = RestrictedOrgField(label="Tổ chức (đảng bộ)")
    term = TermChoiceField(label="Nhiệm kỳ", queryset=_terms_with_org_labels())
    target = forms.IntegerField(label="Chỉ tiêu kết nạp trong nhiệm kỳ", min_value=0)
    note = forms.CharField(label="Căn cứ (nghị quyết Đại hội)", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org_id = self.initial.get("organization")
        if org_id is not None:  # from the targets page: that org's terms only
            self.fields["term"].queryset = self.fields["term"].queryset.filter(
                organization_id=org_id
            )  # restricted centrally on first use, like every choice field

    def clean(self):
        data = super().clean()
        term, org = data.get("term"), data.get("organization")
        if term is not None and org is not None and term.organization_id != org.pk:
            self.add_error("term", "Nhiệm kỳ không thuộc tổ chức đã chọn.")
        return data
