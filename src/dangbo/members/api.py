import django_filters
from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.core.permissions import has_permission
from dangbo.core.text import mask_id_number
from dangbo.members.filters import MemberFilter
from dangbo.members.models import Member


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "gender",
            "birth_date",
            "ethnicity",
            "religion",
            "id_number",
            "education",
            "qualification",
            "theory_level",
            "occupation",
            "admitted_on",
            "official_on",
            "status",
            "status_since",
            "organization",
            "organization_name",
        ]

    def get_id_number(self, obj) -> str:
        user = self.context["request"].user
        if has_permission(user, "members.view_identity", obj.org_path):
            return obj.id_number or ""
        return mask_id_number(obj.id_number)


class MemberApiFilter(MemberFilter):
    org = django_filters.NumberFilter(label="Thuộc tổ chức (mã số)", method="filter_org")


class MemberViewSet(RestrictedReadOnlyViewSet):
    """Members reachable by the user; ID numbers masked unless the role needs them."""

    queryset = Member.objects.select_related("organization")
    serializer_class = MemberSerializer
    filterset_class = MemberApiFilter
    ordering_fields = ["name_search", "birth_date", "admitted_on"]


ROUTES = [("members", MemberViewSet, "member")]
