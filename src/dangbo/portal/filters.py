import django_filters

from dangbo.portal.models import CorrectionRequest, CorrectionStatus, MemberAccount


class AccountFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        label="Họ tên", field_name="member__full_name", lookup_expr="icontains"
    )
    must_change_password = django_filters.BooleanFilter(label="Chưa đổi mật khẩu ban đầu")

    class Meta:
        model = MemberAccount
        fields = ["name", "must_change_password"]


class CorrectionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=CorrectionStatus.choices)

    class Meta:
        model = CorrectionRequest
        fields = ["status"]
