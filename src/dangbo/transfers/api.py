"""API for transfers: both sides list and read; issue and act through the services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangbo.core.api import RestrictedSerializerMixin, RestrictedViewSetMixin
from dangbo.core.forms import UNSCOPED
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.transfers import services
from dangbo.transfers.filters import TransferFilter
from dangbo.transfers.models import Transfer, TransferEvent


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransferEvent
        fields = ["state", "date", "note"]


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "kind",
            "state",
            "member",
            "member_name",
            "from_org",
            "to_org",
            "external_org",
            "paper_number",
            "issued_on",
            "present_by",
            "complete_by",
            "rejoin_by",
            "presented_on",
            "completed_on",
            "starts_on",
            "ends_on",
            "accepted_on",
            "for_study",
            "events",
        ]
        read_only_fields = fields


class IssueSerializer(RestrictedSerializerMixin, serializers.Serializer):
    """The member among those the user sees (the service checks the sending side); the
    receiving org anywhere in the system."""

    field_permissions = {"member": "members.view", "to_org": UNSCOPED}

    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    to_org = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    on = serializers.DateField()
    paper_number = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ActSerializer(serializers.Serializer):
    on = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class TransferViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Transfers seen from either side; each act is checked for the side that may perform it."""

    queryset = Transfer.objects.select_related("member").prefetch_related("events")
    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    ordering_fields = ["issued_on"]

    @extend_schema(request=IssueSerializer, responses={201: TransferSerializer})
    def create(self, request):
        data = IssueSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        transfer = services.issue(values.pop("member"), user=request.user, **values)
        return Response(self.get_serializer(transfer).data, status=status.HTTP_201_CREATED)

    def _act(self, request, service):
        transfer = self.get_object()
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = service(transfer, user=request.user, **data.validated_data)
        return Response(self.get_serializer(transfer).data)

    @extend_schema(request=ActSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def present(self, request, pk=None):
        return self._act(request, services.present)

    @extend_schema(request=ActSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._act(request, services.receive)

    @extend_schema(request=ActSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, services.cancel)

    @extend_schema(request=ActSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The host cell accepts a temporary attendance (from `on` the member is on its roll)."""
        return self._act(request, services.accept_temporary)

    @extend_schema(request=ActSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Either side records the end of a temporary attendance."""
        return self._act(request, services.end_temporary)


ROUTES = [("transfers", TransferViewSet, "transfer")]
