"""Root URLs. Each dangbo app with a urls.py is mounted at /<app label>/ automatically
(core's administration screens at /core/)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dangbo.core import ops
from dangbo.core.views_home import HomeView
from dangbo.core.views_search import SearchView


def app_urlpatterns():
    patterns = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangbo.") or config.label == "api":
            continue
        module = f"{config.name}.urls"
        if find_spec(module) is not None:
            patterns.append(path(f"{config.label}/", include(import_module(module))))
    return patterns


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("dangbo.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", ops.healthz, name="healthz"),
    path("metrics", ops.metrics, name="metrics"),
    *app_urlpatterns(),
]

handler400 = "dangbo.core.views_errors.bad_request"
handler403 = "dangbo.core.views_errors.permission_denied"
handler404 = "dangbo.core.views_errors.page_not_found"
handler500 = "dangbo.core.views_errors.server_error"
