"""Read-only API of a member's own data under /api/v1/portal/me/… .

Like the portal screens, every queryset starts from the member resolved from the caller's
login (`own_member`); a caller without a member account gets empty lists and 404s. No member
id is ever taken from the request.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from dangbo.core.text import mask_id_number
from dangbo.dues.models import LedgerEntry
from dangbo.meetings.models import Meeting, MeetingDocument, MeetingTask
from dangbo.members.models import Member
from dangbo.portal.models import MemberAccount, Notification
from dangbo.reviews.models import MemberReview


def own_member(request) -> Member | None:
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_portal_member"):
        account = MemberAccount.objects.select_related("member").filter(user=request.user).first()
        request._portal_member = account.member if account else None
    return request._portal_member


class OwnViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows of the caller's own member record only."""

    owner_field = "member"

    def get_queryset(self):
        member = own_member(self.request)
        queryset = super().get_queryset()
        if member is None:
            return queryset.none()
        return self.own(queryset, member)

    def own(self, queryset, member):
        return queryset.filter(**{self.owner_field: member})


class PortalProfileSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "gender",
            "birth_date",
            "id_number",
            "status",
            "admitted_on",
            "official_on",
            "organization",
            "organization_name",
        ]

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class ProfileViewSet(OwnViewSet):
    """The caller's own record (one row; the ID number masked)."""

    queryset = Member.objects.select_related("organization")
    serializer_class = PortalProfileSerializer
    owner_field = "pk"
    filterset_fields = ["status"]
    ordering_fields = ["id"]

    def own(self, queryset, member):
        return queryset.filter(pk=member.pk)


class PortalDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingDocument
        fields = ["id", "title", "url", "published_at"]


class PortalMeetingSerializer(serializers.ModelSerializer):
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "status",
            "planned_on",
            "topic",
            "agenda",
            "location",
            "online_link",
            "documents",
        ]

    @extend_schema_field(PortalDocumentSerializer(many=True))
    def get_documents(self, obj):
        from django.utils import timezone

        now = timezone.now()
        rows = [d for d in obj.documents.all() if d.published_at <= now]
        return PortalDocumentSerializer(rows, many=True).data


class MeetingViewSet(OwnViewSet):
    """Meetings of the caller's own cell, with their published documents."""

    queryset = Meeting.objects.prefetch_related("documents").order_by("-planned_on", "-id")
    serializer_class = PortalMeetingSerializer
    filterset_fields = {"status": ["exact"], "planned_on": ["gte", "lte"]}
    ordering_fields = ["planned_on"]

    def own(self, queryset, member):
        return queryset.filter(organization_id=member.organization_id)


class PortalDuesSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "month", "due", "paid", "paid_on", "receipt_number"]


class DuesViewSet(OwnViewSet):
    """The caller's monthly dues: due, paid, when."""

    queryset = LedgerEntry.objects.order_by("-month")
    serializer_class = PortalDuesSerializer
    filterset_fields = {"month": ["gte", "lte"]}
    ordering_fields = ["month"]


class PortalTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingTask
        fields = ["id", "description", "due_on", "done_on"]


class TaskViewSet(OwnViewSet):
    """Tasks given to the caller by the cell's resolutions."""

    queryset = MeetingTask.objects.order_by("due_on", "id")
    serializer_class = PortalTaskSerializer
    owner_field = "owner"
    filterset_fields = {"due_on": ["gte", "lte"]}
    ordering_fields = ["due_on"]


class PortalReviewSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="review_year.year", read_only=True)

    class Meta:
        model = MemberReview
        fields = ["id", "year", "exemption", "self_grade", "final_grade"]


class ReviewViewSet(OwnViewSet):
    """The caller's annual classification, year by year."""

    queryset = MemberReview.objects.select_related("review_year").order_by("-review_year__year")
    serializer_class = PortalReviewSerializer
    filterset_fields = ["final_grade"]
    ordering_fields = ["id"]


class PortalNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class NotificationViewSet(OwnViewSet):
    """The caller's notifications, newest first."""

    queryset = Notification.objects.all()
    serializer_class = PortalNotificationSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["created_at"]


ROUTES = [
    ("portal/me/profile", ProfileViewSet, "portal-me-profile"),
    ("portal/me/meetings", MeetingViewSet, "portal-me-meeting"),
    ("portal/me/dues", DuesViewSet, "portal-me-dues"),
    ("portal/me/tasks", TaskViewSet, "portal-me-task"),
    ("portal/me/reviews", ReviewViewSet, "portal-me-review"),
    ("portal/me/notifications", NotificationViewSet, "portal-me-notification"),
]
