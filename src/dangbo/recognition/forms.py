"""Forms of the badge and commendation screens. The rows a form may name are those under the
screen's org within the user's reach (UserFormMixin); the services check the rules."""

from django import forms
from django.db.models import Q

from dangbo.core.forms import scoped
from dangbo.members.models import Member
from dangbo.organizations.forms import DateInput, RestrictedOrgField, UserFormMixin, date_field
from dangbo.organizations.models import Organization
from dangbo.recognition.models import BadgeAward, Commendation, CommendationProposal


class CommendationForm(UserFormMixin, forms.ModelForm):
    decided_on = forms.DateField(
        label="Ngày quyết định", widget=DateInput(), input_formats=["%d/%m/%Y"]
    )

    class Meta:
        model = Commendation
        fields = ["form", "year", "issuer", "decision_number", "decided_on", "reason"]


class OrgCommendationForm(CommendationForm):
    organization = RestrictedOrgField(
        label="Tổ chức đảng được khen thưởng", queryset=Organization.objects.all()
    )  # restricted to where the user holds recognition.change (UserFormMixin)

    class Meta(CommendationForm.Meta):
        fields = ["organization", *CommendationForm.Meta.fields]


class ProposeBadgesForm(UserFormMixin, forms.Form):
    """Members under the org proposed for a badge on the award day (ticked in the list)."""

    permission = "recognition.change"

    members = scoped(
        forms.ModelMultipleChoiceField(
            label="Đảng viên được đề nghị",
            queryset=Member.objects.none(),
            error_messages={"required": "Chọn ít nhất một đảng viên."},
        ),
        "members.view",
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.filter(org_path__startswith=org.path)


class DecideBadgesForm(UserFormMixin, forms.Form):
    """The deciding level approves (with its decision) or rejects proposed badges."""

    permission = "recognition.approve"

    awards = forms.ModelMultipleChoiceField(
        label="Đề nghị được quyết định",
        queryset=BadgeAward.objects.none(),
        error_messages={"required": "Chọn ít nhất một đề nghị."},
    )
    verdict = forms.ChoiceField(
        label="Quyết định",
        choices=[("approve", "Quyết định tặng"), ("reject", "Không chấp thuận")],
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decided_on = date_field("Ngày quyết định")

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["awards"].queryset = BadgeAward.objects.filter(
            member__org_path__startswith=org.path
        )


class StreakDecisionForm(UserFormMixin, forms.Form):
    """An officer records the commendation decided for proposals, or dismisses them with the
    reason."""

    permission = "recognition.change"

    proposals = forms.ModelMultipleChoiceField(
        label="Đề xuất được xem xét",
        queryset=CommendationProposal.objects.none(),
        error_messages={"required": "Chọn ít nhất một đề xuất."},
    )
    verdict = forms.ChoiceField(
        label="Quyết định",
        choices=[("confirm", "Ghi nhận khen thưởng"), ("dismiss", "Không đề nghị")],
    )
    decision_number = forms.CharField(
        label="Số quyết định khen thưởng", max_length=60, required=False
    )
    decided_on = date_field("Ngày quyết định", required=False)
    issuer = forms.CharField(label="Cấp khen", max_length=255, required=False)
    note = forms.CharField(label="Lý do không đề nghị", max_length=255, required=False)

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = CommendationProposal.objects.filter(
            Q(member__org_path__startswith=org.path) | Q(organization__path__startswith=org.path)
        )

    def clean(self):
        data = super().clean()
        confirming = data.get("verdict") == "confirm"
        if confirming and "decided_on" not in self.errors and not data.get("decided_on"):
            self.add_error("decided_on", "Cần nhập ngày quyết định khen thưởng.")
        return data
