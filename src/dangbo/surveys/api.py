"""Read API for survey campaigns and their aggregated results (never individual responses)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.core.params import get_int
from dangbo.surveys import queries, rules, services
from dangbo.surveys.filters import CampaignFilter
from dangbo.surveys.models import Campaign, SampledOrg


class SampledOrgSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = SampledOrg
        fields = [
            "id",
            "organization",
            "organization_name",
            "org_type",
            "selection",
            "member_count",
            "last_grade",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    sample = SampledOrgSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(
        source="phase",
        choices=list(rules.PHASE_LABELS.items()),
        read_only=True,
        help_text="Tình trạng hôm nay: một đợt đã quá ngày kết thúc không còn «đang khảo sát».",
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "purpose",
            "starts_on",
            "ends_on",
            "document",
            "programme",
            "anonymous",
            "status",
            "sample_seed",
            "sample_criteria",
            "sample",
        ]


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    shares = serializers.ListField(child=serializers.FloatField(allow_null=True))


class QuestionResultSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="question.position")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    respondents = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    hidden = serializers.ListField(
        child=serializers.BooleanField(),
        help_text="Theo cột: ẩn vì dưới ngưỡng số người trả lời (số liệu là null).",
    )
    rows = RowSerializer(many=True)
    averages = serializers.ListField(child=serializers.FloatField(allow_null=True))
    verdict = serializers.CharField(allow_null=True)


class ResultsSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="version.number")
    responses = serializers.IntegerField()
    min_respondents = serializers.IntegerField(
        help_text="Ngưỡng ẩn danh: cột có ít người trả lời hơn không hiển thị số liệu."
    )
    columns = serializers.SerializerMethodField()
    questions = QuestionResultSerializer(many=True)

    def get_columns(self, obj) -> list[str]:
        return [c.label for c in obj.columns]


class CampaignViewSet(RestrictedReadOnlyViewSet):
    """Survey campaigns of the committees in the caller's reach, with their sample."""

    personal_data = False  # org-level data: reads are not logged

    queryset = Campaign.objects.select_related("organization").prefetch_related(
        "sample__organization"
    )
    serializer_class = CampaignSerializer
    read_actions = {"list", "retrieve", "metadata", "results"}
    filterset_class = CampaignFilter
    ordering_fields = ["starts_on", "title", "id"]

    @extend_schema(
        responses=ResultsSerializer,
        parameters=[OpenApiParameter("version", int, description="số phiên bản phiếu")],
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Counts, shares and averages per question × respondent group × org type (the
        latest published version unless `version` names one). Free text is not included."""
        campaign = self.get_object()
        versions = campaign.versions.filter(published_at__isnull=False).order_by("-number")
        wanted = get_int(request, "version", minimum=1, maximum=99_999)
        version = versions.filter(number=wanted).first() if wanted is not None else None
        version = version or versions.first()
        if version is None:
            return ApiResponse({"version": ["Chưa có phiếu phát hành."]}, status=404)
        result = queries.results(version, thresholds=services.thresholds(campaign), text_limit=0)
        return ApiResponse(ResultsSerializer(result).data)


ROUTES = [("survey-campaigns", CampaignViewSet, "surveycampaign")]
