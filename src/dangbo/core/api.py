"""API building blocks: restricted viewsets and a handler turning DomainError into HTTP 400."""

from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangbo.core.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class RestrictedViewSetMixin:
    """Every API queryset goes through restrict(user, action); objects outside answer 404."""

    read_actions = {"list", "retrieve", "metadata"}

    def permission_action(self) -> str:
        return "view" if self.action in self.read_actions or self.action is None else "change"

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.permission_action())


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
