from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "dangbo.imports"
    label = "imports"
    verbose_name = "Nhập, xuất dữ liệu"

    def ready(self):
        from dangbo.imports import audit  # noqa: F401
