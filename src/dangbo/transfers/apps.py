from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "dangbo.transfers"
    label = "transfers"
    verbose_name = "Chuyển sinh hoạt đảng"

    def ready(self):
        from dangbo.transfers import audit, hooks, work  # noqa: F401
