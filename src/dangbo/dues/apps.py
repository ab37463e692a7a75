from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangbo.dues"
    label = "dues"
    verbose_name = "Đảng phí"

    def ready(self):
        from dangbo.dues import audit, work  # noqa: F401
