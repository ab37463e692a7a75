"""Review API: open a year, enter a cell's scores, check the quota, confirm, read the shares."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.core.api import RestrictedViewSetMixin
from dangbo.core.errors import DomainError
from dangbo.core.permissions import has_permission
from dangbo.reviews import rules, services
from dangbo.reviews.models import Absence, Grade, MemberReview, OrgReview, ReviewYear
from dangbo.reviews.services import ScoreRow


class ReviewYearSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = ReviewYear
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "reference_date",
            "state",
            "member_criteria",
            "org_criteria",
            "closed_at",
        ]
        read_only_fields = ["state", "member_criteria", "org_criteria", "closed_at"]
        extra_kwargs = {"reference_date": {"required": False}}


class MemberReviewSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    year = serializers.IntegerField(source="review_year.year", read_only=True)

    class Meta:
        model = MemberReview
        fields = [
            "id",
            "review_year",
            "year",
            "member",
            "member_name",
            "organization",
            "exemption",
            "self_grade",
            "scores",
            "general_score",
            "task_score",
            "total_score",
            "all_tasks_done",
            "exceed_percent",
            "discipline_cap",
            "proposed_grade",
            "cell_grade",
            "committee_grade",
            "appeal",
            "final_grade",
        ]


class OrgReviewSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    year = serializers.IntegerField(source="review_year.year", read_only=True)

    class Meta:
        model = OrgReview
        fields = [
            "id",
            "review_year",
            "year",
            "organization",
            "organization_name",
            "is_classified",
            "scores",
            "total_score",
            "proposed_grade",
            "self_grade",
            "committee_grade",
            "final_grade",
        ]


class ScoreRowSerializer(serializers.Serializer):
    review = serializers.IntegerField(help_text="id of the member review")
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=1))
    all_tasks_done = serializers.BooleanField(default=False)
    exceed_percent = serializers.DecimalField(max_digits=6, decimal_places=1, default=0)
    cell_grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True)


class EntrySerializer(serializers.Serializer):
    rows = ScoreRowSerializer(many=True)


class ConfirmSerializer(serializers.Serializer):
    grades = serializers.DictField(
        child=serializers.ChoiceField(choices=Grade.choices),
        required=False,
        help_text="member review id → committee grade (when it differs from the cell's)",
    )
    outstanding = serializers.BooleanField(default=False)
    exception_note = serializers.CharField(required=False, allow_blank=True, default="")
    exception_document = serializers.CharField(required=False, allow_blank=True, default="")


class QuotaSerializer(serializers.Serializer):
    excellent = serializers.IntegerField()
    good = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    limit = serializers.IntegerField()
    excess = serializers.IntegerField()
    holds = serializers.BooleanField()
    over = serializers.ListField(child=serializers.IntegerField())
    pending = serializers.IntegerField()


def _quota_data(panel) -> dict:
    check = panel.check
    return {
        "excellent": check.excellent,
        "good": check.good,
        "percent": check.percent,
        "limit": check.limit,
        "excess": check.excess,
        "holds": check.holds,
        "over": sorted(panel.over),
        "pending": len(panel.pending),
    }


class ReviewYearViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Review years opened at an org the user reaches. POST opens a year (reviews.manage)."""

    personal_data = False  # org-level data: reads are not logged

    queryset = ReviewYear.objects.select_related("organization")
    serializer_class = ReviewYearSerializer
    filterset_fields = ["year", "state", "organization"]

    def permission_action(self) -> str:
        if self.action in ("create", "close"):
            return "manage"
        return super().permission_action()

    def perform_create(self, serializer):
        org = serializer.validated_data["organization"]
        if not has_permission(self.request.user, "reviews.manage", org.path):
            raise DomainError("Không có quyền mở đợt đánh giá cho tổ chức này.", "organization")
        serializer.instance = services.open_year(
            organization=org,
            year=serializer.validated_data["year"],
            reference_date=serializer.validated_data.get("reference_date"),
            user=self.request.user,
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        review_year = services.close_year(self.get_object(), user=request.user)
        return Response(self.get_serializer(review_year).data)


class MemberReviewViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Member classification rows (restricted by the member's place in the tree)."""

    queryset = MemberReview.objects.select_related("member", "review_year")
    serializer_class = MemberReviewSerializer
    filterset_fields = ["review_year", "organization", "member", "final_grade", "exemption"]


class OrgReviewViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Orgs in a review year; actions for the cell's entry, the quota and the confirmation."""

    personal_data = False  # org-level data: reads are not logged

    queryset = OrgReview.objects.select_related(
        "organization__org_type", "review_year__organization"
    )
    serializer_class = OrgReviewSerializer
    filterset_fields = ["review_year", "organization", "is_classified", "final_grade"]
    read_actions = RestrictedViewSetMixin.read_actions | {"shares"}

    def permission_action(self) -> str:
        if self.action in ("quota", "confirm"):
            return "confirm"
        return super().permission_action()

    @extend_schema(request=EntrySerializer, responses={200: MemberReviewSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def entry(self, request, pk=None):
        org_review = self.get_object()
        if not org_review.organization.org_type.holds_members:
            raise Http404
        data = EntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [
            ScoreRow(
                r["review"],
                r["scores"],
                r["all_tasks_done"],
                r["exceed_percent"],
                r.get("cell_grade", ""),
            )
            for r in data.validated_data["rows"]
        ]
        services.enter_cell(
            review_year=org_review.review_year,
            cell=org_review.organization,
            rows=rows,
            user=request.user,
        )
        reviews = MemberReview.objects.filter(
            review_year=org_review.review_year, organization=org_review.organization
        ).select_related("member", "review_year")
        return Response(MemberReviewSerializer(reviews, many=True).data)

    @extend_schema(responses=QuotaSerializer)
    @action(detail=True, methods=["get"])
    def quota(self, request, pk=None):
        org_review = self.get_object()
        if not services.confirming_unit(org_review.organization):
            raise Http404
        outstanding = request.query_params.get("outstanding") in ("1", "true")
        panel = services.quota_panel(
            org_review.review_year, org_review.organization, outstanding=outstanding
        )
        return Response(QuotaSerializer(_quota_data(panel)).data)

    @extend_schema(request=ConfirmSerializer, responses=QuotaSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        org_review = self.get_object()
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            grades = {int(k): v for k, v in values.get("grades", {}).items()}
        except ValueError as exc:
            raise DomainError("Mã đánh giá đảng viên phải là số.", "grades") from exc
        services.confirm(
            review_year=org_review.review_year,
            organization=org_review.organization,
            grades=grades,
            outstanding=values["outstanding"],
            exception_note=values["exception_note"],
            exception_document=values["exception_document"],
            user=request.user,
        )
        panel = services.quota_panel(
            org_review.review_year, org_review.organization, outstanding=values["outstanding"]
        )
        return Response(QuotaSerializer(_quota_data(panel)).data)

    @action(detail=True, methods=["get"])
    def shares(self, request, pk=None):
        """Counts and shares per grade, per year, for the subtree of this org."""
        org_review = self.get_object()
        rows = services.shares(org_review.organization.path)
        return Response(
            {
                "organization": org_review.organization_id,
                "years": [
                    {
                        "year": r.year,
                        "members": r.members,
                        "member_shares": r.member_shares,
                        "grassroots": r.grassroots,
                        "grassroots_shares": r.grassroots_shares,
                        "cells": r.cells,
                        "cell_shares": r.cell_shares,
                    }
                    for r in rows
                ],
                "averages": services.averages(rows) if rows else None,
                "grades": {g: rules.GRADE_SHORT[g] for g in rules.GRADES},
            }
        )


class AbsenceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = Absence
        fields = [
            "id",
            "member",
            "member_name",
            "kind",
            "valid_from",
            "valid_to",
            "decision_number",
            "note",
        ]
        extra_kwargs = {"note": {"required": True, "allow_blank": False}}


class EndAbsenceSerializer(serializers.Serializer):
    valid_to = serializers.DateField()
    note = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class AbsenceViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Periods of excuse from activity and of suspension (exemptions from classification).
    POST records one (reviews.change on the member's org); `end` closes a running one."""

    queryset = Absence.objects.select_related("member")
    serializer_class = AbsenceSerializer
    filterset_fields = ["member", "kind"]
    ordering_fields = ["valid_from", "id"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        member = data["member"]
        if not has_permission(self.request.user, "reviews.change", member.org_path):
            raise DomainError("Không có quyền ghi cho đảng viên này.", "member")
        serializer.instance = services.record_absence(
            member=member,
            kind=data["kind"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            decision_number=data.get("decision_number", ""),
            note=data["note"],
            user=self.request.user,
        )

    @extend_schema(request=EndAbsenceSerializer, responses=AbsenceSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        absence = self.get_object()
        payload = EndAbsenceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        absence = services.end_absence(absence, user=request.user, **payload.validated_data)
        return Response(self.get_serializer(absence).data)


ROUTES = [
    ("review-years", ReviewYearViewSet, "review-year"),
    ("member-reviews", MemberReviewViewSet, "member-review"),
    ("org-reviews", OrgReviewViewSet, "org-review"),
    ("review-absences", AbsenceViewSet, "review-absence"),
]
