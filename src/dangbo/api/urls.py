"""The REST API under /api/v1/: every app's api.ROUTES on one router, with the OpenAPI schema."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for config in apps.get_app_configs():
    module_name = f"{config.name}.api"
    if config.name.startswith("dangbo.") and find_spec(module_name) is not None:
        for prefix, viewset, basename in getattr(import_module(module_name), "ROUTES", []):
            router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from a URL (?script), not inline: the
    # Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
