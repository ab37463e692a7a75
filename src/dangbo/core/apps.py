from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangbo.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self):
        from dangbo.core import audit  # noqa: F401  (registers the audited models)
