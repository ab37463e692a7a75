from django import forms
from django.utils import timezone

from dangbo.dues.models import IncomeBasis
from dangbo.organizations.forms import DateInput, UserFormMixin


class IncomeBasisForm(UserFormMixin, forms.ModelForm):
    valid_from = forms.DateField(
        label="Áp dụng từ (ngày trong tháng)", widget=DateInput(), input_formats=["%d/%m/%Y"]
    )

    class Meta:
        model = IncomeBasis
        fields = ["valid_from", "income_type", "amount", "region", "wage_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate().replace(day=1)

    def validate_unique(self):
        """A second basis for the same month replaces the first (service decides)."""


class PaymentForm(UserFormMixin, forms.Form):
    paid_on = forms.DateField(label="Ngày đóng", widget=DateInput(), input_formats=["%d/%m/%Y"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
