from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dangbo.portal"
    label = "portal"
    verbose_name = "Cổng đảng viên"

    def ready(self):
        from dangbo.portal import audit, hooks, receivers  # noqa: F401
