from rest_framework import serializers

from dangbo.core.api import RestrictedReadOnlyViewSet
from dangbo.training.models import TrainingClass


class TrainingClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingClass
        fields = ["id", "organization", "kind", "name", "starts_on", "ends_on", "location"]


class TrainingClassViewSet(RestrictedReadOnlyViewSet):
    personal_data = False  # org-level data: reads are not logged
    queryset = TrainingClass.objects.all()
    serializer_class = TrainingClassSerializer
    filterset_fields = ["kind", "organization"]


ROUTES = [("training/classes", TrainingClassViewSet, "training-class")]
